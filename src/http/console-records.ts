import type { ReplyKey } from '../content/reply-keys.js';
import { earlierComplaintsFor, maySeeIdentity } from '../domain/confidentiality.js';
import express, { type RequestHandler, type Router } from 'express';
import type { Content } from '../content/load.js';
import type { ChannelName } from '../shared/message.js';
import { FINISHED_APPLICATION, type Application, type ApplicationService, type ApplicationStore } from '../domain/applications.js';
import { OPEN_STATUSES, queueView, type Complaint, type ComplaintListQuery, type ComplaintService, type ComplaintStore, type Privacy } from '../domain/complaints.js';
import { formatDate, type NotificationTexts } from '../domain/notification-texts.js';
import { localDay } from '../domain/working-days.js';
import { staffUsername, type Actor, type StaffStore } from '../domain/staff.js';
import { APPLICATION_STATUSES, COMPLAINT_STATUSES, type ApplicationStatus, type Chat, type ComplaintStatus } from '../shared/statuses.js';
import { parseTrackingCode, type TrackingKind } from '../domain/tracking-code.js';
import type { Lang } from '../text/language.js';
import { Refusal, refuse, SENT, staffRoutes } from './staff-route.js';
import { citizenLang } from './input.js';
import {
  ApplicationList, ApplicationListParams, ApplicationStatusChange, AssigneeChange, CallerComplaint, CodeParam, ComplaintList, ComplaintListParams,
  ComplaintOpened, CounterApplication, DepartmentChange, Filed, OneApplication, OneComplaint, PhotoParam, Registered, ReporterView, StatusChange, StatusChanged,
} from './console-record-schemas.js';
import { departmentsOf, listScope, mayWorkOn, type Viewer } from '../domain/department-access.js';
import type { AuditLog } from '../domain/audit.js';
import type { EarlierRecords } from './console-api.js';

// Complaints and applications in the console. The work is the complaints/applications domain's; this file only
// parses, checks the role, hides confidential identities from agents, audits, and answers.

export interface RecordsDeps {
  complaints: ComplaintService;
  complaintStore: ComplaintStore;
  applications: ApplicationService;
  applicationStore: ApplicationStore;
  texts: NotificationTexts;
  content: Pick<Content, 'services' | 'categories' | 'departments' | 'municipality'>;
  /** Receipt wording (knowledge/replies.yaml). */
  phrases: { t(lang: Lang, key: ReplyKey, vars?: Record<string, string | number>): string };
  staff: StaffStore;
  audit: AuditLog;
  /** Where chat photos are kept (db/media.ts); the complaint lists their ids. */
  media?: { get(id: string): Promise<{ mimeType: string; data: Buffer } | null> };
  now?: () => Date;
  /** The "due soon" window in hours when the list does not say (24 when absent). */
  dueSoonHours?: number;
  /** Told of every complaint staff resolved (the satisfaction question); its failure never fails the change. */
  afterResolved?: (complaint: Complaint, by: string) => Promise<unknown>;
}

// Only what a browser shows as a picture is ever served from here, never as a page.
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

const DAY_MS = 24 * 60 * 60_000;
/** A calendar day as typed in the list's date fields; days are counted in UTC. */
const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);

function codeOf(raw: string, kind: TrackingKind): string | undefined {
  const parsed = parseTrackingCode(raw);
  return parsed.ok && parsed.kind === kind ? parsed.code : undefined;
}

const PRIVACIES: Privacy[] = ['named', 'confidential', 'anonymous'];

function chatOf(body: { channel?: ChannelName | ''; user?: string }): Chat | undefined {
  return body.channel && body.user ? { channel: body.channel, user: body.user } : undefined;
}

