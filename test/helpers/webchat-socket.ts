import WebSocket from 'ws';

// The web chat page's protocol over a real websocket, for tests that play a browser without one: the server opens
// the chat (POST /chat/session), the socket's first message carries the chat's id and key, every message with an
// id is acknowledged.

export interface WebChatSession { user: string; key: string }

/** A chat the server opened, as the page gets it. */
export async function openChat(baseUrl: string): Promise<WebChatSession> {
  const res = await fetch(`${baseUrl}/chat/session`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /chat/session answered ${res.status}`);
  return (await res.json()) as WebChatSession;
}

export interface Received { type: string; text: string; id?: string; from?: string; quick_replies?: Array<{ title: string; payload: string }> }

/**
 * A socket that opens with `opening` (hello, welcome_back, or a first message) naming `user` with `key` (none when
 * undefined). `answers: false` plays a phone that lost the network: nothing is read or acknowledged.
 */
export async function chatSocket(baseUrl: string, o: { user: string; key?: string; opening?: Record<string, unknown>; answers?: boolean }) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/chat/ws`);
  const received: Received[] = [];
  let answering = o.answers ?? true;
  let closedWith: number | undefined;
  ws.on('close', (code) => { closedWith = code; });
  ws.on('message', (d) => {
    if (!answering) return;
    const m = JSON.parse(String(d)) as Received;
    if (m.id) ws.send(JSON.stringify({ type: 'ack', ack: m.id, user: o.user, channel: 'websocket' }));
    received.push(m);
  });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send(JSON.stringify({ type: 'welcome_back', lang: 'ar', ...o.opening, user: o.user, channel: 'websocket', ...(o.key === undefined ? {} : { key: o.key }) }));
  let n = 0;
  return {
    ws, received,
    /** Sends a message naming `as` (the socket's own chat unless told otherwise). */
    say(text: string, as = o.user, more: Record<string, unknown> = {}) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'message', user: as, channel: 'websocket', text, id: `${as}-${++n}-${Math.random()}`, ...more }));
    },
    /** The phone loses the network without closing anything: messages go nowhere, nothing is confirmed. */
    goSilent() { answering = false; ws.pause(); },
    has: (text: string) => received.some((m) => m.text.includes(text)),
    closedWith: () => closedWith,
  };
}
