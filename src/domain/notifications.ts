import { randomUUID } from 'node:crypto';
import type { ChannelName, ChannelSender, Reply } from '../conversation/types.js';
import type { Chat } from './statuses.js';
import type { TrackingKind } from './tracking-code.js';

/**
 * The outbox: a message to a citizen outside of a conversation turn is stored first and delivered later by a
 * dispatcher, so a restart or an unreachable channel delays it but never loses it.
 */

export interface NewNotification {
  to: Chat;
  reply: Reply;
  /** The record the message is about, so staff can see what a citizen was told. */
  about?: { kind: TrackingKind; code: string };
}

export type NotificationState = 'pending' | 'delivered' | 'failed';

export interface Notification extends NewNotification {
  id: string;
  state: NotificationState;
  attempts: number;
  createdAt: Date;
  /** When it may next be tried; while one dispatcher holds it, the end of that dispatcher's lease. */
  availableAt: Date;
  deliveredAt?: Date;
  lastError?: string;
}

/** A notification one dispatcher holds; `claim` proves it still holds it when it reports the outcome. */
export interface ClaimedNotification extends Notification { claim: string }

/** What the domain needs to tell a citizen something later. */
export interface Outbox {
  enqueue(notification: NewNotification): Promise<void>;
}

/** The storage port: claims are atomic so two server instances never send the same notification. */
export interface OutboxStore extends Outbox {
  /** Reserves the oldest due notification on one of `channels` that `skip` does not rule out. */
  claimNext(channels: ChannelName[], now: Date, leaseMs: number, claim: string, skip?: (n: Notification) => boolean): Promise<ClaimedNotification | null>;
  markDelivered(id: string, claim: string, at: Date): Promise<void>;
  retryLater(id: string, claim: string, at: Date, error: string): Promise<void>;
  markFailed(id: string, claim: string, error: string): Promise<void>;
  list(filter?: { to?: Chat; state?: NotificationState }): Promise<Notification[]>;
}

/** A channel sender; the web one also says whether a citizen's socket is on this server instance. */
export type NotificationSender = ChannelSender & { connected?: (user: string) => boolean };

export interface DispatcherOptions {
  store: OutboxStore;
  senders: NotificationSender[];
  /** How often to look for due notifications. */
  intervalMs?: number;
  /** How long a claimed notification stays reserved if its dispatcher dies mid-send. */
  leaseMs?: number;
  /** First retry delay; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts the notification is kept as 'failed' for staff to look at. */
  maxAttempts?: number;
  sendTimeoutMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export interface FlushResult { delivered: number; retried: number; failed: number }

export class NotificationDispatcher {
  private readonly senders: Map<ChannelName, NotificationSender>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<FlushResult> | undefined;
  private readonly o: Required<Omit<DispatcherOptions, 'senders' | 'store'>>;

  constructor(private readonly options: DispatcherOptions) {
    this.senders = new Map(options.senders.map((s) => [s.channel, s]));
    this.o = {
      intervalMs: options.intervalMs ?? 2_000,
      leaseMs: options.leaseMs ?? 60_000,
      baseDelayMs: options.baseDelayMs ?? 10_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      maxAttempts: options.maxAttempts ?? 20,
      sendTimeoutMs: options.sendTimeoutMs ?? 15_000,
      now: options.now ?? (() => new Date()),
      log: options.log ?? ((m) => console.warn(m)),
    };
  }

  /** Adds (or replaces) the sender of a channel, e.g. when a channel starts after the dispatcher. */
  register(sender: NotificationSender): void {
    this.senders.set(sender.channel, sender);
  }

  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => { void this.tick(); }, this.o.intervalMs);
    this.timer.unref();
    void this.tick();
    return this;
  }

  /** Stops polling and waits for the notification being sent, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Delivers every notification that is due now, one claim at a time. */
  async flushOnce(): Promise<FlushResult> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.deliverDue();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    await this.flushOnce().catch((err) => this.o.log(`notifications: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async deliverDue(): Promise<FlushResult> {
    const result: FlushResult = { delivered: 0, retried: 0, failed: 0 };
    const channels = [...this.senders.keys()];
    if (!channels.length) return result;
    // A citizen whose message just failed, or whose web chat is open on another instance, waits for a later pass,
    // and so do their later messages, so they arrive in order.
    const waiting = new Set<string>();
    const skip = (n: Notification) => {
      const connected = this.senders.get(n.to.channel)?.connected;
      return waiting.has(`${n.to.channel}:${n.to.user}`) || (!!connected && !connected(n.to.user));
    };
    for (;;) {
      const claim = randomUUID();
      const n = await this.options.store.claimNext(channels, this.o.now(), this.o.leaseMs, claim, skip);
      if (!n) return result;
      try {
        await this.send(n);
        await this.options.store.markDelivered(n.id, claim, this.o.now());
        result.delivered++;
      } catch (err) {
        waiting.add(`${n.to.channel}:${n.to.user}`);
        const error = err instanceof Error ? err.message : String(err);
        if (n.attempts >= this.o.maxAttempts) {
          await this.options.store.markFailed(n.id, claim, error);
          this.o.log(`notifications: gave up on ${n.id} to ${n.to.channel} after ${n.attempts} attempts: ${error}`);
          result.failed++;
        } else {
          await this.options.store.retryLater(n.id, claim, new Date(this.o.now().getTime() + this.delay(n.attempts)), error);
          result.retried++;
        }
      }
    }
  }

  /** Exponential backoff: base, 2×base, 4×base … capped. */
  private delay(attempts: number): number {
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  }

  private async send(n: ClaimedNotification): Promise<void> {
    const sender = this.senders.get(n.to.channel);
    if (!sender) throw new Error(`no sender for channel ${n.to.channel}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`sending took more than ${this.o.sendTimeoutMs} ms`)), this.o.sendTimeoutMs);
    });
    try {
      await Promise.race([sender.send(n.to.user, n.reply), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function startDispatcher(options: DispatcherOptions): NotificationDispatcher {
  return new NotificationDispatcher(options).start();
}
