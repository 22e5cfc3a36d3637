import express, { type Router } from 'express';
import { z } from 'zod';
import { departmentsOf } from '../domain/department-access.js';
import type { DigestStore } from '../domain/digest.js';
import type { AlertStore } from '../domain/escalation.js';
import { staffDepartments, type Actor, type StaffStore } from '../domain/staff.js';
import { localDay } from '../domain/working-days.js';
import { staffRoutes } from './staff-route.js';

// Overdue alerts (escalation.ts) and the daily department digests (digest.ts). Whoever belongs to departments —
// the department's supervisor included — gets those departments' alerts; the citizen office without a department
// gets every one. The badge counts the alerts that came since the person last opened the list. An alert names
// only the complaint and its department, never who filed it.

export interface SeenStore {
  seenAt(username: string): Promise<Date | undefined>;
  markSeen(username: string, at: Date): Promise<void>;
}

export interface AlertsApiDeps {
  staff: StaffStore;
  alerts: AlertStore;
  seen: SeenStore;
  digests: DigestStore;
  departments: string[];
  timeZone: string;
  now?: () => Date;
}

const NoBody = z.strictObject({});

/** The departments whose alerts and digests reach this person. */
function reached(viewer: Actor, all: string[]): string[] | undefined {
  const own = staffDepartments(viewer);
  if (own.length) return own;
  const scope = departmentsOf(viewer);
  return scope === 'all' ? undefined : scope.length ? scope : all;
}

const At = z.union([z.date(), z.string()]);
const AlertList = z.object({
  total: z.number(), unseen: z.number(), seenAt: At.nullable(),
  alerts: z.array(z.strictObject({ code: z.string(), department: z.string(), deadline: At, at: At, unseen: z.boolean() })),
});
const Digests = z.object({
  day: z.string(),
  digests: z.array(z.strictObject({ department: z.string(), day: z.string(), at: At, overdue: z.number(), dueSoon: z.number(), waiting: z.number(), overdueCodes: z.array(z.string()) })),
});

export function alertsApi(deps: AlertsApiDeps): Router {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const staffRoute = staffRoutes(deps.staff);

  // Strict shapes: an alert names the complaint and its department, never who filed it.
  router.get('/alerts', ...staffRoute('agent', { output: AlertList }, async ({ staff }) => {
    const departments = reached(staff, deps.departments);
    const seenAt = await deps.seen.seenAt(staff.username);
    const scope = departments ? { departments } : {};
    const [{ total, alerts }, fresh] = await Promise.all([
      deps.alerts.list({ ...scope, limit: 100 }),
      deps.alerts.list({ ...scope, ...(seenAt ? { since: seenAt } : {}), limit: 1 }),
    ]);
    return { total, unseen: fresh.total, seenAt: seenAt ?? null, alerts: alerts.map(({ code, department, deadline, at }) => ({ code, department, deadline, at, unseen: !seenAt || at > seenAt })) };
  }));

  router.post('/alerts/seen', ...staffRoute('agent', { body: NoBody, invalid: 'expected-empty-body', output: z.object({ ok: z.literal(true) }) }, async ({ staff }) => {
    await deps.seen.markSeen(staff.username, now());
    return { ok: true as const };
  }));

  // Today's digest of each of my departments (the office: of every department).
  router.get('/digests', ...staffRoute('agent', { output: Digests }, async ({ staff }) => {
    const day = localDay(now(), deps.timeZone);
    const digests = await deps.digests.latest(reached(staff, deps.departments) ?? deps.departments, day);
    return { day, digests: digests.map(({ department, day: d, at, overdue, dueSoon, waiting, overdueCodes }) => ({ department, day: d, at, overdue, dueSoon, waiting, overdueCodes })) };
  }));
  return router;
}
