import express, { type Router } from 'express';
import { z } from 'zod';
import { departmentsOf } from '../domain/department-access.js';
import type { DigestStore } from '../domain/digest.js';
import type { AlertStore } from '../domain/escalation.js';
import { staffDepartments, type Actor, type StaffStore } from '../domain/staff.js';
import { localDay } from '../domain/working-days.js';
import { requireStaff } from './auth.js';
import { route } from './console-api.js';
import { parseBody } from './input.js';

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

export function alertsApi(deps: AlertsApiDeps): Router {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const agent = requireStaff(deps.staff, 'agent');

  router.get('/alerts', agent, route(async (req, res) => {
    const departments = reached(req.staff!, deps.departments);
    const seenAt = await deps.seen.seenAt(req.staff!.username);
    const scope = departments ? { departments } : {};
    const [{ total, alerts }, fresh] = await Promise.all([
      deps.alerts.list({ ...scope, limit: 100 }),
      deps.alerts.list({ ...scope, ...(seenAt ? { since: seenAt } : {}), limit: 1 }),
    ]);
    res.json({ total, unseen: fresh.total, seenAt: seenAt ?? null, alerts: alerts.map(({ code, department, deadline, at }) => ({ code, department, deadline, at, unseen: !seenAt || at > seenAt })) });
  }));

  router.post('/alerts/seen', agent, route(async (req, res) => {
    if (!parseBody(NoBody, req, res, 'expected-empty-body')) return;
    await deps.seen.markSeen(req.staff!.username, now());
    res.json({ ok: true });
  }));

  // Today's digest of each of my departments (the office: of every department).
  router.get('/digests', agent, route(async (req, res) => {
    const day = localDay(now(), deps.timeZone);
    const digests = await deps.digests.latest(reached(req.staff!, deps.departments) ?? deps.departments, day);
    res.json({ day, digests: digests.map(({ department, day: d, at, overdue, dueSoon, waiting, overdueCodes }) => ({ department, day: d, at, overdue, dueSoon, waiting, overdueCodes })) });
  }));
  return router;
}
