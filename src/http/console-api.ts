import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Handoff, HandoffResult, HandoffService } from '../domain/handoff.js';
import { OUTCOMES, type Outcome } from '../domain/handoff.js';
import { ROLES, staffDepartments, staffUsername, type Actor, type Role, type StaffStore } from '../domain/staff.js';
import type { TranscriptStore } from '../domain/transcript.js';
import type { ConsoleEvents } from './console-events.js';
import { handoffSummary, shownLine } from './console-events.js';
import { requireStaff } from './auth.js';
import { refuse, staffRoutes, type Refusal } from './staff-route.js';
import { transcriptFor } from '../domain/confidentiality.js';
import { optionalTyped, typed } from './input.js';
import type { Content } from '../content/load.js';
import type { AuditLog } from '../domain/audit.js';
import type { CannedReplyStore } from '../domain/canned-replies.js';
import { queuePreview, readableLine, withoutDebug } from './console-lines.js';

// The console's JSON API for handed-off conversations. Every route needs a signed-in staff member with the right
// role; every action is written to the audit log.

export type { AuditLog } from '../domain/audit.js';

/** The citizen's earlier records, shown next to the conversation; confidential ones only to the citizen office. */
export type EarlierRecords = (chat: { channel: Handoff['channel']; user: string }, viewer: Actor) => Promise<z.input<typeof Earlier>>;

export interface ConsoleApiDeps {
  staff: StaffStore;
  handoffs: HandoffService;
  transcripts: TranscriptStore;
  canned: CannedReplyStore;
  audit: AuditLog;
  events: ConsoleEvents;
  earlier?: EarlierRecords;
  /** Messages of this handoff that WhatsApp Cloud had to send as the approved template (the 24-hour window was closed). */
  templates?: (user: string, since: Date) => Promise<{ at: Date; template: string }[]>;
  /** Services, categories, departments, statuses... and the languages the municipality answers citizens in. */
  catalog: () => z.input<typeof Catalog>;
  /** Button labels and names, so transcripts show what the citizen saw rather than payloads. */
  labels: Pick<Content, 'replies' | 'services' | 'categories'>;
  /** Told of every handoff staff closed (the satisfaction question); its failure never fails the close. */
  afterClose?: (handoff: Handoff) => Promise<unknown>;
}

/** Runs an async route; errors go to express. */
export function route(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => { fn(req, res).catch(next); };
}

const STATUS_FOR: Record<string, number> = { 'not-found': 404, closed: 409, taken: 409, 'not-yours': 409, empty: 400, 'unknown-staff': 400, 'unknown-department': 400 };

// What staff type is cleaned like what citizens type (control and bidi characters removed) before it is stored.
const NoBody = z.strictObject({});
const Text = z.object({ text: typed(4000) });
const Transfer = z.object({ staff: optionalTyped(40), department: optionalTyped(60) });
// 'citizen-left' is recorded by the assistant, never chosen by staff.
const STAFF_OUTCOMES = OUTCOMES.filter((o): o is Exclude<Outcome, 'citizen-left'> => o !== 'citizen-left');
const Close = z.strictObject({ outcome: z.enum(STAFF_OUTCOMES) });
// French is kept when the municipality answers in it (the console itself stays ar/en).
const Bilingual = z.strictObject({ ar: typed(2000), en: typed(2000), fr: typed(2000).optional() });
const CannedReply = z.strictObject({ title: Bilingual, text: Bilingual });
// A new reply's id is the client's choice: a wrong one is refused as a mistake (400), not answered as missing.
const CannedId = z.strictObject({ id: z.string() });
const CANNED_ID = /^[a-z0-9-]{1,60}$/;

