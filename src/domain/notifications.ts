import { randomUUID } from 'node:crypto';
import type { ChannelName, ChannelSender, Reply } from '../shared/message.js';
import type { CitizenOutbox } from './handoff.js';
import type { Chat } from '../shared/statuses.js';
import type { TrackingKind } from './tracking-code.js';
import { presentReply, type DigitStyle } from '../text/numbers.js';

/**
 * The outbox: every message to a citizen outside of a conversation turn (status notifications, live staff
 * replies from the handoff console) is stored first and delivered by a dispatcher, so a restart or an
 * unreachable channel delays it but never loses it. Whichever server instance can reach the citizen sends it:
 * any instance for Telegram or WhatsApp, only the one holding the citizen's socket for the web chat. Each chat's
 * messages arrive in the order they were stored.
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

export interface ClaimRequest {
  channels: ChannelName[];
  now: Date;
  leaseMs: number;
  claim: string;
  /** Only this chat's notifications (the immediate delivery after an enqueue). */
  to?: Chat;
  skip?: (n: Notification) => boolean;
}

/** The storage port: claims are atomic so two server instances never send the same notification. */
export interface OutboxStore extends Outbox {
  /**
   * Reserves the oldest due notification on one of `channels` that `skip` does not rule out and that no older
   * pending notification to the same chat is still ahead of (waiting for a retry, or being sent elsewhere).
   */
  claimNext(request: ClaimRequest): Promise<ClaimedNotification | null>;
  markDelivered(id: string, claim: string, at: Date): Promise<void>;
  retryLater(id: string, claim: string, at: Date, error: string): Promise<void>;
  markFailed(id: string, claim: string, error: string): Promise<void>;
  list(filter?: { to?: Chat; state?: NotificationState }): Promise<Notification[]>;
}

/** A channel sender; the web one also says whether a citizen's socket is on this server instance. */
export type NotificationSender = ChannelSender & { connected?: (user: string) => boolean };

export interface DispatcherOptions {
  store: OutboxStore;
  /** Read on every pass, so channels that start later are found when they push their sender. */
  senders: NotificationSender[];
  /** How often to look for due notifications (the ones another instance stored, retries, reconnected web chats). */
  intervalMs?: number;
  /** How long a claimed notification stays reserved if its dispatcher dies mid-send. */
  leaseMs?: number;
  /** First retry delay; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts the notification is kept as 'failed' for staff to look at. */
  maxAttempts?: number;
  sendTimeoutMs?: number;
  /**
   * The municipality's digits (municipality.yaml): notifications are sent as chat replies are, numbers isolated in
   * Arabic text and in one digit style (stored as written: the database holds no bidi controls). Staff messages
   * go as the member of staff typed them.
   */
  digits?: DigitStyle;
  now?: () => Date;
  log?: (message: string) => void;
}

export interface FlushResult { delivered: number; retried: number; failed: number }

/**
 * Delivers the outbox. `enqueue`/`deliver` store a message and send it at once (a staff reply must reach the
 * citizen well under a second); a timer picks up the rest: retries, messages stored by an instance that cannot
 * reach the citizen, and web chats that reconnect.
 */
export class NotificationDispatcher implements Outbox, CitizenOutbox {
  private readonly registered = new Map<ChannelName, NotificationSender>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<FlushResult> | undefined;
  /** Immediate deliveries under way, so `stop` can wait for them. */
  private readonly immediate = new Set<Promise<unknown>>();
  private readonly o: Required<Omit<DispatcherOptions, 'senders' | 'store'>>;

  constructor(private readonly options: DispatcherOptions) {
    this.o = {
      intervalMs: options.intervalMs ?? 2_000,
      leaseMs: options.leaseMs ?? 60_000,
      baseDelayMs: options.baseDelayMs ?? 10_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      maxAttempts: options.maxAttempts ?? 20,
      sendTimeoutMs: options.sendTimeoutMs ?? 15_000,
      digits: options.digits ?? 'western',
      now: options.now ?? (() => new Date()),
      log: options.log ?? ((m) => console.warn(m)),
    };
  }

  /** Adds (or replaces) the sender of a channel, e.g. when a channel starts after the dispatcher. */
  register(sender: NotificationSender): void {
    this.registered.set(sender.channel, sender);
  }

  /** Stores a notification, then delivers it (and anything due before it in the same chat) right away. */
  async enqueue(notification: NewNotification): Promise<void> {
    await this.options.store.enqueue(notification);
    const pass = this.deliverDue(notification.to)
      .catch((err) => { this.o.log(`notifications: ${err instanceof Error ? err.message : String(err)}`); });
    this.immediate.add(pass);
    try {
      await pass;
    } finally {
      this.immediate.delete(pass);
    }
  }

  /** The handoff's port: staff replies and "the assistant is back". */
  async deliver(to: Chat, reply: Reply): Promise<void> {
    await this.enqueue({ to, reply });
  }

  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => { void this.tick(); }, this.o.intervalMs);
    this.timer.unref();
    void this.tick();
    return this;
  }

  /** Stops polling and waits for the notifications being sent, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.running?.catch(() => undefined), ...this.immediate]);
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

  /** The senders as they are now: the live list (the last one of a channel wins), then the registered ones. */
  private senders(): Map<ChannelName, NotificationSender> {
    return new Map([...this.options.senders.map((s) => [s.channel, s] as const), ...this.registered]);
  }

  private async deliverDue(to?: Chat): Promise<FlushResult> {
    const result: FlushResult = { delivered: 0, retried: 0, failed: 0 };
    const senders = this.senders();
    const channels = [...senders.keys()].filter((c) => !to || c === to.channel);
    if (!channels.length) return result;
    // A citizen whose message just failed, or whose web chat is open on another instance, waits for a later pass,
    // and so do their later messages, so they arrive in order.
    const waiting = new Set<string>();
    const skip = (n: Notification) => {
      const connected = senders.get(n.to.channel)?.connected;
      return waiting.has(`${n.to.channel}:${n.to.user}`) || (!!connected && !connected(n.to.user));
    };
    for (;;) {
      const claim = randomUUID();
      const n = await this.options.store.claimNext({ channels, now: this.o.now(), leaseMs: this.o.leaseMs, claim, to, skip });
      if (!n) return result;
      try {
        await this.send(senders, n);
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
          // A web chat that dropped is retried as soon as it is back (it is skipped until then), not after a backoff.
          const gone = senders.get(n.to.channel)?.connected?.(n.to.user) === false;
          await this.options.store.retryLater(n.id, claim, new Date(this.o.now().getTime() + (gone ? 0 : this.delay(n.attempts))), error);
          result.retried++;
        }
      }
    }
  }

  /** Exponential backoff: base, 2×base, 4×base … capped. */
  private delay(attempts: number): number {
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  }

  private async send(senders: Map<ChannelName, NotificationSender>, n: ClaimedNotification): Promise<void> {
    const sender = senders.get(n.to.channel);
    if (!sender) throw new Error(`no sender for channel ${n.to.channel}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`sending took more than ${this.o.sendTimeoutMs} ms`)), this.o.sendTimeoutMs);
    });
    try {
      const reply = n.reply.from === 'staff' ? n.reply : presentReply(n.reply, this.o.digits);
      await Promise.race([sender.send(n.to.user, { ...reply, id: n.id }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function startDispatcher(options: DispatcherOptions): NotificationDispatcher {
  return new NotificationDispatcher(options).start();
}
