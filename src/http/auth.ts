import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import rateLimit, { ipKeyGenerator, type Store } from 'express-rate-limit';
import session, { type Store as SessionStore } from 'express-session';
import { z } from 'zod';
import { atLeast, hashPassword, MIN_PASSWORD, ROLES, staffDepartments, staffUsername, verifyPassword, type Actor, type Role, type StaffAccount, type StaffStore } from '../domain/staff.js';
import { parseBody, shaped } from './input.js';

// Staff sign-in for the console: session cookie, CSRF token per session, roles as middleware.

declare module 'express-session' {
  interface SessionData { staff?: Actor; csrf?: string; mustChangePassword?: boolean }
}

declare module 'express-serve-static-core' {
  interface Request { staff?: Actor }
}

export interface SessionOptions {
  /** Where sessions are kept (db/console-sessions.ts). */
  sessions: { store: SessionStore; sweep(): Promise<void>; alive(sessionId: string): Promise<boolean> };
  /** SESSION_SECRET; a random one per process when absent (sessions then end with the process). */
  secret?: string;
  /** PUBLIC_URL: https makes the cookie Secure. */
  publicUrl?: string;
  log: (line: string) => void;
}

/** How long a console session lasts without use. */
export const SESSION_HOURS = 12;
const HOURS_12 = SESSION_HOURS * 60 * 60_000;

export function consoleSession(o: SessionOptions): { middleware: RequestHandler; sweep: () => Promise<void>; alive: (sessionId: string) => Promise<boolean> } {
  let secret = o.secret;
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    o.log('console: SESSION_SECRET is not set; using a random secret for this process (staff sign in again after a restart, and all instances must share one SESSION_SECRET)');
  }
  const middleware = session({
    name: 'nafidha.console',
    secret,
    store: o.sessions.store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'strict', secure: o.publicUrl?.startsWith('https:') ?? false, path: '/console', maxAge: HOURS_12 },
  });
  // No TTL index (FerretDB): expired sessions are swept by the console's own timer.
  return { middleware, sweep: () => o.sessions.sweep(), alive: (id) => o.sessions.alive(id) };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Refuses anonymous calls (401), disabled accounts, wrong roles (403) and non-GET calls without the session's CSRF token. */
export function requireStaff(staff: StaffStore, role: Role = 'agent', options: { allowPasswordChange?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    const who = req.session?.staff;
    if (!who) { res.status(401).json({ error: 'sign-in-required' }); return; }
    const safe = req.method === 'GET' || req.method === 'HEAD';
    if (!safe) {
      const token = req.get('x-csrf-token') ?? '';
      if (!req.session.csrf || !sameToken(token, req.session.csrf)) { res.status(403).json({ error: 'csrf-token-invalid' }); return; }
    }
    staff.find(who.username).then((account) => {
      if (!account || account.disabled) {
        req.session.destroy(() => res.status(401).json({ error: 'sign-in-required' }));
        return;
      }
      if (account.mustChangePassword && !options.allowPasswordChange) { res.status(403).json({ error: 'password-change-required' }); return; }
      if (!atLeast(account.role, role)) { res.status(403).json({ error: 'role-required', role }); return; }
      const departments = staffDepartments(account);
      req.staff = { username: account.username, role: account.role, ...(departments.length ? { department: departments[0], departments } : {}) };
      next();
    }).catch(next);
  };
}

export interface AuthDeps {
  staff: StaffStore;
  audit: (entry: { who: string; what: string; target?: string; detail?: string }) => Promise<void>;
  /** Where sign-in attempts are counted (shared by instances); in memory when absent. */
  limitStore?: Store;
  signInLimit?: number;
  /** Told when a session signs out here, so what it holds open (the live feed) closes at once. */
  onSignOut?: (sessionId: string) => void;
}

const SignIn = z.strictObject({ username: z.string().max(200), password: z.string().max(200) });
const PasswordChange = z.strictObject({ current: z.string().max(200), next: z.string().max(200) });

/** Who is signed in, as the page needs it: never the password hash. */
const SignedIn = z.strictObject({
  username: z.string(), role: z.enum(ROLES), department: z.string().nullable(), departments: z.array(z.string()),
  csrf: z.string().optional(), mustChangePassword: z.boolean().optional(),
});
const Done = z.strictObject({ ok: z.literal(true) });

