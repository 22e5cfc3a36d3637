import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent } from '../../src/content/load.js';
import { addWorkingDays, zonedInstant } from '../../src/domain/working-days.js';

const root = path.resolve(import.meta.dirname, '../..');

function withEdited(file: string, edit: (text: string) => string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-booking-'));
  fs.cpSync(path.join(root, 'knowledge'), path.join(dir, 'knowledge'), { recursive: true });
  const target = path.join(dir, 'knowledge', file);
  fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
  try { loadContent(path.join(dir, 'knowledge'), path.join(root, 'intents')); } catch (err) { if (err instanceof ContentError) return err.problems; throw err; }
  return [];
}

describe('bookable capacity and public holidays are data', () => {
  it('the shipped booking and holiday files load', () => {
    const c = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
    const main = c.booking.branches.find((b) => b.branch === 'main-hall')!;
    expect(main.services.find((s) => s.service === 'mayor-meeting')?.request).toBe(true);
    expect(c.holidays.map((h) => h.date)).toContain('2026-12-24');
  });

  it('a bad slot length is refused with the file, the branch and the field named', () => {
    const problems = withEdited('booking.yaml', (t) => t.replace('slotMinutes: 20', 'slotMinutes: two'));
    expect(problems.join('\n')).toMatch(/booking\.yaml \(entry 'main-hall'\): field branches\[0\]\.services\[0\]\.slotMinutes/);
  });

  it('a service nobody offers and a branch that does not exist are named', () => {
    const problems = withEdited('booking.yaml', (t) => t.replace('service: water-subscription', 'service: moon-landing').replace('branch: west-centre', 'branch: north-pole'));
    const all = problems.join('\n');
    expect(all).toContain("booking.yaml (entry 'north-pole'): field branches[2].branch: no branch 'north-pole'");
    expect(all).toContain("no service 'moon-landing'");
  });

  it('a holiday on a day the calendar does not have is refused', () => {
    const problems = withEdited('holidays.yaml', (t) => t.replace('"2027-02-17"', '"2027-02-30"'));
    expect(problems.join('\n')).toMatch(/holidays\.yaml \(entry '2027-02-30'\): field holidays\[1\]\.date: no such day/);
  });
});

describe('working days skip public holidays', () => {
  const tz = 'Africa/Tripoli';
  it('an application due over Independence Day is expected one working day later', () => {
    // Wednesday 23 December 2026: Thursday the 24th is a holiday, Friday and Saturday are off.
    expect(addWorkingDays(new Date('2026-12-23T08:00:00Z'), 1, tz)).toBe('2026-12-24');
    expect(addWorkingDays(new Date('2026-12-23T08:00:00Z'), 1, tz, undefined, ['2026-12-24'])).toBe('2026-12-27');
  });

  it('a local time is turned into the instant it falls on in the municipality', () => {
    expect(zonedInstant('2026-12-27', '09:30', tz).toISOString()).toBe('2026-12-27T07:30:00.000Z');
    expect(zonedInstant('2026-07-01', '09:30', 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:30:00.000Z');
  });
});
