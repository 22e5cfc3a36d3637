import { mayWorkOn } from './department-access.js';
import { atLeast, type Actor, type Role } from './staff.js';
import type { TranscriptEntry } from './transcript.js';

// The one place that decides who may learn who reported what. Every reader of transcript lines (the console's
// conversation view, its live feed, exports, reports) passes them through `transcriptFor` with the viewer.

/** The citizen office (supervisors, admins) may see who filed a confidential complaint; agents may not. */
export function maySeeIdentity(role: Role): boolean {
  return atLeast(role, 'supervisor');
}

/** What an agent reads in place of a line said while filing a confidential complaint. */
export const CONFIDENTIAL_MARKER = '[شكوى سرية قُدّمت هنا — يطّلع عليها مكتب المواطنين فقط] / [a confidential complaint was filed here — visible to the citizen office only]';

export interface TranscriptView {
  lines: TranscriptEntry[];
  /** Confidential lines this viewer was shown in full (to be audited). */
  revealed: number;
  /** Confidential lines replaced by the marker. */
  withheld: number;
}

/** The transcript as this viewer may read it: confidential lines in full for the citizen office, a marker for others. */
export function transcriptFor(viewer: Pick<Actor, 'role'>, lines: TranscriptEntry[]): TranscriptView {
  const office = maySeeIdentity(viewer.role);
  let revealed = 0, withheld = 0;
  const shown: TranscriptEntry[] = [];
  for (const line of lines) {
    if (!line.confidential) { shown.push(line); continue; }
    if (office) { revealed++; shown.push(line); continue; }
    withheld++;
    // Consecutive confidential lines collapse into one marker: their number says something too.
    const last = shown.at(-1);
    if (last?.confidential && last.text === CONFIDENTIAL_MARKER) continue;
    shown.push({ id: line.id, conversation: line.conversation, from: 'system', text: CONFIDENTIAL_MARKER, at: line.at, confidential: true });
  }
  return { lines: shown, revealed, withheld };
}

/**
 * A citizen's earlier complaints as this viewer may see them next to a conversation: only those of the viewer's
 * departments, and a confidential one only to the citizen office (knowing this chat filed it is knowing who filed
 * it). `revealed` are the confidential ones shown, to be audited.
 */
export function earlierComplaintsFor<T extends { privacy: string; department: string }>(viewer: Pick<Actor, 'role' | 'department' | 'departments'>, complaints: T[]): { shown: T[]; revealed: T[] } {
  const office = maySeeIdentity(viewer.role);
  const shown = complaints.filter((c) => mayWorkOn(viewer, c.department) && (c.privacy !== 'confidential' || office));
  return { shown, revealed: shown.filter((c) => c.privacy === 'confidential') };
}

/**
 * Whether a citizen's line may be shown to content maintainers as an example to learn from. Never a line said while
 * filing a confidential complaint, and never an anonymous one: those are redacted and keep no understanding, so a
 * line without an intent and confidence is refused too.
 */
export function teachable(line: Pick<TranscriptEntry, 'from' | 'confidential' | 'intent' | 'confidence'>): boolean {
  return line.from === 'citizen' && !line.confidential && typeof line.intent === 'string' && typeof line.confidence === 'number';
}

/**
 * Whether a viewer may learn who is behind a conversation (its chat id, the citizen's contact): the citizen office
 * always; an agent only when nothing in it was said while filing a confidential complaint.
 */
export function mayKnowWho(viewer: Pick<Actor, 'role'>, lines: Pick<TranscriptEntry, 'confidential'>[]): boolean {
  return maySeeIdentity(viewer.role) || !lines.some((l) => l.confidential);
}
