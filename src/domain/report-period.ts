// Days as the municipality counts them: a report's period is a run of calendar days in its time zone.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day ("2026-11-03") a moment falls on in `timeZone`. */
export function dayOf(at: Date, timeZone: string): string {
  // Making a format is far slower than using one, and a rebuild asks this for every record.
  let f = formats.get(timeZone);
  if (!f) formats.set(timeZone, f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return f.format(at);
}

/** A valid "YYYY-MM-DD" (no 2026-02-30). */
export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** How far `timeZone` is ahead of UTC at a moment, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(at).map((p) => [p.type, p.value]));
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** The moment a calendar day starts in `timeZone`. */
export function dayStart(day: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  let at = utcMidnight - offsetAt(new Date(utcMidnight), timeZone);
  // Once more, for a day whose offset differs from the previous evening's (summer time changes).
  at = utcMidnight - offsetAt(new Date(at), timeZone);
  return new Date(at);
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

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
