import express, { type Router } from 'express';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import { similarKey, type MisunderstoodSource } from '../domain/report-figures.js';
import { dayOf, period } from '../domain/report-period.js';
import { reportScope } from '../domain/reports.js';
import type { StaffStore } from '../domain/staff.js';
import type { AuditLog } from '../domain/audit.js';
import { refuse, SENT, staffRoutes } from './staff-route.js';
import { shownConversation } from './console-events.js';
import { typed } from './input.js';

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
  const staffRoute = staffRoutes(deps.staff);
  const labels = deps.source.labels;
  const Label = z.object({
    text: typed(1000), intent: z.enum(c.intents.map((i) => i.id) as [string, ...string[]]),
    service: z.union([z.enum(c.services.map((s) => s.id) as [string, ...string[]]), z.literal(''), z.null()]).optional(),
  });

  const Group = z.object({ key: z.string(), count: z.number(), texts: z.array(z.string()), guess: z.string(), label: z.object({ intent: z.string(), service: z.string().nullable() }).nullable() });
  const Groups = z.object({
    from: z.string(), to: z.string(), groups: z.array(Group), intents: z.array(z.string()),
    services: z.array(z.object({ id: z.string(), name: z.object({ ar: z.string(), en: z.string() }) })),
  });
  router.get('/reports/misunderstood', ...staffRoute('supervisor', { query: Query, invalid: 'query-invalid', output: Groups }, async ({ staff, query }) => {
    const scope = reportScope({ role: staff.role }, query, { departments: c.departments, services: c.services, timeZone: tz }, dayOf(now(), tz));
    if (!scope.ok) return refuse(scope.status, scope.error);
    const p = period(scope.scope.period.from, scope.scope.period.to, tz);
    const [groups, saved] = await Promise.all([deps.source.groups(p, { limit: 100, shown: shownConversation }), labels.list()]);
    const byKey = new Map(saved.map((l) => [l.key, l]));
    return { from: p.from, to: p.to, groups: groups.map((g) => ({ ...g, label: byKey.get(g.key) ? { intent: byKey.get(g.key)!.intent, service: byKey.get(g.key)!.service } : null })),
      intents: c.intents.map((i) => i.id), services: c.services.map((s) => ({ id: s.id, name: s.name })) };
  }));

  router.post('/reports/misunderstood/labels', ...staffRoute('supervisor', {
    body: Label, invalid: 'text-and-intent-required', output: z.object({ key: z.string(), intent: z.string(), service: z.string().nullable() }),
  }, async ({ staff, body: b, req }) => {
    const key = similarKey(b.text);
    if (!key) return refuse(400, 'text-and-intent-required', { requestId: req.requestId });
    await labels.save({ key, text: b.text, intent: b.intent, service: b.service || null, by: staff.username, at: now() });
    await deps.audit.record({ who: staff.username, what: 'example-labelled', target: b.intent, detail: b.service || undefined });
    return { key, intent: b.intent, service: b.service || null };
  }));

  // One JSON object per line, as test/data/*.jsonl and `npm run eval` read them.
  router.get('/reports/misunderstood/labelled.jsonl', ...staffRoute('supervisor', {}, async ({ staff, res }) => {
    const lines = (await labels.list()).map((l) => JSON.stringify({ text: l.text, intent: l.intent, service: l.service, category: null }));
    await deps.audit.record({ who: staff.username, what: 'examples-exported', detail: `${lines.length} lines` });
    res.type('application/x-ndjson; charset=utf-8').attachment('nafidha-labelled.jsonl').send(lines.length ? `${lines.join('\n')}\n` : '');
    return SENT;
  }));

  return router;
}
