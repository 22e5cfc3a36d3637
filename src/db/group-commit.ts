// A batch in flight longer than this no longer holds the next one back (a stuck connection must not stall every chat).
const STALLED_MS = 2000;
const MAX_IN_FLIGHT = 4;

/**
 * Group commit: writes asked for while one is in flight go together in the next one, so under load many chats
 * share a database command (and, on FerretDB's SQLite, one transaction and one disk sync), while a lone write goes
 * at once. Every caller still waits until its own item is stored: nothing is acknowledged before it is durable.
 */
export class GroupCommit<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private inFlight = 0;
  private lastStart = 0;

  /**
   * `writeMany` stores a batch; when it fails, each item is retried alone with `writeOne`, so one bad item fails only
   * its own caller. Both must therefore be idempotent (an item may already be stored by the failed batch).
   */
  constructor(
    private readonly writeMany: (items: T[]) => Promise<void>,
    private readonly writeOne: (item: T) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  write(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.inFlight === 0 || (this.inFlight < MAX_IN_FLIGHT && Date.now() - this.lastStart > STALLED_MS)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.lastStart = Date.now();
      try {
        if (batch.length === 1) await this.writeOne(batch[0].item);
        else await this.writeMany(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        if (batch.length === 1) { batch[0].reject(err); continue; }
        await Promise.all(batch.map(async (b) => {
          try { await this.writeOne(b.item); b.resolve(); } catch (e) { b.reject(e); }
        }));
      }
    }
    this.inFlight--;
  }
}
