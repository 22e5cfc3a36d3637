import type { Connection, mongo } from 'mongoose';
import { isDuplicateKey, putById } from './duplicate-key.js';
import { retryTransient } from './transient.js';

/**
 * Which complaint a retry key filed, and which anonymous keys are still to be forgotten, without a search.
 *
 * Why: FerretDB 1.24 on SQLite uses an index only for an exact `_id` lookup, so "the complaint with this retry
 * key" and "anonymous complaints older than an hour whose key is still a hash" read the whole complaints
 * collection, twice per filing. Here:
 *
 *   complaint_keys          `_id` = the retry key, `{ code }`: written once the complaint is stored; the
 *                           complaint (read by its code) decides
 *   complaint_keys_pending  `_id` = the code, `{ key, at }`: an anonymous filing whose key still links it to a chat,
 *                           written before the complaint is stored (a crash cannot leave one unlisted) and deleted
 *                           once forgotten, so it holds only the last hour's anonymous filings and reading it whole
 *                           is cheap; one insert per filing, no shared document to lock
 *
 * The unique index on the complaint's retry key still decides that a retry never files twice; these documents
 * only find the first filing without a search.
 */

export interface PendingKey { key: string; code: string; at: Date }

const MARKER = 'meta|built';

export class ComplaintKeys {
  readonly docs: mongo.Collection<{ _id: string; code: string }>;
  readonly pendingDocs: mongo.Collection<{ _id: string; key: string; at: Date }>;

  constructor(connection: Connection) {
    this.docs = connection.collection('complaint_keys');
    this.pendingDocs = connection.collection('complaint_keys_pending');
  }

  async codeOf(key: string): Promise<string | undefined> {
    return (await this.docs.findOne({ _id: key }))?.code;
  }

  async note(key: string, code: string): Promise<void> {
    await putById(this.docs as never, key, { code });
  }

  async forget(key: string, code: string): Promise<void> {
    await retryTransient(() => this.docs.deleteOne({ _id: key, code }));
    await retryTransient(() => this.pendingDocs.deleteOne({ _id: code }));
  }

  /** Notes an anonymous filing whose key is to be forgotten (the same filing noted twice is one). */
  async addPending(p: PendingKey): Promise<void> {
    try {
      await retryTransient(() => this.pendingDocs.insertOne({ _id: p.code, key: p.key, at: p.at }));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The anonymous filings noted before `before`, oldest first. */
  async pendingBefore(before: Date, limit: number): Promise<PendingKey[]> {
    const docs = await this.pendingDocs.find({ at: { $lt: before } }).sort({ at: 1 }).limit(limit).toArray();
    return docs.map((d) => ({ key: d.key, code: d._id, at: d.at }));
  }

  /**
   * Once per database (a first start on one filed before these documents): the anonymous keys not yet forgotten
   * are listed, from one read of the complaints.
   */
  async ensureBuilt(complaints: mongo.Collection): Promise<void> {
    if (await this.docs.findOne({ _id: MARKER })) return;
    const old = await complaints.find({ privacy: 'anonymous', idempotencyKey: { $regex: /^[0-9a-f]{64}$/ } },
      { projection: { code: 1, idempotencyKey: 1, createdAt: 1 } }).toArray();
    for (const d of old) await this.addPending({ key: d.idempotencyKey as string, code: d.code as string, at: d.createdAt as Date });
    await this.note(MARKER, '');
  }
}