const signedIn = (account: StaffAccount, csrf: string | undefined, route: string) => shaped(SignedIn, {
  username: account.username, role: account.role, department: account.department ?? null, departments: staffDepartments(account), csrf, mustChangePassword: account.mustChangePassword,
}, route);

/** The sign-in body once its shape was checked (signInBody keeps it for the limit and the handler). */
const signInOf = (res: Response) => res.locals.signIn as z.infer<typeof SignIn>;

/** The sign-in limit's key: the address and the account the guess would be checked against (one spelling). */
function signInKey(req: Request, res: Response): string {
  return `${ipKeyGenerator(req.ip ?? '')}|${staffUsername(signInOf(res).username) ?? '(no such account)'}`;
}

/** /session (sign in, who am I, sign out) and /password, under the console API. */
export function authRoutes(deps: AuthDeps): Router {
  const router = express.Router();
  const signInLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.signInLimit ?? 5,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(deps.limitStore ? { store: deps.limitStore } : {}),
    keyGenerator: signInKey,
    handler: (_req, res) => { res.status(429).json({ error: 'too-many-attempts' }); },
  });

  // The body's shape is checked first: a request that cannot be a guess neither counts nor is counted.
  const signInBody: RequestHandler = (req, res, next) => {
    const body = parseBody(SignIn, req, res, 'username-and-password-required');
    if (!body) return;
    res.locals.signIn = body;
    next();
  };

  router.post('/session', signInBody, signInLimit, (req: Request, res: Response, next: NextFunction) => {
    const body = signInOf(res);
    const { password } = body;
    (async () => {
      const name = staffUsername(body.username);
      const account = name ? await deps.staff.find(name) : null;
      // A missing account costs the same hashing time as a wrong password, so names cannot be probed by timing.
      const ok = account ? await verifyPassword(password, account.passwordHash) : (await verifyPassword(password, DUMMY_HASH), false);
      if (!account || !ok || account.disabled) {
        await deps.audit({ who: name ?? '-', what: 'sign-in-failed', detail: req.ip });
        res.status(401).json({ error: 'wrong-username-or-password' });
        return;
      }
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.staff = { username: account.username, role: account.role };
      req.session.csrf = randomBytes(24).toString('base64url');
      await deps.staff.update(account.username, { lastSignInAt: new Date() });
      await deps.audit({ who: account.username, what: 'sign-in', detail: req.ip });
      res.json(signedIn(account, req.session.csrf, 'POST /console/api/session'));
    })().catch(next);
  });

  router.get('/session', (req, res, next) => {
    const who = req.session?.staff;
    if (!who) { res.status(401).json({ error: 'sign-in-required' }); return; }
    deps.staff.find(who.username).then((account) => {
      if (!account || account.disabled) { res.status(401).json({ error: 'sign-in-required' }); return; }
      res.json(signedIn(account, req.session.csrf, 'GET /console/api/session'));
    }).catch(next);
  });

  router.delete('/session', requireStaff(deps.staff, 'agent', { allowPasswordChange: true }), (req, res, next) => {
    const who = req.staff!.username;
    const sessionId = req.sessionID;
    req.session.destroy((err) => {
      if (err) { next(err); return; }
      deps.onSignOut?.(sessionId);
      deps.audit({ who, what: 'sign-out' }).then(() => { res.json(shaped(Done, { ok: true }, 'DELETE /console/api/session')); }).catch(next);
    });
  });

  router.post('/password', requireStaff(deps.staff, 'agent', { allowPasswordChange: true }), (req, res, next) => {
    const body = parseBody(PasswordChange, req, res, 'current-and-next-required');
    if (!body) return;
    const { current, next: wanted } = body;
    if (wanted.length < MIN_PASSWORD || wanted.length > 200 || wanted === current) { res.status(400).json({ error: 'password-too-weak', min: MIN_PASSWORD }); return; }
    (async () => {
      const account = await deps.staff.find(req.staff!.username);
      if (!account || !(await verifyPassword(current, account.passwordHash))) { res.status(403).json({ error: 'wrong-password' }); return; }
      await deps.staff.update(account.username, { passwordHash: await hashPassword(wanted), mustChangePassword: false });
      await deps.audit({ who: account.username, what: 'password-changed', target: account.username });
      res.json(shaped(Done, { ok: true }, 'POST /console/api/password'));
    })().catch(next);
  });

  return router;
}

// A fixed hash to verify against when the username does not exist (same cost as a real check).
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
