import { TelegramError } from 'telegraf';
import { KeyedLock } from '../../conversation/keyed-lock.js';
import type { Log } from '../port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Errors that prove the request never reached Telegram, so a retry cannot send a message twice.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Seconds to wait before trying the same call again, or undefined when a retry could duplicate or cannot help. */
export function retryDelay(err: unknown, attempt: number): number | undefined {
  if (err instanceof TelegramError && err.code === 429) return err.parameters?.retry_after ?? 1;
  const code = (err as { code?: unknown; errno?: unknown })?.code ?? (err as { errno?: unknown })?.errno;
  if (typeof code === 'string' && NOT_SENT.has(code) && attempt <= 5) return 2 ** attempt;
  return undefined;
}

/**
 * Outgoing calls, one queue per chat so a chat's messages keep their order; a 429 holds that chat's queue for
 * `retry_after` seconds and then sends the same message again: nothing is dropped, nothing is sent twice.
 */
export class Outbox {
  private readonly queues = new KeyedLock();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly log: Log, private readonly maxAttempts = 30) {}

  enqueue<T>(chat: string, call: () => Promise<T>): Promise<T> {
    const job = this.queues.run(chat, () => this.attempt(chat, call));
    const tracked = job.catch(() => undefined);
    this.pending.add(tracked);
    void tracked.then(() => this.pending.delete(tracked));
    return job;
  }

  /** Resolves once every queued call has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async attempt<T>(chat: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const wait = retryDelay(err, attempt);
        if (wait === undefined || attempt >= this.maxAttempts) throw err;
        if (attempt === 1) this.log(`Telegram: chat ${chat} is rate limited or unreachable; retrying in ${wait}s`);
        await sleep(wait * 1000);
      }
    }
  }
}
