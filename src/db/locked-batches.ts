import { GroupCommit } from './group-commit.js';
import type { RecordLocks } from './record-lock.js';

/**
 * Changes that many requests make at once to one shared record (a department's queue, a month's filing days),
 * applied together: while one batch holds the record's lock, the changes asked for meanwhile gather and then go
 * under a single lock. Why: one lock, read and write per change made every complaint of a month wait in one line
 * (the bench's saturated run timed out replies behind it). Every caller still waits until its change is stored.
 * `apply` must be idempotent: a failed batch is applied again one change at a time.
 */
export class LockedBatches<T> {
  private readonly byKey = new Map<string, GroupCommit<T>>();

  constructor(
    private readonly locks: RecordLocks,
    private readonly apply: (key: string, changes: T[]) => Promise<void>,
    private readonly waitMs = 30_000,
  ) {}

  add(key: string, change: T): Promise<void> {
    let batches = this.byKey.get(key);
    if (!batches) {
      const run = (changes: T[]) => this.locks.withLock(key, () => this.apply(key, changes), this.waitMs);
      batches = new GroupCommit(run, (one) => run([one]));
      this.byKey.set(key, batches);
    }
    return batches.write(change);
  }
}
