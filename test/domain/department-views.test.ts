import { describe, expect, it } from 'vitest';
import { earlierComplaintsFor } from '../../src/domain/confidentiality.js';
import { queueView } from '../../src/domain/complaints.js';
import { departmentsOf, mayWorkOn } from '../../src/domain/department-access.js';
import { dueSoonUntil } from '../../src/domain/digest.js';

// Pure rules behind the departments' views: several departments per person, earlier complaints through
// confidentiality.ts, which list queries the queue documents answer, and "due soon" in working days.

describe('department rules', () => {
  it('a person of several departments works on each of them and no other', () => {
    const huda = { role: 'agent' as const, department: 'water-sewage', departments: ['water-sewage', 'sanitation'] };
    expect(departmentsOf(huda)).toEqual(['water-sewage', 'sanitation']);
    expect(mayWorkOn(huda, 'sanitation')).toBe(true);
    expect(mayWorkOn(huda, 'public-works')).toBe(false);
    expect(departmentsOf({ role: 'supervisor', departments: ['sanitation'] })).toBe('all');
  });

  it("earlier complaints: only the viewer's departments, confidential ones only for the citizen office", () => {
    const list = [
      { code: 'a', department: 'water-sewage', privacy: 'named' },
      { code: 'b', department: 'public-works', privacy: 'named' },
      { code: 'c', department: 'water-sewage', privacy: 'confidential' },
    ];
    const agent = earlierComplaintsFor({ role: 'agent', department: 'water-sewage' }, list);
    expect(agent.shown.map((c) => c.code)).toEqual(['a']);
    expect(agent.revealed).toEqual([]);
    const office = earlierComplaintsFor({ role: 'supervisor' }, list);
    expect(office.shown.map((c) => c.code)).toEqual(['a', 'b', 'c']);
    expect(office.revealed.map((c) => c.code)).toEqual(['c']);
    expect(earlierComplaintsFor({ role: 'agent' }, list).shown.map((c) => c.code)).toEqual(['a', 'b']);
  });

  it('the work views go to the queue documents, other searches to the collection', () => {
    const base = { departments: ['sanitation'], skip: 0, limit: 50 };
    const at = new Date();
    expect(queueView({ ...base, sort: 'deadline', overdueAt: at })).toMatchObject({ deadlineBefore: at });
    expect(queueView({ ...base, sort: 'deadline', openOnly: true, assignee: null })).toMatchObject({ assignee: null });
    expect(queueView({ ...base, sort: 'deadline', statuses: ['in-progress'] })).toMatchObject({ status: 'in-progress' });
    expect(queueView({ ...base, sort: 'deadline' })).toBeUndefined();
    expect(queueView({ ...base, sort: 'newest', openOnly: true })).toBeUndefined();
    expect(queueView({ ...base, sort: 'deadline', statuses: ['closed'] })).toBeUndefined();
    // Queue entries keep their category: a category's open work comes from the queues too.
    expect(queueView({ ...base, sort: 'deadline', openOnly: true, categories: ['waste'] })).toMatchObject({ categories: ['waste'] });
    expect(queueView({ skip: 0, limit: 50, sort: 'deadline', openOnly: true })).toBeUndefined();
  });

  it('"due soon" reaches the same time on the next working day, over the weekend and a holiday', () => {
    const tz = 'Africa/Tripoli';
    // Thursday 2026-12-03 10:00 in Tripoli (UTC+2): Friday and Saturday are not worked, Sunday is a holiday here.
    const thursday = new Date('2026-12-03T08:00:00Z');
    expect(dueSoonUntil(thursday, { timeZone: tz }).toISOString()).toBe('2026-12-06T08:00:00.000Z');
    expect(dueSoonUntil(thursday, { timeZone: tz, holidays: ['2026-12-06'] }).toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });
});
