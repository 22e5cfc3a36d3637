import type { Day, Hours } from '../content/schema.js';

// When staff answer handed-off conversations, read in the municipality's own time zone (not the server's).

const WEEKDAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar day and minute of the day at `date` in `timeZone`. */
export function localTime(date: Date, timeZone: string): { year: number; month: number; day: number; weekday: Day; minutes: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  const year = Number(parts.year), month = Number(parts.month), day = Number(parts.day);
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  return { year, month, day, weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isStaffOpen(now: Date, hours: Hours, timeZone: string): boolean {
  const t = localTime(now, timeZone);
  return hours.some((h) => h.days.includes(t.weekday) && t.minutes >= minutesOf(h.open) && t.minutes < minutesOf(h.close));
}

/** When staff are next at work: the local weekday, opening time and how many calendar days ahead (0 = today). */
export interface Opening { weekday: Day; time: string; daysAhead: number }

export function nextStaffOpening(now: Date, hours: Hours, timeZone: string): Opening | undefined {
  const t = localTime(now, timeZone);
  for (let ahead = 0; ahead <= 7; ahead++) {
    const weekday = WEEKDAYS[new Date(Date.UTC(t.year, t.month - 1, t.day + ahead)).getUTCDay()];
    const opens = hours.filter((h) => h.days.includes(weekday) && (ahead > 0 || minutesOf(h.open) > t.minutes))
      .map((h) => h.open).sort();
    if (opens.length) return { weekday, time: opens[0], daysAhead: ahead };
  }
  return undefined;
}
