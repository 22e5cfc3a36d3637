import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Handoff, HandoffStatus } from '../domain/handoff.js';
import type { Role } from '../domain/staff.js';
import type { TranscriptEntry } from '../domain/transcript.js';
import { transcriptFor } from '../domain/confidentiality.js';
import type { Content } from '../content/load.js';
import type { Lang } from '../shared/lang.js';
import { readableLine, withoutDebug } from './console-lines.js';

/**
 * Server-sent events for the console, fed by polling the database rather than by in-process events, so a change
 * made through any server instance (a citizen's message, another agent's take) reaches consoles on every
 * instance. One poller per instance serves all of its consoles; it only queries while someone is watching.
 * Each tick re-reads a short look-back window and drops what it already sent, which absorbs clock skew between
 * instances and writes that become visible a little late.
 */

export interface EventSources {
  handoffs: {
    changedSince(since: Date, limit: number): Promise<Handoff[]>;
    list(filter: { statuses: HandoffStatus[] }, limit: number): Promise<Handoff[]>;
  };
  lines: { linesSince(conversations: string[], since: Date, limit?: number): Promise<TranscriptEntry[]> };
  /**
   * Whether a stream's viewer may still watch: their session is alive (not signed out or expired) and their account
   * is enabled with at least the role it had when the stream opened. Asked before anything is sent and every
   * `checkMs`, so a revoked stream is closed within seconds and is sent nothing read after the revocation.
   */
  mayWatch?: (viewer: Viewer) => Promise<boolean>;
}

/** Who holds a stream open. */
export interface Viewer { sessionId: string; username: string; role: Role }

export interface EventOptions {
  intervalMs?: number; lookbackMs?: number; checkMs?: number; now?: () => Date; log?: (line: string) => void;
  /** Records that a viewer of the citizen office was streamed confidential lines. */
  audit?: (entry: { who: string; what: string; target?: string; detail?: string }) => Promise<void>;
  /** Button labels, so lines show what the citizen tapped (console-lines.ts). */
  labels?: Pick<Content, 'replies' | 'services' | 'categories'>;
}

/**
 * The conversation key as staff see it. A web chat user id is the citizen's only credential for their chat, so the
 * console gets a stable stand-in for it; Telegram and WhatsApp chat ids are contact details staff may see.
 */
export function shownConversation(key: string): string {
  return key.startsWith('web:') ? `web:${createHash('sha256').update(key).digest('hex').slice(0, 16)}` : key;
}

export function shownLine(line: TranscriptEntry): TranscriptEntry {
  return { ...line, conversation: shownConversation(line.conversation) };
}

export function handoffSummary(h: Handoff) {
  return {
    id: h.id, conversation: shownConversation(h.conversation), channel: h.channel, reason: h.reason, lang: h.lang, status: h.status,
    heldBy: h.heldBy, department: h.department, queuedAt: h.queuedAt, takenAt: h.takenAt, closedAt: h.closedAt,
    outcome: h.outcome, outOfHours: h.outOfHours, assistantGuess: h.assistantGuess, updatedAt: h.updatedAt,
  };
}

// A line is stamped when its message came and stored when the turn ends: on a busy server that can be many seconds
// later, and a shorter window missed such lines for good (seen in the two-instance test). Lines are sent once by id.
const LOOKBACK_MS = 60_000;

export class ConsoleEvents {
  private readonly clients = new Map<Response, Viewer>();
  private readonly sentHandoffs = new Map<string, number>();
  private readonly sentLines = new Map<string, number>();
  /** Conversations whose lines are followed: open handoffs, and closed ones for a short while. */
  private readonly watched = new Map<string, number>();
  /** The language of each watched conversation (a button's label is said in it). */
  private readonly langs = new Map<string, Lang>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastRefresh = 0;
  private lastCheck = 0;
  private readonly o: Required<Omit<EventOptions, 'now' | 'log' | 'audit' | 'labels'>> & Pick<Required<EventOptions>, 'now' | 'log'> & Pick<EventOptions, 'audit' | 'labels'>;

  constructor(private readonly sources: EventSources, options: EventOptions = {}) {
    this.o = { intervalMs: options.intervalMs ?? 300, lookbackMs: options.lookbackMs ?? LOOKBACK_MS, checkMs: options.checkMs ?? 2_000, now: options.now ?? (() => new Date()), log: options.log ?? console.warn, audit: options.audit, labels: options.labels };
  }

  /** Mounted after requireStaff: the stream belongs to the signed-in staff member and their session. */
  readonly handler: RequestHandler = (req, res) => {
    if (!req.staff || !req.sessionID) { res.status(401).json({ error: 'sign-in-required' }); return; }
    const viewer: Viewer = { sessionId: req.sessionID, username: req.staff.username, role: req.staff.role };
    res.set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 1000\n: connected\n\n');
    this.clients.set(res, viewer);
    req.on('close', () => this.clients.delete(res));
  };

