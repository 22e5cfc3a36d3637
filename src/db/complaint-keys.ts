import type { Connection, mongo } from 'mongoose';
import { putById } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

/**
 * Which complaint a retry key filed, and which anonymous keys are still to be forgotten, in documents read by _id.
 *
 * Why: FerretDB 1.24 on SQLite uses an index only for an exact `_id` lookup, so "the complaint with this retry
 * key" and "anonymous complaints older than an hour whose key is still a hash" read the whole complaints
 * collection, twice per filing. Here:
 *
 *   `<retry key>`        `{ code }`: written once the complaint is stored; the complaint (read by its code) decides
 *   `anonymous|pending`  `{ items: [{ key, code, at }] }`: anonymous filings whose key links them to a chat, noted
 *                        before the complaint is stored (so a crash cannot leave one unlisted), changed under its lock
 *
 * The unique index on the complaint's retry key still decides that a retry never files twice; these documents
 * only find the first filing without a search.
 */

export interface PendingKey { key: string; code: string; at: Date }
interface KeyDoc { _id: string; code?: string; items?: PendingKey[] }

const PENDING = 'anonymous|pending';
const MARKER = 'meta|built';

export class ComplaintKeys {
  readonly docs: mongo.Collection<KeyDoc>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.docs = connection.collection('complaint_keys');
    this.locks = new RecordLocks(connection);
  }

  async codeOf(key: string): Promise<string | undefined> {
    return (await this.docs.findOne({ _id: key }))?.code;
  }

  async note(key: string, code: string): Promise<void> {
    await putById(this.docs, key, { code });
  }

  async forget(key: string, code: string): Promise<void> {
    await retryTransient(() => this.docs.deleteOne({ _id: key, code }));
  }

  async pending(): Promise<PendingKey[]> {
    return (await this.docs.findOne({ _id: PENDING }))?.items ?? [];
  }

  /** Adds to, or removes from, the anonymous keys still to forget (by key and code). */
  async changePending(add: PendingKey[], remove: PendingKey[] = []): Promise<void> {
    const same = (a: PendingKey, b: PendingKey) => a.key === b.key && a.code === b.code;
    await this.locks.withLock(`complaint-keys:${PENDING}`, async () => {
      const items = (await this.pending()).filter((x) => !remove.some((r) => same(r, x)) && !add.some((a) => same(a, x)));
      items.push(...add);
      await putById(this.docs, PENDING, { items });
    }, 20_000);
  }

  /**
   * Once per database (a first start on one filed before these documents): the anonymous keys not yet forgotten
   * are listed, from one read of the complaints.
   */
  async ensureBuilt(complaints: mongo.Collection): Promise<void> {
    if (await this.docs.findOne({ _id: MARKER })) return;
    const old = await complaints.find({ privacy: 'anonymous', idempotencyKey: { $regex: /^[0-9a-f]{64}$/ } },
      { projection: { code: 1, idempotencyKey: 1, createdAt: 1 } }).toArray();
    if (old.length) await this.changePending(old.map((d) => ({ key: d.idempotencyKey as string, code: d.code as string, at: d.createdAt as Date })));
    await putById(this.docs, MARKER, { code: '' });
  }
}
