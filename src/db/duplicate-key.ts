import type { Model } from 'mongoose';
import { retryTransient } from './transient.js';

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

/**
 * Stores a record that has a tracking code and a retry key, both unique. A refusal says which one clashed: the
 * retry key (the same message filed twice) or, astronomically rarely, the random code.
 */
export async function insertOnce<T extends { idempotencyKey: string }>(model: Model<T>, ready: Promise<unknown>, record: T):
  Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
  await ready;
  try {
    await retryTransient(() => model.create(record));
    return 'inserted';
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return (await model.exists({ idempotencyKey: record.idempotencyKey } as never)) ? 'duplicate-key' : 'duplicate-code';
  }
}

/** One record by a field, without the database's _id. */
export async function findOneBy<T>(model: Model<T>, filter: Record<string, unknown>): Promise<T | null> {
  const doc = await model.findOne(filter as never).lean<T>();
  return doc && withoutId(doc as T & { _id?: unknown });
}

/**
 * Replaces (or creates) the document with this _id. FerretDB runs an upsert as find-then-insert, so two at once
 * can both insert and one is refused by the unique _id index: the document then exists and is replaced.
 */
export async function putById<T extends { _id: string }>(collection: { replaceOne(filter: never, doc: never, opts?: { upsert: boolean }): Promise<unknown> }, id: string, doc: Omit<T, '_id'>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await retryTransient(() => collection.replaceOne({ _id: id } as never, doc as never, { upsert: true }));
      return;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
  }
}