export function recordsApi(deps: RecordsDeps): { router: Router; receipt: RequestHandler[]; decision: RequestHandler[]; earlier: EarlierRecords } {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const staffRoute = staffRoutes(deps.staff);
  const audit = (who: Actor, what: string, target?: string, detail?: string) => deps.audit.record({ who: who.username, what, target, detail });
  /** The services whose applications this viewer works on (those its departments handle); undefined: every one. */
  const serviceScope = (viewer: Viewer, department?: string): string[] | undefined => {
    const scope = departmentsOf(viewer);
    const wanted = department ? [department] : scope === 'all' ? undefined : scope;
    return wanted && deps.content.services.filter((s) => wanted.includes(s.department)).map((s) => s.id);
  };
  const mayWorkOnApplication = (viewer: Viewer, a: Application) => {
    const department = deps.content.services.find((s) => s.id === a.service)?.department;
    return !department || mayWorkOn(viewer, department);
  };
  const overdue = (c: Complaint) => OPEN_STATUSES.includes(c.status) && c.deadline.getTime() < now().getTime();

  /** What staff see of a complaint: the retry key never; a confidential reporter only through /reporter. */
  function complaintView(c: Complaint) {
    const { idempotencyKey: _key, reporter, source, ...rest } = c;
    const hidden = c.privacy === 'confidential';
    return { ...rest, overdue: overdue(c), identityHidden: hidden, ...(hidden ? {} : { reporter, source }) };
  }

  const earlier: EarlierRecords = async (chat, viewer: Actor) => {
    const [complaints, applications] = await Promise.all([deps.complaintStore.listBySource(chat, 20), deps.applicationStore.listByChat(chat, 20)]);
    // Limited to the viewer's departments; a confidential one only for the citizen office (confidentiality.ts).
    const { shown, revealed } = earlierComplaintsFor(viewer, complaints);
    const services = serviceScope(viewer);
    for (const c of revealed) await deps.audit.record({ who: viewer.username, what: 'view-confidential-identity', target: c.code, detail: 'earlier complaints of a conversation' });
    return { complaints: shown.map((c) => ({ code: c.code, category: c.category, status: c.status, createdAt: c.createdAt, privacy: c.privacy })),
      applications: applications.filter((a) => !services || services.includes(a.service)).map((a) => ({ code: a.code, service: a.service, status: a.status, createdAt: a.createdAt, expectedBy: a.expectedBy })) };
  };

  router.get('/complaints', ...staffRoute('agent', { query: ComplaintListParams, invalid: 'invalid-filter', output: ComplaintList }, async ({ staff, query: q }) => {
    const scope = listScope(staff, q.department);
    if (!scope.ok) return refuse(403, 'other-department');
    let assignee: string | null | undefined;
    if (q.assignee === 'me') assignee = staff.username;
    else if (q.assignee === 'none') assignee = null;
    else if (q.assignee) {
      assignee = staffUsername(q.assignee);
      if (!assignee) return refuse(400, 'invalid-filter', { field: 'assignee' });
    }
    // A tracking code is one complaint: found by its key, shown only if it is in the viewer's departments.
    if (q.code) {
      const code = codeOf(q.code, 'complaint');
      const c = code ? await deps.complaints.find(code) : null;
      const shown = c && (!scope.departments || scope.departments.includes(c.department)) ? [c] : [];
      return { complaints: shown.map(complaintView), total: shown.length, page: 1, size: q.size };
    }
    const at = now();
    const work = q.overdue === '1' || q.dueSoon === '1' || q.open === '1' || assignee !== undefined;
    const asked: ComplaintListQuery = {
      ...(scope.departments ? { departments: scope.departments } : {}),
      ...(q.status ? { statuses: [q.status] } : {}),
      ...(q.category ? { categories: [q.category] } : {}),
      ...(q.overdue === '1' ? { overdueAt: at } : {}),
      ...(q.dueSoon === '1' ? { dueFrom: at, dueBefore: new Date(at.getTime() + (q.within ?? deps.dueSoonHours ?? 24) * 60 * 60_000) } : {}),
      // "Assigned to me" and "waiting for someone" are work still owed: open ones, unless a status is asked for.
      ...(q.open === '1' || (assignee !== undefined && !q.status) ? { openOnly: true } : {}),
      ...(assignee !== undefined ? { assignee } : {}),
      ...(q.from ? { from: dayStart(q.from) } : {}),
      // "to" is the last day wanted, included.
      ...(q.to ? { to: new Date(dayStart(q.to).getTime() + DAY_MS) } : {}),
      sort: q.sort ?? (work ? 'deadline' : 'newest'), skip: (q.page - 1) * q.size, limit: q.size,
    };
    // The citizen office's work views read every department's queue (the same answer as no department filter).
    const everyDepartment = { ...asked, departments: deps.content.departments.map((d) => d.id) };
    const page = await deps.complaintStore.list(!asked.departments && queueView(everyDepartment) ? everyDepartment : asked);
    return { complaints: page.items.map(complaintView), total: page.total, ...(page.estimated ? { estimated: true } : {}), page: q.page, size: q.size };
  }));

  /** The complaint if it exists and this viewer works on its department; otherwise the refusal to answer. */
  async function workable(staff: Actor, raw: string): Promise<Complaint | Refusal> {
    const code = codeOf(raw, 'complaint');
    const c = code && await deps.complaints.find(code);
    if (!c) return refuse(404, 'not-found');
    if (!mayWorkOn(staff, c.department)) return refuse(403, 'other-department');
    return c;
  }

  router.get('/complaints/:code', ...staffRoute('agent', { params: CodeParam, output: ComplaintOpened }, async ({ staff, params }) => {
    const c = await workable(staff, params.code);
    if (c instanceof Refusal) return c;
    return { complaint: complaintView(c), canSeeIdentity: maySeeIdentity(staff.role) };
  }));

  // A complaint's photos, for the staff who may open that complaint: through the session, never a public URL.
  router.get('/complaints/:code/photos/:mediaId', ...staffRoute('agent', { params: PhotoParam }, async ({ staff, params, res }) => {
    const c = await workable(staff, params.code);
    if (c instanceof Refusal) return c;
    const id = params.mediaId;
    const item = c.photos.includes(id) ? await deps.media?.get(id) : null;
    if (!item || !PHOTO_TYPES.includes(item.mimeType)) return refuse(404, 'not-found');
    if (c.privacy === 'confidential') await audit(staff, 'view-confidential-photo', c.code, id);
    res.setHeader('content-type', item.mimeType);
    res.setHeader('content-disposition', 'inline');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'private, no-store');
    res.end(item.data);
    return SENT;
  }));

  // Confidential identities: the citizen office (supervisors, admins) only, and every look is audited.
  router.get('/complaints/:code/reporter', ...staffRoute('supervisor', { params: CodeParam, output: ReporterView }, async ({ staff, params }) => {
    const code = codeOf(params.code, 'complaint');
    const c = code && await deps.complaints.find(code);
    if (!c) return refuse(404, 'not-found');
    if (c.privacy === 'confidential') await audit(staff, 'view-confidential-identity', c.code);
    return { privacy: c.privacy, reporter: c.reporter ?? null, source: c.source ?? null };
  }));

  router.post('/complaints/:code/status', ...staffRoute('agent', { params: CodeParam, body: StatusChange, invalid: 'code-and-status-required', output: StatusChanged }, async ({ staff, params, body }) => {
    const code = codeOf(params.code, 'complaint');
    const status = body.status as ComplaintStatus, note = body.note;
    if (!code || !COMPLAINT_STATUSES.includes(status)) return refuse(400, 'code-and-status-required', { statuses: COMPLAINT_STATUSES });
    const c = await workable(staff, params.code);
    if (c instanceof Refusal) return c;
    const result = await deps.complaints.changeStatus(code, status, staff.username, note);
    if (!result.ok) return refuse(result.reason === 'not-found' ? 404 : 409, result.reason);
    await audit(staff, 'complaint-status', code, `${status}${note ? `: ${note}` : ''}`);
    // The satisfaction question goes out beside the answer; its failure never fails the change.
    if (status === 'resolved') void deps.afterResolved?.(result.complaint, staff.username).catch(() => undefined);
    return { complaint: complaintView(result.complaint), notified: result.complaint.consentToContact && !!result.complaint.source };
  }));

  // Who works on it: a colleague of its department (or of the citizen office), or '' to put it back in the queue.
  router.post('/complaints/:code/assignee', ...staffRoute('agent', { params: CodeParam, body: AssigneeChange, invalid: 'assignee-required', output: OneComplaint }, async ({ staff, params, body }) => {
    const code = codeOf(params.code, 'complaint');
    if (!code) return refuse(404, 'not-found');
    const c = await workable(staff, params.code);
    if (c instanceof Refusal) return c;
    const wanted = body.assignee === 'me' ? staff.username : body.assignee ? staffUsername(body.assignee) : null;
    if (wanted === undefined) return refuse(400, 'unknown-staff');
    if (wanted) {
      const account = await deps.staff.find(wanted);
      if (!account || account.disabled) return refuse(400, 'unknown-staff');
      if (!mayWorkOn({ role: account.role, department: account.department, departments: account.departments }, c.department)) return refuse(400, 'other-department');
    }
    const seen = body.from !== undefined ? body.from : body.assignee === 'me' ? null : undefined;
    const result = await deps.complaints.assign(code, wanted, staff.username, body.note, seen);
    if (!result.ok) return refuse(result.reason === 'not-found' ? 404 : 409, result.reason);
    await audit(staff, wanted ? 'complaint-assigned' : 'complaint-unassigned', code, wanted ?? `was ${c.assignee ?? 'nobody'}`);
    return { complaint: complaintView(result.complaint) };
  }));

  router.post('/complaints/:code/department', ...staffRoute('agent', { params: CodeParam, body: DepartmentChange, invalid: 'code-and-department-required', output: OneComplaint }, async ({ staff, params, body }) => {
    const code = codeOf(params.code, 'complaint');
    const { department, note } = body;
    if (!code || !department) return refuse(400, 'code-and-department-required');
    const c = await workable(staff, params.code);
    if (c instanceof Refusal) return c;
    const result = await deps.complaints.reassign(code, department, staff.username, note);
    if (!result.ok) return refuse(result.reason === 'not-found' ? 404 : result.reason === 'unknown-department' ? 400 : 409, result.reason);
    await audit(staff, 'complaint-reassigned', code, department);
    return { complaint: complaintView(result.complaint) };
  }));

  // A complaint filed for a citizen who phoned or walked in; staff read the tracking code back to them.
  router.post('/complaints', ...staffRoute('agent', { body: CallerComplaint, invalid: 'invalid', output: Filed }, async ({ staff, body: b }) => {
    const privacy = b.privacy as Privacy;
    if (!PRIVACIES.includes(privacy)) return refuse(400, 'privacy-required', { choices: PRIVACIES });
    const anonymous = privacy === 'anonymous';
    const from = anonymous ? undefined : chatOf(b);
    const location = b.location;
    const result = await deps.complaints.fileComplaint({
      category: b.category, description: b.description, privacy, lang: citizenLang(b.lang, deps.content.municipality.languages),
      ...(location ? { location: { text: location } } : {}),
      ...(anonymous ? {} : { name: b.name, phone: b.phone, email: b.email }),
      ...(from ? { from } : {}),
      // The domain knows no "counter" channel yet; the audit entry records that staff filed it.
      via: from?.channel ?? 'web',
      filedBy: staff.username,
      consentToContact: !!from && b.consentToContact === true,
      idempotencyKey: `console:${staff.username}:${b.requestId ?? `${Date.now()}:${Math.random()}`}`,
    });
    if (!result.ok) return refuse(400, 'invalid', { problems: result.problems.map((p) => p.problem) });
    await audit(staff, 'complaint-filed-for-caller', result.receipt.code, privacy);
    return { code: result.receipt.code, department: result.receipt.department, deadline: result.receipt.deadline, duplicate: result.duplicate };
  }));

  router.post('/applications', ...staffRoute('agent', { body: CounterApplication, invalid: 'invalid', output: Registered }, async ({ staff, body: b }) => {
    const chat = chatOf(b);
    const result = await deps.applications.createApplication({
      service: b.service, name: b.name, phone: b.phone, lang: citizenLang(b.lang, deps.content.municipality.languages), by: staff.username, note: b.note, ...(chat ? { chat } : {}),
    });
    if (!result.ok) return refuse(400, 'invalid', { problems: result.problems });
    await audit(staff, 'application-registered', result.application.code);
    return { application: result.application, receipt: `/console/receipt/${result.application.code}` };
  }));

  // The registry: by status, service, and overdue against the expected day (the municipality's calendar).
  router.get('/applications', ...staffRoute('agent', { query: ApplicationListParams, invalid: 'invalid-filter', output: ApplicationList }, async ({ staff, query: q }) => {
    const today = localDay(now(), deps.content.municipality.timezone);
    if (q.department && !mayWorkOn(staff, q.department)) return refuse(403, 'other-department');
    // A department's staff see the applications of the services their departments handle.
    const inScope = serviceScope(staff, q.department);
    if (q.service && inScope && !inScope.includes(q.service)) return refuse(403, 'other-department');
    const services = q.service ? [q.service] : inScope;
    const page = await deps.applicationStore.list({
      ...(q.status ? { statuses: [q.status] } : {}),
      ...(services ? { services } : {}),
      ...(q.overdue === '1' ? { overdueOn: today } : {}),
      sort: q.sort, skip: (q.page - 1) * q.size, limit: q.size,
    });
    return {
      applications: page.items.map((a) => ({ ...a, overdue: !FINISHED_APPLICATION.includes(a.status) && a.expectedBy < today })),
      total: page.total, page: q.page, size: q.size,
    };
  }));

  router.get('/applications/:code', ...staffRoute('agent', { params: CodeParam, output: OneApplication }, async ({ staff, params }) => {
    const code = codeOf(params.code, 'application');
    const a = code && await deps.applications.find(code);
    if (!a) return refuse(404, 'not-found');
    if (!mayWorkOnApplication(staff, a)) return refuse(403, 'other-department');
    return { application: a };
  }));

  router.post('/applications/:code/status', ...staffRoute('agent', { params: CodeParam, body: ApplicationStatusChange, invalid: 'code-and-status-required', output: OneApplication }, async ({ staff, params, body: b }) => {
    const code = codeOf(params.code, 'application');
    const status = b.status as ApplicationStatus;
    if (!code || !APPLICATION_STATUSES.includes(status)) return refuse(400, 'code-and-status-required', { statuses: APPLICATION_STATUSES });
    const current = await deps.applications.find(code);
    if (current && !mayWorkOnApplication(staff, current)) return refuse(403, 'other-department');
    const result = await deps.applications.changeStatus(code, { status, by: staff.username, note: b.note, reason: b.reason, missingDocuments: b.missingDocuments });
    if (!result.ok) return refuse(result.reason === 'not-found' ? 404 : result.reason === 'unchanged' ? 409 : 400, result.reason);
    await audit(staff, 'application-status', code, status);
    return { application: result.application };
  }));

  const receipt = staffRoute('agent', { params: CodeParam }, async ({ staff, params, res }) => {
    const code = codeOf(params.code, 'application');
    const a = code && await deps.applications.find(code);
    if (!a) { res.status(404).type('text/plain').send('not found'); return SENT; }
    await audit(staff, 'receipt-printed', a.code);
    res.type('html').send(receiptHtml(a, deps));
    return SENT;
  });

  // The decision letter: approval, or refusal with its reasons, in the applicant's language and the municipality's name.
  const decision = staffRoute('agent', { params: CodeParam }, async ({ staff, params, res }) => {
    const code = codeOf(params.code, 'application');
    const a = code && await deps.applications.find(code);
    if (!a) { res.status(404).type('text/plain').send('not found'); return SENT; }
    if (a.status !== 'approved' && a.status !== 'rejected' && a.status !== 'delivered') { res.status(409).type('text/plain').send('no decision recorded yet'); return SENT; }
    await audit(staff, 'decision-printed', a.code);
    res.type('html').send(decisionHtml(a, deps));
    return SENT;
  });

  return { router, receipt, decision, earlier };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

