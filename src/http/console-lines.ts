import type { Content } from '../content/load.js';
import type { ReplyKey } from '../content/schema.js';
import type { Handoff } from '../domain/handoff.js';
import { CONFIDENTIAL_MARKER, mayKnowWho, maySeeIdentity, transcriptFor } from '../domain/confidentiality.js';
import type { Role } from '../domain/staff.js';
import type { TranscriptEntry } from '../domain/transcript.js';
import type { Lang } from '../shared/lang.js';

// What staff read of a transcript line, worked out on the server so every reader (the conversation view, the live
// feed, the queue's preview) shows the same: the label of a button rather than its payload, and system lines as a
// key with values, for the console to say in its own language.

/** Payloads of the assistant's buttons and the sentence their label comes from (for lines stored before `tapped`). */
const PAYLOAD_LABELS: Record<string, ReplyKey> = {
  '/services': 'menu.services', '/complaint': 'menu.complaint', '/status': 'menu.status', '/agent': 'menu.agent', '/offices': 'menu.offices',
  '/more': 'choice.more', '/named': 'complaint.privacy.named', '/confidential': 'complaint.privacy.confidential',
  '/anonymous': 'complaint.privacy.anonymous', '/skip': 'complaint.skip', '/next': 'complaint.next', '/yes': 'complaint.yes',
  '/no': 'complaint.no', '/confirm': 'complaint.confirm', '/edit': 'complaint.change', '/cancel': 'complaint.cancel',
  '/book': 'booking.book', '/book-confirm': 'booking.confirm', '/bookings': 'menu.status',
  '/aspect documents': 'choice.documents', '/aspect fees': 'choice.fees', '/aspect duration': 'choice.duration',
  '/aspect location': 'choice.where', '/aspect steps': 'choice.steps',
};

type Labels = Pick<Content, 'replies' | 'services' | 'categories'>;

/** The label a citizen saw on the button whose payload is `text`, or undefined when it is not a known payload. */
export function payloadLabel(content: Labels, text: string, lang: Lang): string | undefined {
  const payload = text.trim();
  if (!payload.startsWith('/')) return undefined;
  const key = PAYLOAD_LABELS[payload];
  if (key) return content.replies[key]?.[lang];
  const [command, id] = payload.split(/\s+/);
  if (command === '/service' || command === '/book-service') return content.services.find((s) => s.id === id)?.name[lang];
  if (command === '/cat') return content.categories.find((c) => c.id === id)?.name[lang];
  return undefined;
}

/** A system line as a key and values (the console translates it); undefined for a line it does not know. */
export type SystemSay = { key: string; vars: Record<string, string> };

const SYSTEM_LINES: Array<[RegExp, string, string[]]> = [
  [/^citizen left the conversation$/, 'citizen-left', []],
  [/^(\S+) took the conversation$/, 'took', ['name']],
  [/^(\S+) transferred the conversation to (\S+)$/, 'transferred', ['name', 'to']],
  [/^(\S+) handed the conversation back to the assistant$/, 'handed-back', ['name']],
  [/^(\S+) closed the conversation \(([\w-]+)\)$/, 'closed', ['name', 'outcome']],
];

export function systemSay(text: string): SystemSay | undefined {
  if (text === CONFIDENTIAL_MARKER) return { key: 'confidential', vars: {} };
  for (const [pattern, key, names] of SYSTEM_LINES) {
    const m = pattern.exec(text);
    if (m) return { key, vars: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) };
  }
  return undefined;
}

/** A line as staff read it: `text` is what the citizen saw (a button's label), `payload` what the button sent. */
export function readableLine(content: Labels, line: TranscriptEntry, lang: Lang): TranscriptEntry & { payload?: string; say?: SystemSay } {
  const { tapped, ...rest } = line;
  if (line.from === 'citizen') {
    const label = tapped ?? payloadLabel(content, line.text, lang);
    return label ? { ...rest, text: label, payload: line.text } : rest;
  }
  if (line.from === 'system') {
    const say = systemSay(line.text);
    return say ? { ...rest, say } : rest;
  }
  return rest;
}

/** Classifier details (the assistant's guess) are for the citizen office, never an agent's screen. */
export function withoutDebug<T extends { assistantGuess?: unknown }>(role: Role, summary: T): T {
  if (maySeeIdentity(role)) return summary;
  const { assistantGuess: _hidden, ...rest } = summary;
  return rest as T;
}

/**
 * What a queue row says of the citizen waiting: their name (given in the chat or the profile's), their chat id (a
 * Telegram or WhatsApp contact; a web chat has none worth showing) and their last message. An agent learns none of
 * them when the conversation holds a confidential filing.
 */
export function queuePreview(content: Labels, viewer: { role: Role }, handoff: Pick<Handoff, 'channel' | 'user' | 'lang' | 'citizenName'>, lines: TranscriptEntry[]): { name?: string; contact?: string; last?: { text: string; at: Date } } {
  const view = transcriptFor(viewer, lines);
  const hidden = !mayKnowWho(viewer, lines);
  const last = [...view.lines].reverse().find((l) => l.from === 'citizen');
  const contact = hidden || handoff.channel === 'web' ? undefined : handoff.user;
  const name = hidden ? undefined : handoff.citizenName;
  return {
    ...(name ? { name } : {}),
    ...(contact ? { contact } : {}),

    ...(last && !hidden ? { last: { text: readableLine(content, last, handoff.lang).text.slice(0, 140), at: last.at } } : {}),
  };
}
