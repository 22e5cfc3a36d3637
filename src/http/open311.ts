import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ComplaintCategory, Department } from '../content/schema.js';
import type { Complaint, ComplaintService, ComplaintStore, FileComplaintInput } from '../domain/complaints.js';
import { fill, formatDate, type NotificationTexts } from '../domain/notification-texts.js';
import type { ComplaintStatus } from '../domain/statuses.js';
import { parseTrackingCode } from '../domain/tracking-code.js';
import { detectLanguage, type Lang } from '../text/language.js';

/**
 * Open311 GeoReport v2 (JSON) over the complaint domain, mounted at /open311/v2:
 * https://wiki.open311.org/GeoReport_v2. Reporter identity never leaves through it, and neither does what a
 * citizen wrote or where: anyone may read these endpoints, so they show what a non-filer sees in the chat.
 */

export interface Open311Deps {
  complaints: Pick<ComplaintService, 'fileComplaint'>;
  store: Pick<ComplaintStore, 'search' | 'findByCode'>;
  categories: Pick<ComplaintCategory, 'id' | 'name' | 'department' | 'examples'>[];
  departments?: Pick<Department, 'id' | 'name'>[];
  /** Keys issued by the municipality; POST is refused without one of them. */
  apiKeys: string[];
  texts: NotificationTexts;
  timeZone: string;
  /** When set, a request naming another jurisdiction gets 404. */
  jurisdictionId?: string;
  /** Publish the point or address of each request (off by default: a location can identify a reporter). */
  exposeLocation?: boolean;
}

const MAX_REQUESTS = 1000;
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60_000;
const OPEN: ComplaintStatus[] = ['received', 'in-progress', 'reopened'];
const CLOSED: ComplaintStatus[] = ['resolved', 'closed'];

class Open311Error extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Which issued key this is, compared in constant time (equal-length digests, every key checked). */
export function matchApiKey(given: unknown, keys: string[]): number {
  if (typeof given !== 'string' || !given) return -1;
  const g = digest(given);
  let found = -1;
  keys.forEach((key, i) => { if (timingSafeEqual(g, digest(key)) && found < 0) found = i; });
  return found;
}

