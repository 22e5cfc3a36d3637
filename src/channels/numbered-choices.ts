import type { Reply } from '../shared/message.js';

/**
 * Choices as numbered lines, where no native buttons exist (WhatsApp Web) or fit (long Cloud API menus);
 * the core maps a reply of "1", "١" or the option's words back to the choice.
 * A text that already lists the options as numbered lines is left as it is.
 */
export function numberedChoices(reply: Reply): string {
  const choices = reply.choices ?? [];
  if (!choices.length) return reply.text;
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  if (lines.every((line) => reply.text.includes(line))) return reply.text;
  return reply.text ? `${reply.text}\n\n${lines.join('\n')}` : lines.join('\n');
}