/** The paper the citizen takes home: tracking code, service, expected date. Every value is escaped. */
function receiptHtml(a: Application, deps: RecordsDeps): string {
  const lang = a.lang;
  const t = (key: ReplyKey) => escapeHtml(deps.phrases.t(lang, key));
  const m = deps.content.municipality;
  const service = deps.content.services.find((s) => s.id === a.service)?.name[lang] ?? a.service;
  const row = (key: ReplyKey, value: string, cls = '') => `<tr${cls ? ` class="${cls}"` : ''}><th>${t(key)}</th><td dir="auto">${escapeHtml(value)}</td></tr>`;
  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${t('receipt.title')} ${escapeHtml(a.code)}</title>
<link rel="stylesheet" href="/console/receipt.css"></head>
<body>
<main class="receipt">
  <header><h1>${escapeHtml(m.name[lang])}</h1><h2>${t('receipt.title')}</h2></header>
  <p class="code-label">${t('receipt.code')}</p>
  <p class="code" id="code" dir="ltr">${escapeHtml(a.code)}</p>
  <table>
    ${row('receipt.service', service)}
    ${row('receipt.applicant', a.applicant.name)}
    ${row('receipt.phone', a.applicant.phone)}
    ${row('receipt.registered', formatDate(a.createdAt, lang, m.timezone))}
    ${row('receipt.expected', formatDate(a.expectedBy, lang, m.timezone), 'expected')}
  </table>
  <p class="track">${escapeHtml(deps.phrases.t(lang, 'receipt.track', { phone: m.phone }))}</p>
  <button type="button" id="print" class="no-print">${t('receipt.print')}</button>
</main>
<script src="/console/receipt.js" type="module"></script>
</body></html>`;
}

/** The decision letter: who decided what about which application, and for a refusal the reasons. Every value is escaped. */
function decisionHtml(a: Application, deps: RecordsDeps): string {
  const lang = a.lang;
  const t = (key: ReplyKey, vars?: Record<string, string>) => escapeHtml(deps.phrases.t(lang, key, vars));
  const m = deps.content.municipality;
  const service = deps.content.services.find((s) => s.id === a.service)?.name[lang] ?? a.service;
  const refused = a.status === 'rejected';
  const decided = [...a.history].reverse().find((h) => h.status === 'approved' || h.status === 'rejected');
  const row = (key: ReplyKey, value: string) => `<tr><th>${t(key)}</th><td dir="auto">${escapeHtml(value)}</td></tr>`;
  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${t('decision.title')} ${escapeHtml(a.code)}</title>
<link rel="stylesheet" href="/console/receipt.css"></head>
<body>
<main class="receipt decision">
  <header><h1>${escapeHtml(m.name[lang])}</h1><h2>${t('decision.title')}</h2></header>
  <p class="dear" dir="auto">${t('decision.dear', { name: a.applicant.name })}</p>
  <p class="outcome ${refused ? 'refused' : 'approved'}" id="outcome">${t(refused ? 'decision.refused' : 'decision.approved', { service })}</p>
  <table>
    ${row('receipt.code', a.code)}
    ${row('receipt.service', service)}
    ${row('receipt.registered', formatDate(a.createdAt, lang, m.timezone))}
    ${row('decision.date', formatDate(decided?.at ?? a.updatedAt, lang, m.timezone))}
  </table>
  ${refused ? `<h3>${t('decision.reasons')}</h3><p class="reasons" id="reasons" dir="auto">${escapeHtml(a.rejectionReason ?? '')}</p>` : ''}
  <p class="track">${t(refused ? 'decision.refusedNext' : 'decision.approvedNext', { phone: m.phone })}</p>
  <button type="button" id="print" class="no-print">${t('receipt.print')}</button>
</main>
<script src="/console/receipt.js" type="module"></script>
</body></html>`;
}
