import { z } from 'zod';
import { APPLICATION_STATUSES, COMPLAINT_STATUSES } from '../shared/statuses.js';
import type { ChannelName } from '../shared/message.js';
import { cleanInput } from '../text/normalize.js';
import { optionalTyped } from './input.js';

// What the complaints and applications routes take and give. Bodies are strict: a field the console does not send
// is a mistake, answered 400. Answers are strict too, so a field a view should hide fails the tests instead of
// reaching a browser.

const CHANNELS: ChannelName[] = ['web', 'telegram', 'whatsapp', 'whatsapp-cloud'];

// Path parts: the handler reads the tracking code (a wrong one is a record that does not exist).
export const CodeParam = z.strictObject({ code: z.string().max(100) });
export const PhotoParam = z.strictObject({ code: z.string().max(100), mediaId: z.string().max(100) });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
const blank = z.literal('').transform(() => undefined);
const flag = z.enum(['0', '1', '']).optional();
export const ComplaintListParams = z.object({
  status: z.union([z.enum(COMPLAINT_STATUSES), blank]).optional(),
  category: optionalTyped(60), department: optionalTyped(60),
  overdue: flag,
  /** Open and due within `within` hours (the deployment's window when absent). */
  dueSoon: flag,
  within: z.coerce.number().int().min(1).max(24 * 60).optional(),
  /** Only the open statuses. */
  open: flag,
  /** 'me', 'none' (waiting for someone) or a colleague's username. */
  assignee: optionalTyped(40),
  code: optionalTyped(40),
  from: z.union([day, blank]).optional(), to: z.union([day, blank]).optional(),
  /** Earliest deadline first by default for the work views (open, overdue, due soon, assigned), newest otherwise. */
  sort: z.enum(['newest', 'oldest', 'deadline']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
  size: z.coerce.number().int().min(1).max(200).optional().default(50),
});

export const ApplicationListParams = z.object({
  status: z.union([z.enum(APPLICATION_STATUSES), blank]).optional(),
  service: optionalTyped(60), department: optionalTyped(60),
  overdue: flag,
  sort: z.enum(['newest', 'oldest', 'expected']).optional().default('newest'),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
  size: z.coerce.number().int().min(1).max(200).optional().default(50),
});

// Form fields: strings only (a number or an object is refused, never turned into "[object Object]"), cleaned like
// what citizens type; an empty field reads as absent. The domain then says what is missing or wrong.
const field = (max: number) => z.string().max(max * 2).transform(cleanInput).pipe(z.string().max(max)).optional().default('');
const note = optionalTyped(2000);
const ChatFields = { channel: z.union([z.enum(CHANNELS), z.literal('')]).optional(), user: optionalTyped(100) };
// A status outside the list is answered with the list (the handler's refusal), so it is read as text here.
export const StatusChange = z.strictObject({ status: z.string().max(40), note });
// `from`: who held it as the clerk saw it; "me" without it takes a complaint nobody holds.
export const AssigneeChange = z.strictObject({
  assignee: z.union([z.string().max(40), z.null()]).transform((v) => (v ? cleanInput(v).trim() : '')),
  from: z.union([z.string().max(40), z.null()]).optional().transform((v) => (v === undefined ? undefined : v ? cleanInput(v).trim() : null)),
  note,
});
export const DepartmentChange = z.strictObject({ department: optionalTyped(60), note });
export const CallerComplaint = z.strictObject({
  privacy: z.string().max(20), category: field(60), description: field(4000), lang: z.string().max(5).optional(),
  location: optionalTyped(300), name: optionalTyped(100), phone: optionalTyped(40), email: optionalTyped(200),
  consentToContact: z.boolean().optional(), requestId: optionalTyped(80), ...ChatFields,
});
export const CounterApplication = z.strictObject({
  service: field(60), name: field(100), phone: field(40), lang: z.string().max(5).optional(), note, ...ChatFields,
});
export const ApplicationStatusChange = z.strictObject({
  status: z.string().max(40), note, reason: optionalTyped(2000),
  // A list, or the form's text with one document per line (or `;`).
  missingDocuments: z.union([z.array(z.string().max(400).transform(cleanInput)).max(30), z.string().max(12_000).transform(cleanInput)]).optional()
    .transform((v) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\n|;/) : [])),
});

const At = z.union([z.date(), z.string()]);
const Chat = z.strictObject({ channel: z.string(), user: z.string() });
const History = z.array(z.strictObject({ status: z.string().optional(), by: z.string(), at: At, note: z.string().optional() }));
export const Reporter = z.strictObject({ name: z.string().optional(), contact: Chat.optional(), email: z.string().optional(), phone: z.string().optional() });
const Privacy = z.enum(['named', 'confidential', 'anonymous']);

/**
 * A complaint as staff see it. Never its retry key; for a confidential one never who filed it or from which chat
 * (those only through /reporter, audited).
 */
export const ComplaintView = z.strictObject({
  code: z.string(), category: z.string(), department: z.string(), status: z.string(), privacy: Privacy,
  description: z.string(), location: z.union([z.strictObject({ lat: z.number(), lon: z.number() }), z.strictObject({ text: z.string() })]).optional(),
  photos: z.array(z.string()), mediaUrl: z.string().optional(), consentToContact: z.boolean(), lang: z.string(), via: z.string(),
  createdAt: At, updatedAt: At, deadline: At, escalatedAt: At.optional(), flaggedForSupervisor: z.boolean().optional(),
  overdue: z.boolean(), identityHidden: z.boolean(), assignee: z.string().nullable().optional(), history: History,
  reporter: Reporter.optional(), source: Chat.optional(),
}).refine((c) => c.privacy !== 'confidential' || (c.reporter === undefined && c.source === undefined && c.identityHidden), 'a confidential complaint shown with its reporter');
export const ComplaintList = z.strictObject({ complaints: z.array(ComplaintView), total: z.number(), estimated: z.boolean().optional(), page: z.number(), size: z.number() });
export const OneComplaint = z.strictObject({ complaint: ComplaintView });
export const ComplaintOpened = z.strictObject({ complaint: ComplaintView, canSeeIdentity: z.boolean() });
export const StatusChanged = z.strictObject({ complaint: ComplaintView, notified: z.boolean() });
export const ReporterView = z.strictObject({ privacy: Privacy, reporter: Reporter.nullable(), source: Chat.nullable() });
export const Filed = z.strictObject({ code: z.string(), department: z.string(), deadline: At, duplicate: z.boolean() });

export const ApplicationView = z.strictObject({
  code: z.string(), service: z.string(), lang: z.string(), status: z.string(),
  applicant: z.strictObject({ name: z.string(), phone: z.string(), chat: Chat.optional() }),
  missingDocuments: z.array(z.string()), rejectionReason: z.string().optional(),
  createdAt: At, updatedAt: At, expectedBy: z.string(), history: History,
});
export const OneApplication = z.strictObject({ application: ApplicationView });
export const Registered = z.strictObject({ application: ApplicationView, receipt: z.string() });
export const ApplicationList = z.strictObject({
  applications: z.array(ApplicationView.extend({ overdue: z.boolean() })), total: z.number(), page: z.number(), size: z.number(),
});
