import type { Choice, Reply } from '../../shared/message.js';
import type { Lang } from '../../text/language.js';
import { numberedChoices } from '../numbered-choices.js';
import { splitMessage } from '../split-message.js';

/** The Cloud API's limits for what we send (characters). */
export const LIMITS = {
  text: 4096, body: 1024, buttons: 3, buttonTitle: 20, buttonId: 256,
  rows: 10, rowTitle: 24, rowDescription: 72, rowId: 200, listButton: 20, templateParameter: 900,
} as const;

export type GraphMessage = Record<string, unknown>;

/** The list's "open" button, per language (a list needs one; 20 characters at most). */
export const LIST_BUTTON: Record<Lang, string> = { ar: 'الخيارات', en: 'Options', fr: 'Options' };

const length = (s: string) => [...s].length;
function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** The id a button or row carries back: the choice's value, or its label when the value is too long. */
const idOf = (c: Choice, max: number) => (c.value.length <= max ? c.value : clip(c.label, max));

const text = (body: string): GraphMessage => ({ type: 'text', text: { body, preview_url: false } });

/** Long text first as plain messages, the last part (≤ 1024) as the interactive message's body. */
function withBody(all: string, interactive: (body: string) => GraphMessage): GraphMessage[] {
  const parts = splitMessage(all, LIMITS.text).filter((p) => p.trim());
  const last = parts.pop() ?? '';
  const tail = last.length > LIMITS.body ? splitMessage(last, LIMITS.body) : [last];
  const body = tail.pop()?.trim() || '⬇️';
  return [...parts, ...tail].map(text).concat(interactive(body));
}

/**
 * A reply as Cloud API messages: up to 3 short choices as reply buttons, up to 10 as a list (a long label goes
 * whole into the row's description), more than that as numbered lines in the text.
 */
export function replyMessages(reply: Reply, listButton: Record<Lang, string> = LIST_BUTTON): GraphMessage[] {
  const choices = reply.choices ?? [];
  if (choices.length && choices.length <= LIMITS.buttons && choices.every((c) => length(c.label) <= LIMITS.buttonTitle)) {
    return withBody(reply.text, (body) => ({ type: 'interactive', interactive: { type: 'button', body: { text: body },
      action: { buttons: choices.map((c) => ({ type: 'reply', reply: { id: idOf(c, LIMITS.buttonId), title: c.label } })) } } }));
  }
  if (choices.length && choices.length <= LIMITS.rows && choices.every((c) => length(c.label) <= LIMITS.rowDescription)) {
    return withBody(reply.text, (body) => ({ type: 'interactive', interactive: { type: 'list', body: { text: body }, action: {
      button: clip(listButton[reply.lang ?? 'ar'], LIMITS.listButton),
      sections: [{ rows: choices.map((c) => ({ id: idOf(c, LIMITS.rowId), title: clip(c.label, LIMITS.rowTitle),
        ...(length(c.label) > LIMITS.rowTitle ? { description: c.label } : {}) })) }],
    } } }));
  }
  return splitMessage(numberedChoices(reply), LIMITS.text).filter((p) => p.trim()).map(text);
}

/**
 * Outside the 24-hour window only an approved template may be sent: its one body parameter carries the text,
 * on one line (Meta refuses parameters with line breaks, tabs or runs of spaces) and truncated.
 */
export function templateMessage(reply: Reply, name: string, languages: Record<Lang, string>): GraphMessage {
  const parameter = clip(reply.text.replace(/\s+/g, ' ').trim(), LIMITS.templateParameter);
  return { type: 'template', template: { name, language: { code: languages[reply.lang ?? 'ar'] },
    components: [{ type: 'body', parameters: [{ type: 'text', text: parameter }] }] } };
}
