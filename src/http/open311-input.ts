import { z } from 'zod';

// What Open311 clients send, as zod schemas. GeoReport v2 clients send form fields, repeat them, and send numbers
// as text; each field is read as one trimmed string first. A wrong field is a 400 whose description says, in the
// specification's words, what to send instead.

export class Open311Error extends Error {
  constructor(readonly status: number, message: string, readonly retryAfter?: number) { super(message); }
}

/** A field's one value: the first of a repeated one, trimmed; empty reads as absent. */
export function str(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

const list = (value: unknown) => str(value)?.split(',').map((x) => x.trim()).filter(Boolean);

const text = (max: number) => z.preprocess(str, z.string().max(max).optional());
const required = (max: number, missing: string) => z.preprocess(str, z.string({ error: missing }).max(max));
const ids = z.preprocess(list, z.array(z.string().max(100)).max(1000).optional());
const when = (name: string) => z.preprocess(str, z.string().max(40)
  .refine((s) => !Number.isNaN(new Date(s).getTime()), `${name} must be a date and time in ISO 8601, like 2024-05-01T08:00:00Z`)
  .transform((s) => new Date(s)).optional());
const decimal = z.preprocess(str, z.string().max(30).regex(/^-?\d+(\.\d+)?$/, 'lat and long must be decimal degrees').optional());

export const RequestsQuery = z.object({
  service_request_id: ids,
  status: z.preprocess(list, z.array(z.enum(['open', 'closed'], { error: 'status must be open, closed or both (open,closed)' })).optional()),
  service_code: ids,
  start_date: when('start_date'),
  end_date: when('end_date'),
  locale: text(20),
});

export const UpdatesQuery = z.object({ start_date: when('start_date'), end_date: when('end_date'), locale: text(20) });

/** A POSTed service request; the domain checks the rest (the description's length, the place's bounds). */
export const ServiceRequest = z.object({
  api_key: text(200),
  service_code: required(100, 'service_code is required; see services.json'),
  lat: decimal,
  long: decimal,
  address_string: text(300),
  description: required(20_000, 'description is required'),
  media_url: z.preprocess(str, z.string().max(2000, 'media_url must be an http or https URL').regex(/^https?:\/\//i, 'media_url must be an http or https URL').optional()),
  first_name: text(100),
  last_name: text(100),
  email: text(200),
  phone: text(40),
});

/** Parses or throws the 400 the client reads: the first problem's words. */
export function parse311<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // The schema's own words where it has them; zod's ("Invalid input", "Too big") name no field, so they are replaced.
  const mine = issue && !/^(Invalid|Too (big|small))/.test(issue.message);
  throw new Open311Error(400, mine ? issue.message : `${issue?.path.join('.') || 'the request'} is not valid`);
}
