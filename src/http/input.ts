import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Lang } from '../shared/lang.js';
import { cleanInput } from '../text/normalize.js';

// What every route does with what a client sends: a request id, JSON bodies read one way, fields checked by zod,
// and one error handler that answers the client's mistakes as 4xx and logs only route, status and request id.

declare module 'express-serve-static-core' {
  interface Request { requestId?: string }
}

/** Gives every request an id, sent back in `x-request-id`, so a log line and a complaint about an error can be matched. */
export const requestId: RequestHandler = (req, res, next) => {
  req.requestId = randomUUID();
  res.set('x-request-id', req.requestId);
  next();
};

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * A JSON object in UTF-8 (RFC 8259) of at most `limit`: another content type is 415, another charset 415, more
 * bytes 413, unreadable JSON or JSON that is not an object (null, a string, a number, an array) 400. A request
 * without a body gets `{}` so the route's schema says what is missing.
 */
export function jsonBody(limit: string | number = '64kb'): RequestHandler {
  const parse = express.json({ limit, strict: true, verify: refuseInvalidUtf8 });
  return (req, res, next) => {
    // Where the body was read, for the error log (the app-level handler no longer knows the mount path).
    res.locals.bodyRoute = `${req.baseUrl}${typeof req.route?.path === 'string' ? req.route.path : ''}`;
    if (!hasBody(req)) { req.body = {}; next(); return; }
    if (!req.is('application/json')) { clientError(req, res, 415, 'expected-json', 'send Content-Type: application/json'); return; }
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') { clientError(req, res, 415, 'expected-utf-8', 'JSON must be UTF-8'); return; }
    parse(req, res, (err?: unknown) => {
      if (err) { next(err); return; }
      if (!bodyObject(req.body)) { clientError(req, res, 400, 'expected-json-object', 'send a JSON object: {...}'); return; }
      next();
    });
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes that are not UTF-8 would be read with replacement characters; they are refused instead. */
function refuseInvalidUtf8(_req: unknown, _res: unknown, bytes: Buffer): void {
  try { utf8.decode(bytes); } catch { throw Object.assign(new Error('the body is not UTF-8'), { status: 400, type: 'encoding.invalid' }); }
}

/** A JSON body that is an object (not null, a string, a number or an array). */
export function bodyObject(body: unknown): Record<string, unknown> | undefined {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
}

/** Text a person typed: cleaned as citizens' messages are (no control or bidi characters), then 1..max characters. */
export const typed = (max: number) => z.string().max(max * 2).transform(cleanInput).pipe(z.string().min(1).max(max));

/** Like `typed`, but empty or absent reads as absent. */
export const optionalTyped = (max: number) => z.string().max(max * 2).transform(cleanInput).pipe(z.string().max(max))
  .optional().transform((v) => (v ? v : undefined));

/** The fields a client got wrong, by path (at most 10); a field a strict schema does not know is named too. */
export function fieldsOf(error: z.ZodError, where: string): string[] {
  const paths = error.issues.flatMap((i) => {
    const at = i.path.join('.');
    return i.code === 'unrecognized_keys' ? i.keys.map((k) => (at ? `${at}.${k}` : k)) : [at || `(${where})`];
  });
  return [...new Set(paths)].slice(0, 10);
}

/**
 * The language staff chose for a citizen (a caller's complaint, a counter application, a booking): one the
 * municipality answers in; French where it does not is English, anything else Arabic.
 */
export function citizenLang(v: unknown, offered: readonly Lang[]): Lang {
  if (v === 'en' || (v === 'fr' && offered.includes('fr'))) return v;
  return v === 'fr' ? 'en' : 'ar';
}

/** Parses a body with a zod schema; on failure answers 400 with the fields that are wrong and returns undefined. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response, error: string): z.infer<S> | undefined {
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  clientError(req, res, 400, error, undefined, { fields: fieldsOf(result.error, 'body') });
  return undefined;
}

// Answers are checked where a mismatch should fail loudly (the tests), not in production, where it would cost a
// citizen or a clerk a 500 for a field the schema forgot.
const checkOutput = () => process.env.VITEST !== undefined || process.env.NAFIDHA_CHECK_OUTPUT === '1';

/** The answer of a route, checked against its output schema under the tests (or NAFIDHA_CHECK_OUTPUT=1): a mismatch throws, naming the fields. */
export function shaped<S extends z.ZodType>(schema: S, answer: z.input<S>, route: string): z.input<S> {
  if (!checkOutput()) return answer;
  const checked = schema.safeParse(answer);
  if (!checked.success) throw new Error(`${route} answered outside its output schema: ${fieldsOf(checked.error, 'answer').join(', ')}`);
  return answer;
}

function routeOf(req: Request, res: Response): string {
  const bodyRoute = typeof res.locals.bodyRoute === 'string' ? res.locals.bodyRoute : undefined;
  return `${req.method} ${bodyRoute ?? `${req.baseUrl}${typeof req.route?.path === 'string' ? req.route.path : ''}`}`;
}

/** A refusal of what the client sent: a short JSON error with the request id. */
export function clientError(req: Request, res: Response, status: number, error: string, hint?: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...(hint ? { hint } : {}), ...extra, requestId: req.requestId });
}

// body-parser's error types, by what the client did wrong.
const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'malformed-json'],
  'entity.too.large': [413, 'body-too-large'],
  'request.size.invalid': [400, 'body-size-mismatch'],
  'request.aborted': [400, 'request-aborted'],
  'encoding.unsupported': [415, 'unsupported-encoding'],
  'charset.unsupported': [415, 'unsupported-charset'],
  'parameters.too.many': [413, 'too-many-parameters'],
  'encoding.invalid': [400, 'invalid-utf-8'],
};

/**
 * The app's one error handler. Errors of the client's making (body-parser's, or any with a 4xx status) are 4xx;
 * anything else is 500. Nothing the client sent is logged: body-parser errors carry the raw body (a password
 * included), and error messages may quote values, so only the error's name and stack frames are written.
 */
export function errorHandler(log: (line: string) => void = (l) => console.error(l)): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = (err ?? {}) as { type?: unknown; status?: unknown; name?: unknown; stack?: unknown };
    const known = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
    const status = known?.[0] ?? (typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 500);
    if (res.headersSent) { res.end(); return; }
    if (status < 500) {
      log(`http: ${routeOf(req, res)} ${status} ${known?.[1] ?? 'bad-request'} request ${req.requestId ?? '-'}`);
      clientError(req, res, status, known?.[1] ?? 'bad-request');
      return;
    }
    const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 6).join('\n') : '';
    log(`http: ${routeOf(req, res)} 500 ${typeof e.name === 'string' ? e.name : 'error'} request ${req.requestId ?? '-'}${frames ? `\n${frames}` : ''}`);
    res.status(500).json({ error: 'internal-error', requestId: req.requestId });
  };
}
