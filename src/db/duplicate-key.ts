/** True for a unique index violation (E11000), which MongoDB and FerretDB both report with code 11000. */
export function isDuplicateKey(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; writeErrors?: { code?: unknown }[] };
  return e.code === 11000 || e.writeErrors?.some((w) => w.code === 11000) === true
    || (typeof e.message === 'string' && /E11000|duplicate key/i.test(e.message));
}

/** Lean documents come back with the database's _id; the domain does not know it. */
export function withoutId<T>(doc: T & { _id?: unknown }): T {
  const { _id, ...rest } = doc;
  return rest as T;
}
