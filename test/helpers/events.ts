import type { StaffClient } from './server.js';

/** A console's live feed (server-sent events) as the console page reads it: everything it received, kept. */
export async function watchEvents(client: StaffClient, base: string) {
  const res = await fetch(`${base}/console/api/events`, { headers: { cookie: client.cookie } });
  if (res.status !== 200) throw new Error(`live feed answered ${res.status}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const read = async (ms: number) => {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), ms))]);
    if (chunk?.done) ended = true;
    else if (chunk) text += decoder.decode(chunk.value, { stream: true });
  };
  return {
    get text() { return text; },
    get ended() { return ended; },
    /** Reads until `wanted` has arrived. */
    async waitFor(wanted: string, ms = 5000) {
      const end = Date.now() + ms;
      while (!text.includes(wanted)) {
        if (ended || Date.now() > end) throw new Error(`no event with ${wanted}; got: ${text.slice(-500)}`);
        await read(200);
      }
    },
    /** Reads whatever arrives until `check` holds or the time is up (then returns false). */
    async readUntil(check: () => boolean, ms: number): Promise<boolean> {
      const end = Date.now() + ms;
      while (!check()) {
        if (ended || Date.now() > end) return check();
        await read(100);
      }
      return true;
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}
