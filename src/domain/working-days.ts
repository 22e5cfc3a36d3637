import type { Day } from '../content/schema.js';

const WEEKDAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const DEFAULT_WORKING_DAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu'];

/** The calendar day (YYYY-MM-DD) an instant falls on in the given time zone. */
export function localDay(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The day `days` working days after the local day of `start`: Fridays, Saturdays (or whatever the
 * municipality does not work) are skipped. Public holidays are not known and not skipped.
 */
export function addWorkingDays(start: Date, days: number, timeZone: string, workingDays: Day[] = DEFAULT_WORKING_DAYS): string {
  if (!workingDays.length) throw new Error('at least one working day is needed');
  const day = new Date(`${localDay(start, timeZone)}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (workingDays.includes(WEEKDAYS[day.getUTCDay()])) left--;
  }
  return day.toISOString().slice(0, 10);
}
