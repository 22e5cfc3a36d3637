import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Actor, Role, StaffStore } from '../domain/staff.js';
import { requireStaff } from './auth.js';
import { clientError, fieldsOf, shaped } from './input.js';

// One way to write a console route: the role it needs, the zod schemas of what it takes and gives, and a handler
// that gets the signed-in staff member typed (never `req.staff!`) and the request's parts already parsed.

export interface StaffCall<B, Q, P> {
  staff: Actor;
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, O extends z.ZodType> {
  body?: B;
  query?: Q;
  params?: P;
  /** The shape of a 200 answer. Handlers are typed by it; the test suite also checks every answer against it. */
  output?: O;
  /** The error name sent when the body, query or path is not as declared (400, with the fields that are wrong). */
  invalid?: string;
  /** Sent beside that error, to say what would do (the choices of a field). */
  invalidExtra?: Record<string, unknown>;
}

/** A refusal: sent as `{ error, ...extra }` with its status. */
export class Refusal {
  constructor(readonly status: number, readonly error: string, readonly extra: Record<string, unknown> = {}) {}
}
export const refuse = (status: number, error: string, extra: Record<string, unknown> = {}) => new Refusal(status, error, extra);

/** Returned by a handler that wrote the response itself (a file, a stream, a redirect). */
export const SENT: unique symbol = Symbol('sent');

type Out<O extends z.ZodType> = z.input<O>;
/**
 * Returns the answer (checked against `output`), a refusal, or SENT when it wrote the response itself; a route
 * without an output schema may also write its answer and return nothing.
 */
export type StaffHandler<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, O extends z.ZodType> =
  (call: StaffCall<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<Out<O> | Refusal | typeof SENT | (O extends typeof Anything ? void : never)>;

const Anything = z.unknown();

/** Routes of one staff store: `route(role, spec, handler)` gives the handlers for `router.get(path, ...handlers)`. */
export function staffRoutes(staffStore: StaffStore) {
  const guards = new Map<Role, RequestHandler>();
  const guard = (role: Role) => {
    let g = guards.get(role);
    if (!g) guards.set(role, (g = requireStaff(staffStore, role)));
    return g;
  };
  return function route<B extends z.ZodType = typeof Anything, Q extends z.ZodType = typeof Anything, P extends z.ZodType = typeof Anything, O extends z.ZodType = typeof Anything>(
    role: Role, spec: RouteSpec<B, Q, P, O>, handler: StaffHandler<B, Q, P, O>,
  ): RequestHandler[] {
    const run: RequestHandler = (req, res, next) => {
      const invalid = spec.invalid ?? 'invalid-request';
      const parts: Record<'params' | 'query' | 'body', unknown> = { params: req.params, query: req.query, body: req.body };
      for (const where of ['params', 'query', 'body'] as const) {
        const schema = spec[where];
        if (!schema) continue;
        const parsed = schema.safeParse(parts[where]);
        // An unknown path segment (a code of the wrong shape) is a record that does not exist.
        if (!parsed.success) {
          if (where === 'params') res.status(404).json({ error: 'not-found' });
          else clientError(req, res, 400, invalid, undefined, { ...spec.invalidExtra, fields: fieldsOf(parsed.error, where) });
          return;
        }
        parts[where] = parsed.data;
      }
      const staff = req.staff;
      if (!staff) { res.status(401).json({ error: 'sign-in-required' }); return; }
      handler({ staff, req, res, params: parts.params as never, query: parts.query as never, body: parts.body as never }).then((answer) => {
        if (answer === SENT) return;
        if (answer === undefined && !spec.output) { if (!res.headersSent) throw new Error(`${req.method} ${req.baseUrl}${req.route?.path ?? ''} sent no answer`); return; }
        if (answer instanceof Refusal) { res.status(answer.status).json({ error: answer.error, ...answer.extra }); return; }
        res.json(spec.output ? shaped(spec.output, answer as z.input<O>, `${req.method} ${req.baseUrl}${req.route?.path ?? ''}`) : answer);
      }).catch(next);
    };
    return [guard(role), run];
  };
}

export type StaffRoute = ReturnType<typeof staffRoutes>;
