import type { Municipality } from '../content/schema.js';
import type { ComplaintRules, FileComplaintInput } from './complaint-input.js';
import { parseTrackingCode } from './tracking-code.js';

// What is checked before a complaint is filed, and the "was it fixed?" buttons; the dialogs use these directly.

export const MAX_DESCRIPTION = 2000;
export const MAX_PHOTOS = 5;
const MAX_LOCATION_TEXT = 300;

export type ComplaintProblem =
  | { problem: 'complaint.unknown-category' }
  | { problem: 'complaint.description-empty' }
  | { problem: 'complaint.description-too-long'; max: number }
  | { problem: 'complaint.location-outside' }
  | { problem: 'complaint.location-invalid' }
  | { problem: 'complaint.too-many-photos'; max: number }
  | { problem: 'complaint.reporter-missing' };

/** The value of the "was it fixed?" buttons, e.g. `/fixed no C-7KQ2X-M4PR9`. */
export function fixedChoiceValue(code: string, yes: boolean): string {
  return `/fixed ${yes ? 'yes' : 'no'} ${code}`;
}

/** Reads a "was it fixed?" button press back; undefined when the text is something else. */
export function parseFixedChoice(value: string): { code: string; yes: boolean } | undefined {
  const m = /^\/fixed (yes|no) (\S+)$/.exec(value.trim());
  const parsed = m ? parseTrackingCode(m[2]) : undefined;
  return parsed?.ok && parsed.kind === 'complaint' ? { code: parsed.code, yes: m![1] === 'yes' } : undefined;
}

export function insideBounds(point: { lat: number; lon: number }, bounds: Municipality['bounds']): boolean {
  return point.lat <= bounds.north && point.lat >= bounds.south && point.lon <= bounds.east && point.lon >= bounds.west;
}

/** What is wrong with a complaint before it is filed; the dialogs can check a single field as it is given. */
export function complaintProblems(input: Partial<FileComplaintInput>, rules: ComplaintRules): ComplaintProblem[] {
  const problems: ComplaintProblem[] = [];
  if (input.category !== undefined && !rules.categories.some((c) => c.id === input.category)) {
    problems.push({ problem: 'complaint.unknown-category' });
  }
  if (input.description !== undefined) {
    const description = input.description.trim();
    if (!description) problems.push({ problem: 'complaint.description-empty' });
    else if (description.length > MAX_DESCRIPTION) problems.push({ problem: 'complaint.description-too-long', max: MAX_DESCRIPTION });
  }
  const location = input.location;
  if (location && 'text' in location) {
    if (!location.text.trim() || location.text.length > MAX_LOCATION_TEXT) problems.push({ problem: 'complaint.location-invalid' });
  } else if (location) {
    const { lat, lon } = location;
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      problems.push({ problem: 'complaint.location-invalid' });
    } else if (!insideBounds(location, rules.municipality.bounds)) {
      problems.push({ problem: 'complaint.location-outside' });
    }
  }
  if ((input.photos?.length ?? 0) > MAX_PHOTOS) problems.push({ problem: 'complaint.too-many-photos', max: MAX_PHOTOS });
  if (input.privacy && input.privacy !== 'anonymous' && !input.from && !input.name?.trim() && !input.email && !input.phone) {
    problems.push({ problem: 'complaint.reporter-missing' });
  }
  return problems;
}
