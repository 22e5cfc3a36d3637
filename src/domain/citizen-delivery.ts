import type { ChannelName, ChannelSender, Reply } from '../conversation/types.js';
import type { CitizenOutbox } from './handoff.js';
import type { Chat } from './statuses.js';

/**
 * Live messages to a citizen from staff (replies, "the assistant is back"). Each is stored first, then sent by
 * whichever server instance can reach the citizen: any instance for Telegram or WhatsApp, only the instance
 * holding the citizen's web chat socket for the web. A citizen who is offline gets them on reconnecting.
 */

export interface PendingDelivery { id: string; to: Chat; reply: Reply; attempts: number; createdAt: Date }

export interface DeliveryStore {
  add(to: Chat, reply: Reply, now: Date): Promise<void>;
  /** Pending deliveries whose time has come (including ones whose sender died mid-send), oldest first. */
  due(now: Date, limit: number): Promise<PendingDelivery[]>;
  /** Reserves one delivery for `leaseMs`; null when another instance got it first. */
  claim(id: string, now: Date, leaseMs: number): Promise<PendingDelivery | null>;
  delivered(id: string, at: Date): Promise<void>;
  retryLater(id: string, at: Date, error: string): Promise<void>;
}

/** A channel sender; the web one also says whether a citizen's socket is on this instance. */
export type CitizenSender = ChannelSender & { connected?: (user: string) => boolean };

export interface CitizenDeliveryOptions {
  store: DeliveryStore;
  /** Read on every pass, so channels that start later are found when they push their sender. */
  senders: CitizenSender[];
  intervalMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

export class CitizenDelivery implements CitizenOutbox {
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: CitizenDeliveryOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private sender(channel: ChannelName): CitizenSender | undefined {
    return this.options.senders.find((s) => s.channel === channel);
  }

  async deliver(to: Chat, reply: Reply): Promise<void> {
    await this.options.store.add(to, reply, this.now());
    await this.flush();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.flush(); }, this.options.intervalMs ?? 300);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass at a time; a request during a pass makes another pass follow it. */
  async flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((err) => (this.options.log ?? console.warn)(`deliveries: ${err instanceof Error ? err.message : String(err)}`));
      } while (this.again);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async pass(): Promise<void> {
    const { store } = this.options;
    const waiting = new Set<string>();
    for (const d of await store.due(this.now(), 100)) {
      const chat = `${d.to.channel}:${d.to.user}`;
      // Keep each citizen's messages in order: once one waits, the later ones wait too.
      if (waiting.has(chat)) continue;
      const sender = this.sender(d.to.channel);
      if (!sender || (sender.connected && !sender.connected(d.to.user))) { waiting.add(chat); continue; }
      const claimed = await store.claim(d.id, this.now(), 30_000);
      if (!claimed) { waiting.add(chat); continue; }
      try {
        await sender.send(d.to.user, d.reply);
        await store.delivered(d.id, this.now());
      } catch (err) {
        waiting.add(chat);
        const delay = Math.min(60_000, 1_000 * 2 ** Math.min(claimed.attempts, 6));
        await store.retryLater(d.id, new Date(this.now().getTime() + delay), err instanceof Error ? err.message : String(err));
      }
    }
  }
}
