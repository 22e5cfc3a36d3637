import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import rateLimit from 'express-rate-limit';
import type { ComplaintCategory, Department } from '../content/schema.js';
import type { Complaint, ComplaintService, ComplaintStore, FileComplaintInput } from '../domain/complaints.js';
import { fill, formatDate, type NotificationTexts } from '../domain/notification-texts.js';
import type { ComplaintStatus } from '../shared/statuses.js';
import { parseTrackingCode } from '../domain/tracking-code.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { IdLookupBudget } from './open311-limits.js';
import { renderXml, type XmlValue } from './open311-xml.js';
import { Open311Error, parse311, RequestsQuery, ServiceRequest, str, UpdatesQuery } from './open311-input.js';
import type { z } from 'zod';

/**
 * Open311 GeoReport v2 over the complaint domain, mounted at /open311/v2: https://wiki.open311.org/GeoReport_v2.
 * Every endpoint answers in XML (the specification's required format) and JSON, chosen by the path's extension;
 * errors come back in the same format. Reporter identity never leaves through it, and neither does what a
 * citizen wrote or where: anyone may read these endpoints, so they show what a non-filer sees in the chat.
 * Beyond the core, `servicerequestupdates` is the status-change feed FixMyStreet polls (mySociety's extension).
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
  /** Who to ask about the API (discovery's `contact`), e.g. the municipality's phone. */
  contact?: string;
  limits?: Partial<Open311Limits>;
}

export interface Open311Limits {
  /** Requests by id (each id of a batch counts) per address per minute. */
  idLookupsPerMinute: number;
  /** Most ids one `service_request_id` list may name. */
  maxIdsPerRequest: number;
  /** Any Open311 request, per address per minute. */
  requestsPerMinute: number;
}

const DEFAULT_LIMITS: Open311Limits = { idLookupsPerMinute: 120, maxIdsPerRequest: 50, requestsPerMinute: 300 };
const MAX_REQUESTS = 1000;
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60_000;
const DEFAULT_UPDATES_WINDOW_MS = 24 * 60 * 60_000;
const OPEN: ComplaintStatus[] = ['received', 'in-progress', 'reopened'];
const CLOSED: ComplaintStatus[] = ['resolved', 'closed'];
/** The date this server's description (discovery) last changed. */
const CHANGESET = '2026-12-01T00:00:00Z';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

type Format = 'json' | 'xml';


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


