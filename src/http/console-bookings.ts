import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import type { Booking, BookingService } from '../domain/bookings.js';
import { atLeast, type StaffStore } from '../domain/staff.js';
import { parseTrackingCode } from '../domain/tracking-code.js';
import { cleanInput } from '../text/normalize.js';
import { requireStaff } from './auth.js';
import { optionalTyped, parseBody } from './input.js';
import { route, type AuditLog } from './console-api.js';

// Appointments in the console: a branch's day, booking for a caller or a walk-in, cancelling and marking arrivals.
// The rules are the bookings domain's; this file parses, checks the role, audits and answers.

export interface BookingsApiDeps {
  bookings: BookingService;
  content: Pick<Content, 'services' | 'municipality' | 'booking'>;
  staff: StaffStore;
  audit: AuditLog;
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Id = z.string().regex(/^[a-z0-9-]{1,60}$/);
const text = (max: number) => z.string().max(max * 2).transform(cleanInput).pipe(z.string().max(max));
const DayQuery = z.object({ branch: Id, day: Day }).strict();
const SlotQuery = z.object({ branch: Id, service: Id, day: Day }).strict();
const NewBooking = z.object({
  branch: Id, service: Id, day: Day, time: z.string().regex(/^\d{2}:\d{2}$/), name: text(100), phone: text(40),
  lang: z.enum(['ar', 'en']).optional(), subject: optionalTyped(500), requestId: optionalTyped(80),
});
const Mark = z.object({ status: z.enum(['arrived', 'done', 'no-show']) });
const Decision = z.object({ approve: z.boolean(), reason: optionalTyped(500) });
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const NewBlock = z.object({
  branch: Id, fromDay: Day, toDay: Day.optional(), from: Time.optional(), to: Time.optional(), service: Id.optional(),
  counters: z.number().int().min(1).max(20).optional(), reason: text(300), requestId: z.string().regex(/^[\w.-]{1,80}$/),
});

const HTTP: Record<string, number> = { 'not-found': 404, 'slot-taken': 409, 'not-open': 409, 'same-day': 409, 'too-many': 409, 'not-bookable': 404 };

/** What a clerk sees of a booking: everything but the retry key and the citizen's chat id. */
function view(b: Booking) {
  const { idempotencyKey: _key, remindAt: _remind, citizen, ...rest } = b;
  return { ...rest, citizen: { name: citizen.name, phone: citizen.phone, channel: citizen.chat?.channel ?? null } };
}

export function bookingsApi(deps: BookingsApiDeps): Router {
  const router = express.Router();
  const agent = requireStaff(deps.staff, 'agent');
  const audit = (req: Request, what: string, target: string, detail?: string) => deps.audit.record({ who: req.staff!.username, what, target, detail });
  const codeOf = (raw: string) => { const p = parseTrackingCode(raw); return p.ok && p.kind === 'booking' ? p.code : undefined; };

  router.get('/bookings/catalog', agent, route(async (_req, res) => {
    const m = deps.content.municipality;
    res.json({
      branches: deps.content.booking.branches.map((b) => ({
        id: b.branch, name: m.branches.find((x) => x.id === b.branch)?.name ?? { ar: b.branch, en: b.branch },
        services: b.services.map((s) => ({ id: s.service, name: deps.content.services.find((x) => x.id === s.service)?.name ?? { ar: s.service, en: s.service }, request: s.request })),
      })),
    });
  }));

  router.get('/bookings', agent, route(async (req, res) => {
    const q = DayQuery.safeParse(req.query);
    if (!q.success) { res.status(400).json({ error: 'branch-and-day-required' }); return; }
    const [bookings, blocks] = await Promise.all([deps.bookings.day(q.data.branch, q.data.day), deps.bookings.blocksOn(q.data.branch, q.data.day)]);
    res.json({ bookings: bookings.map(view), open: deps.bookings.openOn(q.data.branch, q.data.day), blocks });
  }));

  router.get('/bookings/slots', agent, route(async (req, res) => {
    const q = SlotQuery.safeParse(req.query);
    if (!q.success) { res.status(400).json({ error: 'branch-service-and-day-required' }); return; }
    res.json({ slots: await deps.bookings.freeSlots(q.data.branch, q.data.service, q.data.day) });
  }));

  // Booked for a citizen who phoned or walked in: the clerk reads the code back to them.
  router.post('/bookings', agent, route(async (req, res) => {
    const b = parseBody(NewBooking, req, res, 'invalid');
    if (!b) return;
    const result = await deps.bookings.book({
      service: b.service, branch: b.branch, day: b.day, time: b.time, name: b.name, phone: b.phone, lang: b.lang ?? 'ar', subject: b.subject,
      by: req.staff!.username, via: 'counter', idempotencyKey: `console:${req.staff!.username}:${b.requestId ?? `${Date.now()}:${Math.random()}`}`,
    });
    if (!result.ok) { res.status(HTTP[result.problem] ?? 400).json({ error: result.problem }); return; }
    if (!result.repeated) await audit(req, 'booking-made-for-caller', result.booking.code, `${b.branch} ${b.day} ${b.time}`);
    res.json({ booking: view(result.booking) });
  }));

  router.post('/bookings/:code/cancel', agent, route(async (req, res) => {
    const code = codeOf(req.params.code);
    const result = code ? await deps.bookings.cancel(code, req.staff!.username) : undefined;
    if (!result?.ok) { res.status(result ? HTTP[result.problem] ?? 400 : 404).json({ error: result?.problem ?? 'not-found' }); return; }
    await audit(req, 'booking-cancelled', result.booking.code);
    res.json({ booking: view(result.booking) });
  }));

  router.post('/bookings/:code/status', agent, route(async (req, res) => {
    const code = codeOf(req.params.code);
    const body = parseBody(Mark, req, res, 'status-required');
    if (!body) return;
    const result = code ? await deps.bookings.mark(code, body.status, req.staff!.username) : undefined;
    if (!result?.ok) { res.status(result ? HTTP[result.problem] ?? 400 : 404).json({ error: result?.problem ?? 'not-found' }); return; }
    await audit(req, 'booking-status', result.booking.code, body.status);
    res.json({ booking: view(result.booking) });
  }));

  // Meeting requests: the citizen office (supervisors and admins) approves or declines them.
  router.post('/bookings/:code/decision', requireStaff(deps.staff, 'supervisor'), route(async (req, res) => {
    const code = codeOf(req.params.code);
    const body = parseBody(Decision, req, res, 'decision-required');
    if (!body) return;
    const result = code ? await deps.bookings.decide(code, body.approve, req.staff!.username, body.reason) : undefined;
    if (!result?.ok) { res.status(result ? HTTP[result.problem] ?? 400 : 404).json({ error: result?.problem ?? 'not-found' }); return; }
    await audit(req, body.approve ? 'meeting-approved' : 'meeting-declined', result.booking.code, body.reason);
    res.json({ booking: view(result.booking) });
  }));

  // Closing counters for a period (a clerk is absent): a clerk may close counters; closing the whole branch is a
  // supervisor's decision. The citizens on closed places are told on their channel and offered other times.
  router.post('/bookings/blocks', agent, route(async (req, res) => {
    const b = parseBody(NewBlock, req, res, 'invalid');
    if (!b) return;
    if (!b.counters && !atLeast(req.staff!.role, 'supervisor')) { res.status(403).json({ error: 'supervisor-only' }); return; }
    const result = await deps.bookings.block({ ...b, by: req.staff!.username });
    if (!result.ok) { res.status(HTTP[result.problem] ?? 400).json({ error: result.problem }); return; }
    await audit(req, 'booking-slots-blocked', result.block.id,
      `${b.fromDay}${b.toDay ? `..${b.toDay}` : ''} ${b.from ?? ''}-${b.to ?? ''} ${b.service ?? 'all'} ${b.counters ?? 'all'} counters; ${result.block.displaced.length} displaced`);
    res.json({ block: result.block });
  }));

  router.delete('/bookings/blocks/:id', requireStaff(deps.staff, 'supervisor'), route(async (req, res) => {
    const id = z.string().regex(/^block:[\w:.-]{1,160}$/).safeParse(req.params.id);
    if (!id.success || !(await deps.bookings.unblock(id.data))) { res.status(404).json({ error: 'not-found' }); return; }
    await audit(req, 'booking-slots-unblocked', id.data);
    res.json({ ok: true });
  }));

  return router;
}
