import express, { type Router } from 'express';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import type { Booking, BookingService } from '../domain/bookings.js';
import { atLeast, type Actor, type StaffStore } from '../domain/staff.js';
import { parseTrackingCode } from '../domain/tracking-code.js';
import { cleanInput } from '../text/normalize.js';
import { citizenLang, optionalTyped } from './input.js';
import type { AuditLog } from '../domain/audit.js';
import { refuse, staffRoutes } from './staff-route.js';

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
  lang: z.enum(['ar', 'en', 'fr']).optional(), subject: optionalTyped(500), requestId: optionalTyped(80),
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

const At = z.union([z.date(), z.string()]);
const Name = z.object({ ar: z.string(), en: z.string() });
/** A booking as a clerk sees it: no retry key, no chat id. */
const BookingView = z.object({
  code: z.string(), service: z.string(), branch: z.string(), day: z.string(), time: z.string(), status: z.string(),
  citizen: z.object({ name: z.string(), phone: z.string(), channel: z.string().nullable() }), createdAt: At,
});
const OneBooking = z.object({ booking: BookingView });
const CodeParam = z.object({ code: z.string().max(40) });
const Refused = (problem: string) => refuse(HTTP[problem] ?? 400, problem);

export function bookingsApi(deps: BookingsApiDeps): Router {
  const router = express.Router();
  const staffRoute = staffRoutes(deps.staff);
  const audit = (who: Actor, what: string, target: string, detail?: string) => deps.audit.record({ who: who.username, what, target, detail });
  const codeOf = (raw: string) => { const p = parseTrackingCode(raw); return p.ok && p.kind === 'booking' ? p.code : undefined; };

  const Catalog = z.object({ branches: z.array(z.object({ id: z.string(), name: Name, services: z.array(z.object({ id: z.string(), name: Name, request: z.boolean().optional() })) })) });
  router.get('/bookings/catalog', ...staffRoute('agent', { output: Catalog }, async () => {
    const m = deps.content.municipality;
    return {
      branches: deps.content.booking.branches.map((b) => ({
        id: b.branch, name: m.branches.find((x) => x.id === b.branch)?.name ?? { ar: b.branch, en: b.branch },
        services: b.services.map((s) => ({ id: s.service, name: deps.content.services.find((x) => x.id === s.service)?.name ?? { ar: s.service, en: s.service }, request: s.request })),
      })),
    };
  }));

  router.get('/bookings', ...staffRoute('agent', {
    query: DayQuery, invalid: 'branch-and-day-required',
    output: z.object({ bookings: z.array(BookingView), open: z.unknown(), blocks: z.array(z.unknown()) }),
  }, async ({ query }) => {
    const [bookings, blocks] = await Promise.all([deps.bookings.day(query.branch, query.day), deps.bookings.blocksOn(query.branch, query.day)]);
    return { bookings: bookings.map(view), open: deps.bookings.openOn(query.branch, query.day), blocks };
  }));

  router.get('/bookings/slots', ...staffRoute('agent', { query: SlotQuery, invalid: 'branch-service-and-day-required', output: z.object({ slots: z.array(z.unknown()) }) },
    async ({ query }) => ({ slots: await deps.bookings.freeSlots(query.branch, query.service, query.day) })));

  // Booked for a citizen who phoned or walked in: the clerk reads the code back to them.
  router.post('/bookings', ...staffRoute('agent', { body: NewBooking, invalid: 'invalid', output: OneBooking }, async ({ staff, body: b }) => {
    const result = await deps.bookings.book({
      service: b.service, branch: b.branch, day: b.day, time: b.time, name: b.name, phone: b.phone, lang: citizenLang(b.lang, deps.content.municipality.languages), subject: b.subject,
      by: staff.username, via: 'counter', idempotencyKey: `console:${staff.username}:${b.requestId ?? `${Date.now()}:${Math.random()}`}`,
    });
    if (!result.ok) return Refused(result.problem);
    if (!result.repeated) await audit(staff, 'booking-made-for-caller', result.booking.code, `${b.branch} ${b.day} ${b.time}`);
    return { booking: view(result.booking) };
  }));

  router.post('/bookings/:code/cancel', ...staffRoute('agent', { params: CodeParam, output: OneBooking }, async ({ staff, params }) => {
    const code = codeOf(params.code);
    const result = code ? await deps.bookings.cancel(code, staff.username) : undefined;
    if (!result?.ok) return result ? Refused(result.problem) : refuse(404, 'not-found');
    await audit(staff, 'booking-cancelled', result.booking.code);
    return { booking: view(result.booking) };
  }));

  router.post('/bookings/:code/status', ...staffRoute('agent', { params: CodeParam, body: Mark, invalid: 'status-required', output: OneBooking }, async ({ staff, params, body }) => {
    const code = codeOf(params.code);
    const result = code ? await deps.bookings.mark(code, body.status, staff.username) : undefined;
    if (!result?.ok) return result ? Refused(result.problem) : refuse(404, 'not-found');
    await audit(staff, 'booking-status', result.booking.code, body.status);
    return { booking: view(result.booking) };
  }));

  // Meeting requests: the citizen office (supervisors and admins) approves or declines them.
  router.post('/bookings/:code/decision', ...staffRoute('supervisor', { params: CodeParam, body: Decision, invalid: 'decision-required', output: OneBooking }, async ({ staff, params, body }) => {
    const code = codeOf(params.code);
    const result = code ? await deps.bookings.decide(code, body.approve, staff.username, body.reason) : undefined;
    if (!result?.ok) return result ? Refused(result.problem) : refuse(404, 'not-found');
    await audit(staff, body.approve ? 'meeting-approved' : 'meeting-declined', result.booking.code, body.reason);
    return { booking: view(result.booking) };
  }));

  // Closing counters for a period (a clerk is absent): a clerk may close counters; closing the whole branch is a
  // supervisor's decision. The citizens on closed places are told on their channel and offered other times.
  router.post('/bookings/blocks', ...staffRoute('agent', { body: NewBlock, invalid: 'invalid', output: z.object({ block: z.object({ id: z.string(), displaced: z.array(z.unknown()) }) }) }, async ({ staff, body: b }) => {
    if (!b.counters && !atLeast(staff.role, 'supervisor')) return refuse(403, 'supervisor-only');
    const result = await deps.bookings.block({ ...b, by: staff.username });
    if (!result.ok) return Refused(result.problem);
    await audit(staff, 'booking-slots-blocked', result.block.id,
      `${b.fromDay}${b.toDay ? `..${b.toDay}` : ''} ${b.from ?? ''}-${b.to ?? ''} ${b.service ?? 'all'} ${b.counters ?? 'all'} counters; ${result.block.displaced.length} displaced`);
    return { block: result.block };
  }));

  router.delete('/bookings/blocks/:id', ...staffRoute('supervisor', { params: z.object({ id: z.string().regex(/^block:[\w:.-]{1,160}$/) }), output: z.object({ ok: z.literal(true) }) }, async ({ staff, params }) => {
    if (!(await deps.bookings.unblock(params.id))) return refuse(404, 'not-found');
    await audit(staff, 'booking-slots-unblocked', params.id);
    return { ok: true as const };
  }));

  return router;
}