/** W3C date-time without fractions, as the specification's examples and FixMyStreet's parser expect. */
function w3c(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function formatOf(req: Request): Format {
  return /\.xml$/i.test(req.path) ? 'xml' : 'json';
}

/** One answer in the format the path asked for; `root` is the XML document element. */
function send(res: Response, format: Format, root: string, value: XmlValue, status = 200): void {
  res.status(status);
  if (format === 'xml') res.type('text/xml; charset=utf-8').send(renderXml(root, value));
  else res.json(value);
}

export function createOpen311Router(deps: Open311Deps): Router {
  const router = express.Router();
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const idBudget = new IdLookupBudget(limits.idLookupsPerMinute);
  router.use(rateLimit({
    windowMs: 60_000, limit: limits.requestsPerMinute, standardHeaders: 'draft-7', legacyHeaders: false,
    handler: (req, _res, next) => next(new Open311Error(429, 'too many requests from this address; wait a minute and try again', 60)),
  }));
  router.use(express.urlencoded({ extended: false, limit: '64kb' }), express.json({ limit: '64kb' }));

  const lang = (req: Request): Lang => (str(req.query.locale)?.startsWith('ar') ? 'ar' : 'en');
  const category = (code: string) => deps.categories.find((c) => c.id === code);
  const departmentName = (id: string, l: Lang) => deps.departments?.find((d) => d.id === id)?.name[l] ?? id;
  const spend = (req: Request, cost: number) => {
    const wait = idBudget.take(req.ip ?? '', cost);
    if (wait) throw new Open311Error(429, `too many lookups by service_request_id from this address; try again in ${wait} s`, wait);
  };

  router.use((req, _res, next) => {
    const jurisdiction = str(req.query.jurisdiction_id) ?? str((req.body as Record<string, unknown> | undefined)?.jurisdiction_id);
    if (deps.jurisdictionId && jurisdiction && jurisdiction !== deps.jurisdictionId) {
      return next(new Open311Error(404, `jurisdiction_id '${jurisdiction}' is not served here; use '${deps.jurisdictionId}'`));
    }
    next();
  });

  router.get(/^\/discovery\.(json|xml)$/, (req, res) => {
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    send(res, formatOf(req), 'discovery', {
      changeset: CHANGESET,
      contact: deps.contact ?? '',
      key_service: 'Keys to POST requests are issued by the municipality; reading needs none.',
      endpoints: [{
        specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'],
      }],
    });
  });

  router.get(/^\/services\.(json|xml)$/, (req, res) => {
    const l = lang(req);
    send(res, formatOf(req), 'services', deps.categories.map((c) => ({
      service_code: c.id,
      service_name: c.name[l],
      description: c.name[l],
      metadata: false,
      type: 'realtime',
      keywords: c.examples.slice(0, 8).join(', '),
      group: c.department,
    })));
  });

  router.get(/^\/services\/([^/]+)\.(json|xml)$/, (req, res, next) => {
    const code = req.params[0];
    if (!category(code)) return next(new Open311Error(404, `service_code '${code}' not found; see services.${formatOf(req)}`));
    send(res, formatOf(req), 'service_definition', { service_code: code, attributes: [] });
  });

  const view = (c: Complaint, l: Lang) => ({
    service_request_id: c.code,
    status: CLOSED.includes(c.status) ? 'closed' : 'open',
    status_notes: deps.texts.statuses.complaint[c.status][l],
    service_name: category(c.category)?.name[l] ?? c.category,
    service_code: c.category,
    agency_responsible: departmentName(c.department, l),
    service_notice: null,
    requested_datetime: w3c(c.createdAt),
    updated_datetime: w3c(c.updatedAt),
    expected_datetime: w3c(c.deadline),
    ...(deps.exposeLocation && c.location
      ? 'text' in c.location ? { address: c.location.text } : { lat: c.location.lat, long: c.location.lon }
      : {}),
  });

  router.get(/^\/requests\.(json|xml)$/, async (req, res, next) => {
    try {
      const q = parse311(RequestsQuery, req.query);
      const l = lang(req);
      const format = formatOf(req);
      const ids = q.service_request_id;
      if (ids) {
        if (ids.length > limits.maxIdsPerRequest) throw new Open311Error(400, `service_request_id may list at most ${limits.maxIdsPerRequest} ids`);
        spend(req, ids.length);
        // The spec: with service_request_id every other filter is ignored.
        const codes = ids.map((id) => parseTrackingCode(id)).flatMap((p) => (p.ok && p.kind === 'complaint' ? [p.code] : []));
        const found = codes.length ? await deps.store.search({ codes, limit: MAX_REQUESTS }) : [];
        return send(res, format, 'service_requests', found.map((c) => view(c, l)));
      }
      const statusWords = q.status;
      const statuses = statusWords && [...(statusWords.includes('open') ? OPEN : []), ...(statusWords.includes('closed') ? CLOSED : [])];
      let from = q.start_date;
      const to = q.end_date;
      if (from && to && from > to) throw new Open311Error(400, 'start_date must be before end_date');
      if (!from) from = new Date((to ?? new Date()).getTime() - DEFAULT_WINDOW_MS);
      const found = await deps.store.search({ categories: q.service_code, statuses, from, to, limit: MAX_REQUESTS });
      send(res, format, 'service_requests', found.map((c) => view(c, l)));
    } catch (err) {
      next(err);
    }
  });

  router.get(/^\/requests\/([^/]+)\.(json|xml)$/, async (req, res, next) => {
    try {
      spend(req, 1);
      const parsed = parseTrackingCode(req.params[0]);
      const found = parsed.ok && parsed.kind === 'complaint' ? await deps.store.findByCode(parsed.code) : null;
      if (!found) throw new Open311Error(404, `service_request_id '${req.params[0]}' not found`);
      send(res, formatOf(req), 'service_requests', [view(found, lang(req))]);
    } catch (err) {
      next(err);
    }
  });

  // Requests are stored before POST answers, so its reply always carries the id and no token is ever issued.
  router.get(/^\/tokens\/([^/]+)\.(json|xml)$/, (req, _res, next) => {
    try {
      spend(req, 1);
      throw new Open311Error(404, `token '${req.params[0]}' not found: this server answers POST requests with the service_request_id itself`);
    } catch (err) {
      next(err);
    }
  });

  router.post(/^\/requests\.(json|xml)$/, async (req, res, next) => {
    try {
      if (req.is('multipart/form-data')) throw new Open311Error(415, 'send the request as application/x-www-form-urlencoded (or JSON); give photos as media_url');
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const keyIndex = matchApiKey(str(raw.api_key) ?? str(req.query.api_key), deps.apiKeys);
      if (keyIndex < 0) throw new Open311Error(403, 'api_key is missing or not valid; ask the municipality for a key');
      const input = requestInput(parse311(ServiceRequest, raw), keyIndex, deps);
      const result = await deps.complaints.fileComplaint(input);
      if (!result.ok) {
        const why = result.problems.map((p) => fill(deps.texts.problems[p.problem].en, 'max' in p ? { max: p.max } : {}));
        throw new Open311Error(400, why.join(' '));
      }
      const l = lang(req);
      const { receipt } = result;
      send(res, formatOf(req), 'service_requests', [{
        service_request_id: receipt.code,
        service_notice: fill(deps.texts.messages['open311.notice'][l], {
          department: departmentName(receipt.department, l), date: formatDate(receipt.deadline, l, deps.timeZone),
        }),
        account_id: null,
      }], result.duplicate ? 200 : 201);
    } catch (err) {
      next(err);
    }
  });

  // Each status change after filing, with the public wording of the new status; staff notes never leave.
  router.get(/^\/servicerequestupdates\.(json|xml)$/, async (req, res, next) => {
    try {
      const q = parse311(UpdatesQuery, req.query);
      const l = lang(req);
      const to = q.end_date ?? new Date();
      const from = q.start_date ?? new Date(to.getTime() - DEFAULT_UPDATES_WINDOW_MS);
      if (from > to) throw new Open311Error(400, 'start_date must be before end_date');
      if (to.getTime() - from.getTime() > DEFAULT_WINDOW_MS) throw new Open311Error(400, 'start_date and end_date may span 90 days at most');
      const found = await deps.store.search({ updatedFrom: from, updatedTo: to, limit: MAX_REQUESTS });
      const updates = found.flatMap((c) => c.history.flatMap((h, i) => (i > 0 && h.status && h.at >= from && h.at <= to ? [{
        update_id: `${c.code}.${i}`,
        service_request_id: c.code,
        status: updateStatus(h.status),
        updated_datetime: w3c(h.at),
        description: deps.texts.statuses.complaint[h.status][l],
        media_url: null,
      }] : [])));
      updates.sort((a, b) => a.updated_datetime.localeCompare(b.updated_datetime));
      send(res, formatOf(req), 'service_request_updates', updates);
    } catch (err) {
      next(err);
    }
  });

  router.use((req, _res, next) => next(new Open311Error(404,
    `no such resource: ${req.method} ${req.path}; see discovery.xml (services, services/{code}, requests, requests/{id}, tokens/{token}, servicerequestupdates, each .xml or .json)`)));

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof Open311Error ? err.status
      : typeof err === 'object' && err && 'status' in err && typeof err.status === 'number' && err.status < 500 ? err.status : 500;
    const description = err instanceof Open311Error ? err.message
      : status === 413 ? 'the request body is too large (64 kB at most)' : status < 500 ? 'the request body could not be read' : 'internal error';
    if (status >= 500) console.error('open311:', err);
    if (err instanceof Open311Error && err.retryAfter) res.setHeader('Retry-After', String(err.retryAfter));
    send(res, formatOf(req), 'errors', [{ code: status, description }], status);
  });

  return router;
}

/** FixMyStreet's words for the states it maps (Open311::map_state): in_progress and fixed beyond open/closed. */
function updateStatus(status: ComplaintStatus): string {
  return status === 'in-progress' ? 'in_progress' : status === 'resolved' ? 'fixed' : status === 'closed' ? 'closed' : 'open';
}

/** A POSTed GeoReport request as a complaint: confidential when any identity is given, else anonymous. */
function requestInput(body: z.infer<typeof ServiceRequest>, keyIndex: number, deps: Open311Deps): FileComplaintInput {
  const serviceCode = body.service_code;
  if (!deps.categories.some((c) => c.id === serviceCode)) throw new Open311Error(400, `service_code '${serviceCode}' not found; see services.json`);

  let location: FileComplaintInput['location'];
  if (body.lat !== undefined && body.long !== undefined) location = { lat: Number(body.lat), lon: Number(body.long) };
  else if (body.address_string) location = { text: body.address_string };
  else throw new Open311Error(400, 'a location is required: lat and long, or address_string');

  const { description, media_url: mediaUrl, email, phone } = body;
  const name = [body.first_name, body.last_name].filter(Boolean).join(' ');
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
