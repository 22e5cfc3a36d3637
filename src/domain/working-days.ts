import type { Day } from '../content/schema.js';
import type { Lang } from '../text/language.js';

const WEEKDAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const DEFAULT_WORKING_DAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu'];

// Made once per zone: building an Intl.DateTimeFormat costs far more than formatting with one (a booking's slot
// search converts hundreds of times; it was a tenth of the server's CPU in the bench).
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'day' | 'parts' | 'time', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = kind === 'day' ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }) // YYYY-MM-DD
      : kind === 'time' ? new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })
        : new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(key, f);
  }
  return f;
}

/** The calendar day (YYYY-MM-DD) an instant falls on in the given time zone. */
export function localDay(at: Date, timeZone: string): string {
  return formatter('day', timeZone).format(at);
}

/**
 * The day `days` working days after the local day of `start`: Fridays, Saturdays (or whatever the
 * municipality does not work) are skipped, and so are the public holidays (local days, YYYY-MM-DD).
 */
export function addWorkingDays(start: Date, days: number, timeZone: string, workingDays: Day[] = DEFAULT_WORKING_DAYS,
  holidays: readonly string[] = []): string {
  if (!workingDays.length) throw new Error('at least one working day is needed');
  const day = new Date(`${localDay(start, timeZone)}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (workingDays.includes(WEEKDAYS[day.getUTCDay()]) && !holidays.includes(day.toISOString().slice(0, 10))) left--;
  }
  return day.toISOString().slice(0, 10);
}

/** The weekday of a local day (YYYY-MM-DD). */
export function weekday(day: string): Day {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
}

/** The local day `n` days after `day` (YYYY-MM-DD). */
export function nextDay(day: string, n = 1): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The instant a local wall-clock time (day YYYY-MM-DD, time HH:MM) falls on in the given time zone. */
export function zonedInstant(day: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${day}T${time}:00Z`);
  // The zone's offset at the guessed instant, measured twice so a change of offset near the time is followed.
  let instant = wall - offsetMs(new Date(wall), timeZone);
  instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = formatter('parts', timeZone).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The local wall-clock time (HH:MM) of an instant. */
export function localTime(at: Date, timeZone: string): string {
  return formatter('time', timeZone).format(at);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** How a local day is written for citizens ("Thursday 3 December" / "الخميس ٣ ديسمبر"), made once per language. */
export function dayFormat(lang: Lang, width: 'long' | 'short'): Intl.DateTimeFormat {
  const key = `${lang}|${width}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-LY' : lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday: width, day: 'numeric', month: width, timeZone: 'UTC' });
    dayFormats.set(key, f);
  }
  return f;
}
