import type { InlineKeyboardMarkup, MaybeInaccessibleMessage } from 'telegraf/types';
import type { Choice } from '../../shared/message.js';

// Telegram allows 64 bytes of callback_data. Short values travel in the button itself ("=value");
// longer ones get a short key ("#k12") kept here. After a restart a key is unknown, and the pressed
// button's label is used instead (the core also understands an option's words).
const DATA_LIMIT = 64;

export class ChoiceButtons {
  private readonly values = new Map<string, string>();
  private counter = 0;

  constructor(private readonly capacity = 10_000) {}

  keyboard(choices: Choice[]): InlineKeyboardMarkup {
    return { inline_keyboard: choices.map((c) => [{ text: c.label, callback_data: this.encode(c.value) }]) };
  }

  encode(value: string): string {
    const inline = `=${value}`;
    if (Buffer.byteLength(inline, 'utf8') <= DATA_LIMIT) return inline;
    const key = `#${(this.counter++).toString(36)}`;
    this.values.set(key, value);
    if (this.values.size > this.capacity) this.values.delete(this.values.keys().next().value as string);
    return key;
  }

  /** The value behind a pressed button, or its label when the key was forgotten. */
  decode(data: string, message?: MaybeInaccessibleMessage): string | undefined {
    if (data.startsWith('=')) return data.slice(1);
    const known = this.values.get(data);
    if (known !== undefined) return known;
    const markup = message && 'reply_markup' in message ? message.reply_markup : undefined;
    for (const row of markup?.inline_keyboard ?? []) {
      for (const button of row) if ('callback_data' in button && button.callback_data === data) return button.text;
    }
    return undefined;
  }
}
