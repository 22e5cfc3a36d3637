import express, { type Router } from 'express';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import { similarKey, type MisunderstoodSource } from '../domain/report-figures.js';
import { dayOf, period } from '../domain/report-period.js';
import { reportScope } from '../domain/reports.js';
import type { StaffStore } from '../domain/staff.js';
import { requireStaff } from './auth.js';
import type { AuditLog } from '../domain/audit.js';
import { route } from './console-api.js';
import { shownConversation } from './console-events.js';
import { clientError, parseBody, typed } from './input.js';

// "What the assistant did not understand", for content maintainers (the citizen office): recent fallback and
// low-confidence lines grouped by similar text, a label per group, and the labelled lines in `npm run eval` format.

export interface MisunderstoodDeps {
  source: MisunderstoodSource;
  staff: StaffStore;
  content: Pick<Content, 'departments' | 'services' | 'intents' | 'municipality'>;
  audit: AuditLog;
  now?: () => Date;
}

const Query = z.object({ from: z.string().max(10).optional(), to: z.string().max(10).optional() });

export function misunderstoodApi(deps: MisunderstoodDeps): Router {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const c = deps.content;
  const tz = c.municipality.timezone;
  const office = requireStaff(deps.staff, 'supervisor');
  const labels = deps.source.labels;
  const Label = z.object({
    text: typed(1000), intent: z.enum(c.intents.map((i) => i.id) as [string, ...string[]]),
    service: z.union([z.enum(c.services.map((s) => s.id) as [string, ...string[]]), z.literal(''), z.null()]).optional(),
  });

  router.get('/reports/misunderstood', office, route(async (req, res) => {
    const q = Query.safeParse(req.query);
    if (!q.success) { clientError(req, res, 400, 'query-invalid'); return; }
    const scope = reportScope({ role: req.staff!.role }, q.data, { departments: c.departments, services: c.services, timeZone: tz }, dayOf(now(), tz));
    if (!scope.ok) { clientError(req, res, scope.status, scope.error); return; }
    const p = period(scope.scope.period.from, scope.scope.period.to, tz);
    const [groups, saved] = await Promise.all([deps.source.groups(p, { limit: 100, shown: shownConversation }), labels.list()]);
    const byKey = new Map(saved.map((l) => [l.key, l]));
    res.json({ from: p.from, to: p.to, groups: groups.map((g) => ({ ...g, label: byKey.get(g.key) ? { intent: byKey.get(g.key)!.intent, service: byKey.get(g.key)!.service } : null })),
      intents: c.intents.map((i) => i.id), services: c.services.map((s) => ({ id: s.id, name: s.name })) });
  }));

  router.post('/reports/misunderstood/labels', office, route(async (req, res) => {
    const b = parseBody(Label, req, res, 'text-and-intent-required');
    if (!b) return;
    const key = similarKey(b.text);
    if (!key) { clientError(req, res, 400, 'text-and-intent-required'); return; }
    await labels.save({ key, text: b.text, intent: b.intent, service: b.service || null, by: req.staff!.username, at: now() });
    await deps.audit.record({ who: req.staff!.username, what: 'example-labelled', target: b.intent, detail: b.service || undefined });
    res.json({ key, intent: b.intent, service: b.service || null });
  }));

  // One JSON object per line, as test/data/*.jsonl and `npm run eval` read them.
  router.get('/reports/misunderstood/labelled.jsonl', office, route(async (req, res) => {
    const lines = (await labels.list()).map((l) => JSON.stringify({ text: l.text, intent: l.intent, service: l.service, category: null }));
    await deps.audit.record({ who: req.staff!.username, what: 'examples-exported', detail: `${lines.length} lines` });
    res.type('application/x-ndjson; charset=utf-8').attachment('nafidha-labelled.jsonl').send(lines.length ? `${lines.join('\n')}\n` : '');
  }));

  return router;
}