function str(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

function list(value: unknown): string[] | undefined {
  const s = str(value);
  return s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined;
}

function date(value: unknown, name: string): Date | undefined {
  const s = str(value);
  if (!s) return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} must be a date and time in ISO 8601, like 2024-05-01T08:00:00Z`);
  return d;
}

export function createOpen311Router(deps: Open311Deps): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }), express.json({ limit: '64kb' }));

  const lang = (req: Request): Lang => (str(req.query.locale)?.startsWith('ar') ? 'ar' : 'en');
  const category = (code: string) => deps.categories.find((c) => c.id === code);
  const departmentName = (id: string, l: Lang) => deps.departments?.find((d) => d.id === id)?.name[l] ?? id;

  router.use((req, _res, next) => {
    const jurisdiction = str(req.query.jurisdiction_id) ?? str((req.body as Record<string, unknown> | undefined)?.jurisdiction_id);
    if (deps.jurisdictionId && jurisdiction && jurisdiction !== deps.jurisdictionId) {
      return next(new Open311Error(404, `jurisdiction_id '${jurisdiction}' is not served here; use '${deps.jurisdictionId}'`));
    }
    next();
  });

  router.get('/services.json', (req, res) => {
    const l = lang(req);
    res.json(deps.categories.map((c) => ({
      service_code: c.id,
      service_name: c.name[l],
      description: c.name[l],
      metadata: false,
      type: 'realtime',
      keywords: c.examples.slice(0, 8).join(', '),
      group: c.department,
    })));
  });

  router.get(/^\/services\/([^/]+)\.json$/, (req, res, next) => {
    const code = req.params[0];
    if (!category(code)) return next(new Open311Error(404, `service_code '${code}' not found; see services.json`));
    res.json({ service_code: code, attributes: [] });
  });

  const view = (c: Complaint, l: Lang) => ({
    service_request_id: c.code,
    status: CLOSED.includes(c.status) ? 'closed' : 'open',
    status_notes: deps.texts.statuses.complaint[c.status][l],
    service_name: category(c.category)?.name[l] ?? c.category,
    service_code: c.category,
    agency_responsible: departmentName(c.department, l),
    service_notice: null,
    requested_datetime: c.createdAt.toISOString(),
    updated_datetime: c.updatedAt.toISOString(),
    expected_datetime: c.deadline.toISOString(),
    ...(deps.exposeLocation && c.location
      ? 'text' in c.location ? { address: c.location.text } : { lat: c.location.lat, long: c.location.lon }
      : {}),
  });

  router.get('/requests.json', async (req, res, next) => {
    try {
      const l = lang(req);
      const ids = list(req.query.service_request_id);
      if (ids) {
        // The spec: with service_request_id every other filter is ignored.
        const codes = ids.map((id) => parseTrackingCode(id)).flatMap((p) => (p.ok && p.kind === 'complaint' ? [p.code] : []));
        const found = codes.length ? await deps.store.search({ codes, limit: MAX_REQUESTS }) : [];
        return res.json(found.map((c) => view(c, l)));
      }
      const statusWords = list(req.query.status);
      if (statusWords?.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status must be open, closed or both (open,closed)');
      const statuses = statusWords && [...(statusWords.includes('open') ? OPEN : []), ...(statusWords.includes('closed') ? CLOSED : [])];
      let from = date(req.query.start_date, 'start_date');
      const to = date(req.query.end_date, 'end_date');
      if (from && to && from > to) throw new Open311Error(400, 'start_date must be before end_date');
      if (!from) from = new Date((to ?? new Date()).getTime() - DEFAULT_WINDOW_MS);
      const found = await deps.store.search({ categories: list(req.query.service_code), statuses, from, to, limit: MAX_REQUESTS });
      res.json(found.map((c) => view(c, l)));
    } catch (err) {
      next(err);
    }
  });

  router.get(/^\/requests\/([^/]+)\.json$/, async (req, res, next) => {
    try {
      const parsed = parseTrackingCode(req.params[0]);
      const found = parsed.ok && parsed.kind === 'complaint' ? await deps.store.findByCode(parsed.code) : null;
      if (!found) throw new Open311Error(404, `service_request_id '${req.params[0]}' not found`);
      res.json([view(found, lang(req))]);
    } catch (err) {
      next(err);
    }
  });

  router.post('/requests.json', async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const keyIndex = matchApiKey(str(body.api_key) ?? str(req.query.api_key), deps.apiKeys);
      if (keyIndex < 0) throw new Open311Error(403, 'api_key is missing or not valid; ask the municipality for a key');
      const input = requestInput(body, keyIndex, deps);
      const result = await deps.complaints.fileComplaint(input);
      if (!result.ok) {
        const why = result.problems.map((p) => fill(deps.texts.problems[p.problem].en, 'max' in p ? { max: p.max } : {}));
        throw new Open311Error(400, why.join(' '));
      }
      const l = lang(req);
      const { receipt } = result;
      res.status(result.duplicate ? 200 : 201).json([{
        service_request_id: receipt.code,
        service_notice: fill(deps.texts.messages['open311.notice'][l], {
          department: departmentName(receipt.department, l), date: formatDate(receipt.deadline, l, deps.timeZone),
        }),
        account_id: null,
      }]);
    } catch (err) {
      next(err);
    }
  });

  router.use((req, _res, next) => next(new Open311Error(404, `no such resource: ${req.method} ${req.path} (this server speaks JSON: services.json, requests.json, requests/{id}.json)`)));

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof Open311Error ? err.status
      : typeof err === 'object' && err && 'status' in err && typeof err.status === 'number' && err.status < 500 ? err.status : 500;
    const description = err instanceof Open311Error ? err.message : status < 500 ? 'the request body could not be read' : 'internal error';
    if (status >= 500) console.error('open311:', err);
    res.status(status).json([{ code: status, description }]);
  });

  return router;
}

/** A POSTed GeoReport request as a complaint: confidential when any identity is given, else anonymous. */
function requestInput(body: Record<string, unknown>, keyIndex: number, deps: Open311Deps): FileComplaintInput {
  const serviceCode = str(body.service_code);
  if (!serviceCode) throw new Open311Error(400, 'service_code is required; see services.json');
  if (!deps.categories.some((c) => c.id === serviceCode)) throw new Open311Error(400, `service_code '${serviceCode}' not found; see services.json`);

  const lat = str(body.lat);
  const long = str(body.long);
  const address = str(body.address_string);
  let location: FileComplaintInput['location'];
  if (lat !== undefined && long !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(lat) || !/^-?\d+(\.\d+)?$/.test(long)) throw new Open311Error(400, 'lat and long must be decimal degrees');
    location = { lat: Number(lat), lon: Number(long) };
  } else if (address) {
    location = { text: address };
  } else {
    throw new Open311Error(400, 'a location is required: lat and long, or address_string');
  }

  const description = str(body.description);
  if (!description) throw new Open311Error(400, 'description is required');
  const mediaUrl = str(body.media_url);
  if (mediaUrl && (!/^https?:\/\//i.test(mediaUrl) || mediaUrl.length > 2000)) throw new Open311Error(400, 'media_url must be an http or https URL');

  const name = [str(body.first_name), str(body.last_name)].filter(Boolean).join(' ');
  const email = str(body.email);
  const phone = str(body.phone);
  const identified = !!(name || email || phone);
  const minute = Math.floor(Date.now() / 60_000);
  return {
    category: serviceCode,
    description,
    location,
    ...(mediaUrl ? { mediaUrl } : {}),
    privacy: identified ? 'confidential' : 'anonymous',
    ...(identified ? { ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}) } : {}),
    via: 'open311',
    consentToContact: false,
    lang: detectLanguage(description) ?? 'en',
    // A client retrying the same POST within the minute files once.
    idempotencyKey: `open311:${keyIndex}:${serviceCode}:${JSON.stringify(location)}:${description}:${email ?? ''}:${phone ?? ''}:${minute}`,
  };
}
