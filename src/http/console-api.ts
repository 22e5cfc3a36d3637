import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Handoff, HandoffResult, HandoffService } from '../domain/handoff.js';
import { OUTCOMES, type Outcome } from '../domain/handoff.js';
import { ROLES, staffDepartments, staffUsername, type Actor, type Role, type StaffStore } from '../domain/staff.js';
import type { TranscriptStore } from '../domain/transcript.js';
import type { ConsoleEvents } from './console-events.js';
import { handoffSummary, shownLine } from './console-events.js';
import { requireStaff } from './auth.js';
import { transcriptFor } from '../domain/confidentiality.js';
import { optionalTyped, parseBody, typed } from './input.js';
import type { Content } from '../content/load.js';
import { queuePreview, readableLine, withoutDebug } from './console-lines.js';

// The console's JSON API for handed-off conversations. Every route needs a signed-in staff member with the right
// role; every action is written to the audit log.

export interface AuditLog {
  record(entry: { who: string; what: string; target?: string; detail?: string }): Promise<void>;
  list(filter?: { who?: string; what?: string; target?: string }, limit?: number): Promise<unknown[]>;
}

export interface CannedReplyStore {
  list(): Promise<{ id: string; title: { ar: string; en: string }; text: { ar: string; en: string } }[]>;
  save(reply: { id: string; title: { ar: string; en: string }; text: { ar: string; en: string } }, by: string): Promise<void>;
  remove(id: string): Promise<boolean>;
}

/** The citizen's earlier records, shown next to the conversation; confidential ones only to the citizen office. */
export type EarlierRecords = (chat: { channel: Handoff['channel']; user: string }, viewer: Actor) => Promise<{ complaints: unknown[]; applications: unknown[] }>;

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
  catalog: () => unknown;
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
const Close = z.object({ outcome: z.enum(OUTCOMES) });
// French is kept when the municipality answers in it (the console itself stays ar/en).
const Bilingual = z.object({ ar: typed(2000), en: typed(2000), fr: typed(2000).optional() });
const CannedReply = z.object({ title: Bilingual, text: Bilingual });

