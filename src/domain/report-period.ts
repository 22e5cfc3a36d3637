// Days as the municipality counts them: a report's period is a run of calendar days in its time zone.
import { localDay, nextDay, zonedInstant } from './working-days.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The calendar day ("2026-11-03") a moment falls on in `timeZone`. */
export const dayOf = localDay;

/** A valid "YYYY-MM-DD" (no 2026-02-30). */
export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The moment a calendar day starts in `timeZone`. */
export function dayStart(day: string, timeZone: string): Date {
  return zonedInstant(day, '00:00', timeZone);
}

export { nextDay };

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) days.push(d);
  return days;
}

/** The Monday-to-Sunday week a day belongs to, named by its Monday (the same name in both languages). */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

export interface Period { from: string; to: string; start: Date; end: Date; timeZone: string }

/** A report period: calendar days `from`..`to` (inclusive), as the moments [start, end). */
export function period(from: string, to: string, timeZone: string): Period {
  return { from, to, start: dayStart(from, timeZone), end: dayStart(nextDay(to), timeZone), timeZone };
}

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