  /** Closes at once the streams of a session that has just ended on this instance (sign-out). */
  endSession(sessionId: string): void {
    for (const [c, v] of this.clients) if (v.sessionId === sessionId) this.close(c);
  }

  private close(c: Response): void {
    this.clients.delete(c);
    c.end();
  }

  /** Closes every stream whose viewer may no longer watch (one check per session). */
  private async checkViewers(): Promise<void> {
    const mayWatch = this.sources.mayWatch;
    this.lastCheck = this.o.now().getTime();
    if (!mayWatch) return;
    const verdicts = new Map<string, Promise<boolean>>();
    const verdict = (v: Viewer) => {
      const key = `${v.sessionId}|${v.username}|${v.role}`;
      if (!verdicts.has(key)) verdicts.set(key, mayWatch(v).catch(() => false));
      return verdicts.get(key)!;
    };
    await Promise.all([...this.clients].map(async ([c, v]) => { if (!(await verdict(v))) this.close(c); }));
  }

  get watching(): number {
    return this.clients.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.tick(); }, this.o.intervalMs);
    this.heartbeat = setInterval(() => { for (const c of this.clients.keys()) c.write(': ping\n\n'); }, 15_000);
    this.timer.unref();
    this.heartbeat.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    for (const c of this.clients.keys()) c.end();
    this.clients.clear();
  }

  /** Sends to every stream; transcript lines as each viewer may read them (domain/confidentiality.ts decides). */
  private send(events: Array<[string, unknown] | ['line', TranscriptEntry]>): void {
    for (const [c, viewer] of this.clients) {
      let payload = '';
      for (const [event, data] of events) {
        if (event !== 'line') {
          const shown = event === 'handoff' ? withoutDebug(viewer.role, data as { assistantGuess?: unknown }) : data;
          payload += `event: ${event}\ndata: ${JSON.stringify(shown)}\n\n`;
          continue;
        }
        const view = transcriptFor(viewer, [data as TranscriptEntry]);
        if (view.revealed) void this.o.audit?.({ who: viewer.username, what: 'view-confidential-transcript', target: shownConversation((data as TranscriptEntry).conversation), detail: 'live feed' }).catch(() => undefined);
        for (const line of view.lines) payload += `event: line\ndata: ${JSON.stringify(this.readable(line))}\n\n`;
      }
      if (payload) c.write(payload);
    }
  }

  private readable(line: TranscriptEntry): TranscriptEntry {
    const shown = shownLine(line);
    return this.o.labels ? readableLine(this.o.labels, shown, this.langs.get(line.conversation) ?? 'ar') : shown;
  }

  async tick(): Promise<void> {
    if (this.ticking || !this.clients.size) return;
    this.ticking = true;
    try {
      const now = this.o.now().getTime();
      const out: Array<[string, unknown] | ['line', TranscriptEntry]> = [];
      const since = new Date(now - this.o.lookbackMs);
      if (now - this.lastRefresh > 5_000) {
        this.lastRefresh = now;
        for (const h of await this.sources.handoffs.list({ statuses: ['queued', 'held'] }, 1000)) { this.watched.set(h.conversation, Infinity); this.langs.set(h.conversation, h.lang); }
      }
      for (const h of await this.sources.handoffs.changedSince(since, 500)) {
        this.watched.set(h.conversation, h.status === 'closed' ? now + 60_000 : Infinity);
        this.langs.set(h.conversation, h.lang);
        const version = h.updatedAt.getTime();
        if (this.sentHandoffs.get(h.id) === version) continue;
        this.sentHandoffs.set(h.id, version);
        out.push(['handoff', handoffSummary(h)]);
      }
      const lines = await this.sources.lines.linesSince([...this.watched.keys()], since);
      for (const line of lines) {
        if (!line.id || this.sentLines.has(line.id)) continue;
        this.sentLines.set(line.id, new Date(line.at).getTime());
        out.push(['line', line]);
      }
      // Checked after reading: whatever was written after a revocation reaches no revoked stream.
      if (out.length || now - this.lastCheck >= this.o.checkMs) await this.checkViewers();
      if (out.length) this.send(out);
      this.forget(now - this.o.lookbackMs * 2);
      for (const [conversation, until] of this.watched) if (until < now) { this.watched.delete(conversation); this.langs.delete(conversation); }
    } catch (err) {
      this.o.log(`console events: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  private forget(before: number): void {
    for (const [id, at] of this.sentLines) if (at < before) this.sentLines.delete(id);
    // A handoff version older than the window can no longer be returned, so it need not be remembered.
    for (const [id, at] of this.sentHandoffs) if (at < before) this.sentHandoffs.delete(id);
  }
}
