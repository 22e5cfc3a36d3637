import express, { type Router } from 'express';
import { listScope } from '../domain/department-access.js';
import type { AlertStore } from '../domain/escalation.js';
import type { StaffStore } from '../domain/staff.js';
import { requireStaff } from './auth.js';
import { route } from './console-api.js';

// Overdue alerts (escalation.ts): a department's staff see their department's, the citizen office every one.
// An alert names only the complaint and its department, never who filed it.
export function alertsApi(deps: { staff: StaffStore; alerts: AlertStore }): Router {
  const router = express.Router();
  router.get('/alerts', requireStaff(deps.staff, 'agent'), route(async (req, res) => {
    const scope = listScope(req.staff!);
    const { total, alerts } = await deps.alerts.list({ ...(scope.ok && scope.departments ? { departments: scope.departments } : {}), limit: 100 });
    res.json({ total, alerts: alerts.map(({ code, department, deadline, at }) => ({ code, department, deadline, at })) });
  }));
  return router;
}
