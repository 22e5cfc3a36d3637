import { randomBytes } from 'node:crypto';

// What the hostile tests use to talk to the real server the way an outsider would: plain HTTP and event streams.

/** A web chat citizen in webhook mode (POST /api/messages, as scripted clients use it); returns the reply texts. */
export function webCitizen(base: string, user = `web-${randomBytes(10).toString('hex')}`) {
  let n = 0;
  return {
    user,
    async say(text: string, more: Record<string, unknown> = {}): Promise<string> {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', user, text, id: `${user}-${++n}`, ...more }),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${body}`);
      // Replies sent outside the turn (staff, the queue) go through the outbox, so a turn may answer nothing here.
      const replies = body ? JSON.parse(body) as Array<{ text: string }> | null : [];
      return (replies ?? []).map((r) => r.text).join('\n');
    },
  };
}

export interface EventStream {
  status: number;
  /** Every event received so far (comments and heartbeats are not events). */
  events: Array<{ event: string; data: string; at: number }>;
  /** Settles when the server ends the stream. */
  ended: Promise<number>;
  isEnded(): boolean;
  cancel(): Promise<void>;
}

/** Opens the console's live feed with a staff member's cookie and keeps reading it in the background. */
export async function openEventStream(base: string, cookie: string): Promise<EventStream> {
  const res = await fetch(`${base}/console/api/events`, { headers: { cookie } });
  const events: EventStream['events'] = [];
  if (res.status !== 200 || !res.body) {
    return { status: res.status, events, ended: Promise.resolve(Date.now()), isEnded: () => true, cancel: async () => undefined };
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const ended = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data, at: Date.now() });
        }
      }
    } catch { /* cancelled by the test */ }
    done = true;
    return Date.now();
  })();
  return { status: res.status, events, ended, isEnded: () => done, cancel: () => reader.cancel().catch(() => undefined) };
}