const At = z.union([z.date(), z.string()]);
/** The citizen's earlier records beside a conversation: what each is and where it stands, never who filed it. */
const Earlier = z.strictObject({
  complaints: z.array(z.strictObject({ code: z.string(), category: z.string(), status: z.string(), createdAt: At, privacy: z.string() })),
  applications: z.array(z.strictObject({ code: z.string(), service: z.string(), status: z.string(), createdAt: At, expectedBy: z.string() })),
});
const Id = z.object({ id: z.string().min(1).max(100) });
/** A handoff as staff see it; `assistantGuess` only for supervisors and admins (withoutDebug). */
const HandoffView = z.object({
  id: z.string(), conversation: z.string(), channel: z.string(), reason: z.string(), lang: z.string(), status: z.string(),
  heldBy: z.string().optional(), department: z.string().optional(), queuedAt: At, takenAt: At.optional(), closedAt: At.optional(),
  outcome: z.string().optional(), outOfHours: z.boolean(), updatedAt: At,
  assistantGuess: z.object({ intent: z.string(), confidence: z.number() }).optional(),
});
const Note = z.object({ by: z.string(), text: z.string(), at: At });
const WithNotes = z.object({ handoff: HandoffView.extend({ notes: z.array(Note) }) });
const QueueRow = HandoffView.extend({ contact: z.string().optional(), last: z.object({ text: z.string(), at: At }).optional() });
// Other fields a line may carry (intent, attachments, a system line's `say`) are not part of the contract.
const Line = z.object({ conversation: z.string(), from: z.string(), text: z.string(), at: At, staff: z.string().optional(), payload: z.string().optional() });
const CannedView = z.object({ id: z.string(), title: z.object({ ar: z.string(), en: z.string() }), text: z.object({ ar: z.string(), en: z.string() }) });
// Repeated or non-string filters are dropped, and a filter too long to be real drops them all: the audit list is
// read, never changed, so a bad filter shows the whole list rather than an error.
const filter = z.preprocess((v) => (typeof v === 'string' ? v : undefined), z.string().max(100).optional());
const AuditQuery = z.object({ who: filter, what: filter, target: filter }).catch({});
const AuditEntry = z.strictObject({ who: z.string(), what: z.string(), when: At, target: z.string().optional(), detail: z.string().optional() });
const Name = z.record(z.string(), z.string());
/** What the console's forms choose from; no record and no person in it. */
const Catalog = z.strictObject({
  services: z.array(z.strictObject({ id: z.string(), name: Name })),
  categories: z.array(z.strictObject({ id: z.string(), name: Name, department: z.string() })),
  departments: z.array(z.strictObject({ id: z.string(), name: Name })),
  complaintStatuses: z.array(z.string()).readonly(), applicationStatuses: z.array(z.string()).readonly(), outcomes: z.array(z.string()).readonly(),
  statusNames: z.record(z.string(), z.record(z.string(), Name)),
  bounds: z.strictObject({ north: z.number(), south: z.number(), east: z.number(), west: z.number() }),
  /** The languages the citizen-language choices offer. */
  languages: z.array(z.enum(['ar', 'en', 'fr'])).min(1).readonly(),
});

