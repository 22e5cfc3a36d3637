import type { WebSocket } from 'ws';

/**
 * The open sockets of each web chat user. Every tab is known, each socket is dropped only when it closes itself,
 * and a message that expects an acknowledgement fails (and is retried by the outbox) when no tab confirms it: a
 * socket that went silent cannot swallow it. A socket belongs to a chat only once it proved it holds that chat's
 * key (`bind`); until then it receives nothing of any chat.
 */
export function sockets() {
  const byUser = new Map<string, Set<WebSocket>>();
  const userOf = new Map<WebSocket, string>();
  const origins = new Map<WebSocket, string>();
  const waiting = new Map<string, () => void>();

  function open(user: string): WebSocket[] {
    return [...(byUser.get(user) ?? [])].filter((ws) => ws.readyState === 1);
  }

  return {
    add(ws: WebSocket, origin: string): void {
      origins.set(ws, origin);
      ws.on('close', () => {
        const user = userOf.get(ws);
        userOf.delete(ws);
        origins.delete(ws);
        if (!user) return;
        const set = byUser.get(user);
        set?.delete(ws);
        if (!set?.size) byUser.delete(user);
      });
    },
    /** The socket speaks for `user` from now on (its key was checked); once bound it is never rebound. */
    bind(ws: WebSocket, user: string): void {
      if (userOf.has(ws) || ws.readyState > 1) return;
      userOf.set(ws, user);
      byUser.set(user, (byUser.get(user) ?? new Set()).add(ws));
    },
    userOf: (ws: WebSocket) => userOf.get(ws),
    originOf: (ws: WebSocket) => origins.get(ws),
    connected: (user: string) => open(user).length > 0,
    acknowledged(user: string, id: string): void {
      waiting.get(`${user}\u0000${id}`)?.();
    },
    /**
     * Sends to every open tab; with an id, resolves once one tab acknowledged it. Tabs that stay silent are given up
     * (closed), and a tab that opened meanwhile gets the message too, once.
     */
    async send(user: string, data: string, id: string | undefined, ackTimeoutMs: number): Promise<void> {
      const tried = new Set<WebSocket>();
      for (let round = 0; round < 2; round++) {
        const targets = open(user).filter((ws) => !tried.has(ws));
        if (!targets.length) break;
        for (const ws of targets) tried.add(ws);
        const key = `${user}\u0000${id}`;
        const acked = id ? new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => { waiting.delete(key); resolve(false); }, ackTimeoutMs);
          waiting.set(key, () => { clearTimeout(timer); waiting.delete(key); resolve(true); });
        }) : Promise.resolve(true);
        for (const ws of targets) ws.send(data);
        if (await acked) return;
        // Nobody answered: those sockets are dead. Closing them lets the page reconnect and get the message again.
        for (const ws of targets) ws.terminate();
      }
      throw new Error(tried.size ? `web chat user ${user} did not acknowledge message ${id}` : `web chat user ${user} is not connected here`);
    },
  };
}
