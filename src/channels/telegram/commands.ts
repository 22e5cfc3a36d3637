import type { ReplyKey } from '../../content/reply-keys.js';
import type { BotCommand } from 'telegraf/types';
import type { Lang } from '../../text/language.js';

/** The command menu Telegram shows next to the text box, per app language (the first is the default). */
export type CommandMenu = Record<Lang, BotCommand[]>;

// Commands reach the core as text ("/status"), which understands them on every channel.
export const COMMAND_NAMES = ['start', 'menu', 'status', 'complaint', 'agent', 'lang', 'help'] as const;

/** The menu in both languages, its descriptions read from the municipality's replies (`command.<name>`). */
export function commandMenu(t: (lang: Lang, key: ReplyKey) => string): CommandMenu {
  const menu = (lang: Lang) => COMMAND_NAMES.map((command) => ({ command, description: t(lang, `command.${command}`) }));
  return { ar: menu('ar'), en: menu('en'), fr: menu('fr') };
}

/** "/status@NafidhaBot 123" → "/status 123": the core need not know the bot's username. */
export function normaliseCommand(text: string): string {
  return text.replace(/^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]+/, '$1');
}