export function consoleApi(deps: ConsoleApiDeps): Router {
  const router = express.Router();
  const staffRoute = staffRoutes(deps.staff);
  const as = (role: Role) => requireStaff(deps.staff, role);
  const audit = (who: Actor, what: string, target?: string, detail?: string) => deps.audit.record({ who: who.username, what, target, detail });

  /** Answers a handoff action: the handoff, or a refusal that says why (and who holds it). */
  async function answer(staff: Actor, what: string, result: HandoffResult, detail?: string): Promise<z.input<typeof WithNotes> | Refusal> {
    if (!result.ok) return refuse(STATUS_FOR[result.reason] ?? 400, result.reason, { heldBy: result.heldBy });
    await audit(staff, what, result.handoff.id, detail);
    return { handoff: { ...withoutDebug(staff.role, handoffSummary(result.handoff)), notes: result.handoff.notes } };
  }

  router.get('/events', as('agent'), deps.events.handler);

  router.get('/queue', ...staffRoute('agent', { output: z.object({ now: At, waiting: z.array(QueueRow), held: z.array(QueueRow) }) }, async ({ staff }) => {
    const { waiting, held } = await deps.handoffs.queue();
    // Each row says who waits (subject to confidentiality) and what they last wrote.
    const row = async (h: Handoff) => ({
      ...withoutDebug(staff.role, handoffSummary(h)),
      ...queuePreview(deps.labels, staff, h, await deps.transcripts.list(h.conversation, 200)),
    });
    return { now: new Date(), waiting: await Promise.all(waiting.map(row)), held: await Promise.all(held.map(row)) };
  }));

  const ConversationView = z.object({
    handoff: WithNotes.shape.handoff, transcript: z.array(Line), ...Earlier.shape,
    templates: z.array(z.object({ at: At, template: z.string() })),
  });
  router.get('/conversations/:id', ...staffRoute('agent', { params: Id, output: ConversationView }, async ({ staff, params }) => {
    const handoff = await deps.handoffs.get(params.id);
    if (!handoff) return refuse(404, 'not-found');
    const [lines, earlier, templates] = await Promise.all([
      deps.transcripts.list(handoff.conversation, 500),
      deps.earlier?.({ channel: handoff.channel, user: handoff.user }, staff) ?? { complaints: [], applications: [] },
      handoff.channel === 'whatsapp-cloud' && deps.templates ? deps.templates(handoff.user, handoff.queuedAt) : [],
    ]);
    const view = transcriptFor(staff, lines);
    if (view.revealed) await audit(staff, 'view-confidential-transcript', handoff.id, `${view.revealed} lines`);
    return {
      handoff: { ...withoutDebug(staff.role, handoffSummary(handoff)), notes: handoff.notes },
      transcript: view.lines.map((l) => readableLine(deps.labels, shownLine(l), handoff.lang)), ...earlier,
      templates: templates.map((t) => ({ at: t.at, template: t.template })),
    };
  }));

  const action = { params: Id, output: WithNotes };
  router.post('/conversations/:id/take', ...staffRoute('agent', { ...action, body: NoBody, invalid: 'expected-empty-body' },
    async ({ staff, params }) => answer(staff, 'take', await deps.handoffs.take(params.id, staff))));

  router.post('/conversations/:id/reply', ...staffRoute('agent', { ...action, body: Text, invalid: 'text-required' },
    async ({ staff, params, body }) => answer(staff, 'reply', await deps.handoffs.reply(params.id, staff, body.text))));

  router.post('/conversations/:id/notes', ...staffRoute('agent', { ...action, body: Text, invalid: 'text-required' },
    async ({ staff, params, body }) => answer(staff, 'note', await deps.handoffs.note(params.id, staff, body.text))));

  router.post('/conversations/:id/transfer', ...staffRoute('agent', { ...action, body: Transfer, invalid: 'staff-or-department-required' }, async ({ staff: me, params, body }) => {
    const { staff, department } = body;
    if (!staff && !department) return refuse(400, 'staff-or-department-required');
    const to = staff ? { staff } : { department };
    return answer(me, 'transfer', await deps.handoffs.transfer(params.id, me, to), staff ? `to staff ${staff}` : `to department ${department}`);
  }));

  router.post('/conversations/:id/hand-back', ...staffRoute('agent', { ...action, body: NoBody, invalid: 'expected-empty-body' },
    async ({ staff, params }) => answer(staff, 'hand-back', await deps.handoffs.handBack(params.id, staff))));

  router.post('/conversations/:id/close', ...staffRoute('agent', { ...action, body: Close, invalid: 'outcome-required', invalidExtra: { outcomes: STAFF_OUTCOMES.slice(0, 4) } }, async ({ staff, params, body: { outcome } }) => {
    const result = await deps.handoffs.close(params.id, staff, outcome);
    const answered = await answer(staff, 'close', result, outcome);
    if (result.ok) await deps.afterClose?.(result.handoff).catch(() => undefined);
    return answered;
  }));

  router.get('/canned', ...staffRoute('agent', { output: z.object({ replies: z.array(CannedView) }) }, async () => ({ replies: await deps.canned.list() })));

  const cannedError = 'expected {title:{ar,en}, text:{ar,en}} and an id of a-z, 0-9 and -';
  router.put('/canned/:id', ...staffRoute('admin', { params: CannedId, body: CannedReply, invalid: cannedError, output: z.strictObject({ reply: CannedView }) }, async ({ staff, params, body: b, req }) => {
    if (!CANNED_ID.test(params.id)) return refuse(400, cannedError, { requestId: req.requestId });
    const reply = { id: params.id, title: b.title, text: b.text };
    await deps.canned.save(reply, staff.username);
    await audit(staff, 'canned-reply-saved', reply.id);
    return { reply };
  }));

  router.delete('/canned/:id', ...staffRoute('admin', { params: Id, output: z.object({ ok: z.literal(true) }) }, async ({ staff, params }) => {
    if (!(await deps.canned.remove(params.id))) return refuse(404, 'not-found');
    await audit(staff, 'canned-reply-deleted', params.id);
    return { ok: true as const };
  }));

  const StaffView = z.object({ username: z.string(), role: z.enum(ROLES), department: z.string().optional(), departments: z.array(z.string()) });
  router.get('/staff', ...staffRoute('agent', { output: z.object({ staff: z.array(StaffView) }) }, async () => {
    const accounts = await deps.staff.list();
    return { staff: accounts.filter((a) => !a.disabled).map((a) => ({ username: a.username, role: a.role, department: a.department, departments: staffDepartments(a) })) };
  }));

  // Admins disable an account or change its role; the account's open streams close on the live feed's next check.
  const StaffChange = z.strictObject({ disabled: z.boolean().optional(), role: z.enum(ROLES).optional() })
    .refine((c) => c.disabled !== undefined || c.role !== undefined);
  const Username = z.object({ username: z.string().max(100) });
  router.post('/staff/:username', ...staffRoute('admin', {
    params: Username, body: StaffChange, invalid: 'expected {disabled?: boolean, role?: agent|supervisor|admin}',
    output: z.object({ staff: z.object({ username: z.string(), role: z.enum(ROLES), disabled: z.boolean().optional() }) }),
  }, async ({ staff: me, params, body: change }) => {
    const username = staffUsername(params.username);
    if (!username) return refuse(404, 'not-found');
    if (username === me.username) return refuse(409, 'not-your-own-account');
    const account = await deps.staff.update(username, change);
    if (!account) return refuse(404, 'not-found');
    if (change.disabled !== undefined) await audit(me, change.disabled ? 'staff-disabled' : 'staff-enabled', username);
    if (change.role) await audit(me, 'staff-role', username, change.role);
    return { staff: { username: account.username, role: account.role, disabled: account.disabled } };
  }));

  router.get('/catalog', ...staffRoute('agent', { output: Catalog }, async () => deps.catalog()));

  router.get('/audit', ...staffRoute('supervisor', { query: AuditQuery, output: z.strictObject({ entries: z.array(AuditEntry) }) },
    async ({ query }) => ({ entries: await deps.audit.list(query, 200) })));

  return router;
}