export function consoleApi(deps: ConsoleApiDeps): Router {
  const router = express.Router();
  const as = (role: Role) => requireStaff(deps.staff, role);
  const audit = (req: Request, what: string, target?: string, detail?: string) => deps.audit.record({ who: req.staff!.username, what, target, detail });

  /** Answers a handoff action: the handoff, or a refusal that says why (and who holds it). */
  async function answer(req: Request, res: Response, what: string, result: HandoffResult, detail?: string): Promise<void> {
    if (!result.ok) {
      res.status(STATUS_FOR[result.reason] ?? 400).json({ error: result.reason, heldBy: result.heldBy });
      return;
    }
    await audit(req, what, result.handoff.id, detail);
    res.json({ handoff: { ...withoutDebug(req.staff!.role, handoffSummary(result.handoff)), notes: result.handoff.notes } });
  }

  router.get('/events', as('agent'), deps.events.handler);

  router.get('/queue', as('agent'), route(async (req, res) => {
    const { waiting, held } = await deps.handoffs.queue();
    // Each row says who waits (subject to confidentiality) and what they last wrote.
    const row = async (h: Handoff) => ({
      ...withoutDebug(req.staff!.role, handoffSummary(h)),
      ...queuePreview(deps.labels, req.staff!, h, await deps.transcripts.list(h.conversation, 200)),
    });
    res.json({ now: new Date(), waiting: await Promise.all(waiting.map(row)), held: await Promise.all(held.map(row)) });
  }));

  router.get('/conversations/:id', as('agent'), route(async (req, res) => {
    const handoff = await deps.handoffs.get(req.params.id);
    if (!handoff) { res.status(404).json({ error: 'not-found' }); return; }
    const [lines, earlier, templates] = await Promise.all([
      deps.transcripts.list(handoff.conversation, 500),
      deps.earlier?.({ channel: handoff.channel, user: handoff.user }, req.staff!) ?? { complaints: [], applications: [] },
      handoff.channel === 'whatsapp-cloud' && deps.templates ? deps.templates(handoff.user, handoff.queuedAt) : [],
    ]);
    const view = transcriptFor(req.staff!, lines);
    if (view.revealed) await audit(req, 'view-confidential-transcript', handoff.id, `${view.revealed} lines`);
    res.json({
      handoff: { ...withoutDebug(req.staff!.role, handoffSummary(handoff)), notes: handoff.notes },
      transcript: view.lines.map((l) => readableLine(deps.labels, shownLine(l), handoff.lang)), ...earlier,
      templates: templates.map((t) => ({ at: t.at, template: t.template })),
    });
  }));

  router.post('/conversations/:id/take', as('agent'), route(async (req, res) => {
    if (!parseBody(NoBody, req, res, 'expected-empty-body')) return;
    await answer(req, res, 'take', await deps.handoffs.take(req.params.id, req.staff!));
  }));

  router.post('/conversations/:id/reply', as('agent'), route(async (req, res) => {
    const body = parseBody(Text, req, res, 'text-required');
    if (!body) return;
    await answer(req, res, 'reply', await deps.handoffs.reply(req.params.id, req.staff!, body.text));
  }));

  router.post('/conversations/:id/notes', as('agent'), route(async (req, res) => {
    const body = parseBody(Text, req, res, 'text-required');
    if (!body) return;
    await answer(req, res, 'note', await deps.handoffs.note(req.params.id, req.staff!, body.text));
  }));

  router.post('/conversations/:id/transfer', as('agent'), route(async (req, res) => {
    const body = parseBody(Transfer, req, res, 'staff-or-department-required');
    if (!body) return;
    const { staff, department } = body;
    if (!staff && !department) { res.status(400).json({ error: 'staff-or-department-required' }); return; }
    const to = staff ? { staff } : { department };
    await answer(req, res, 'transfer', await deps.handoffs.transfer(req.params.id, req.staff!, to), staff ? `to staff ${staff}` : `to department ${department}`);
  }));

  router.post('/conversations/:id/hand-back', as('agent'), route(async (req, res) => {
    if (!parseBody(NoBody, req, res, 'expected-empty-body')) return;
    await answer(req, res, 'hand-back', await deps.handoffs.handBack(req.params.id, req.staff!));
  }));

  router.post('/conversations/:id/close', as('agent'), route(async (req, res) => {
    const outcome: Outcome | undefined = Close.safeParse(req.body).data?.outcome;
    if (!outcome || outcome === 'citizen-left') { res.status(400).json({ error: 'outcome-required', outcomes: OUTCOMES.slice(0, 4), requestId: req.requestId }); return; }
    const result = await deps.handoffs.close(req.params.id, req.staff!, outcome);
    await answer(req, res, 'close', result, outcome);
    if (result.ok) await deps.afterClose?.(result.handoff).catch(() => undefined);
  }));

  router.get('/canned', as('agent'), route(async (_req, res) => { res.json({ replies: await deps.canned.list() }); }));

  router.put('/canned/:id', as('admin'), route(async (req, res) => {
    const error = 'expected {title:{ar,en}, text:{ar,en}} and an id of a-z, 0-9 and -';
    if (!/^[a-z0-9-]{1,60}$/.test(req.params.id)) { res.status(400).json({ error, requestId: req.requestId }); return; }
    const b = parseBody(CannedReply, req, res, error);
    if (!b) return;
    const reply = { id: req.params.id, title: b.title, text: b.text };
    await deps.canned.save(reply, req.staff!.username);
    await audit(req, 'canned-reply-saved', reply.id);
    res.json({ reply });
  }));

  router.delete('/canned/:id', as('admin'), route(async (req, res) => {
    if (!(await deps.canned.remove(req.params.id))) { res.status(404).json({ error: 'not-found' }); return; }
    await audit(req, 'canned-reply-deleted', req.params.id);
    res.json({ ok: true });
  }));

  router.get('/staff', as('agent'), route(async (_req, res) => {
    const accounts = await deps.staff.list();
    res.json({ staff: accounts.filter((a) => !a.disabled).map((a) => ({ username: a.username, role: a.role, department: a.department, departments: staffDepartments(a) })) });
  }));

  // Admins disable an account or change its role; the account's open streams close on the live feed's next check.
  const StaffChange = z.strictObject({ disabled: z.boolean().optional(), role: z.enum(ROLES).optional() })
    .refine((c) => c.disabled !== undefined || c.role !== undefined);
  router.post('/staff/:username', as('admin'), route(async (req, res) => {
    const change = parseBody(StaffChange, req, res, 'expected {disabled?: boolean, role?: agent|supervisor|admin}');
    if (!change) return;
    const username = staffUsername(req.params.username);
    if (!username) { res.status(404).json({ error: 'not-found' }); return; }
    if (username === req.staff!.username) { res.status(409).json({ error: 'not-your-own-account' }); return; }
    const account = await deps.staff.update(username, change);
    if (!account) { res.status(404).json({ error: 'not-found' }); return; }
    if (change.disabled !== undefined) await audit(req, change.disabled ? 'staff-disabled' : 'staff-enabled', username);
    if (change.role) await audit(req, 'staff-role', username, change.role);
    res.json({ staff: { username: account.username, role: account.role, disabled: account.disabled } });
  }));

  router.get('/catalog', as('agent'), (_req, res) => { res.json(deps.catalog()); });

  router.get('/audit', as('supervisor'), route(async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const pick = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    res.json({ entries: await deps.audit.list({ who: pick('who'), what: pick('what'), target: pick('target') }, 200) });
  }));

  return router;
}
