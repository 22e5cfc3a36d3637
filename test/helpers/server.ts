import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ChannelOverview } from '../../src/shared/channel-overview.js';
import { composeNafidha, type Nafidha } from '../../src/app/compose.js';
import type { ChannelFactory } from '../../src/app/channels.js';
import type { Understander } from '../../src/understanding/understand.js';
import { attachConsole, type Console } from '../../src/app/console.js';
import type { ChannelName, ChannelSender, Reply } from '../../src/shared/message.js';
import { newAccount, generatePassword, type Role } from '../../src/domain/staff.js';
import { shippedContent } from './assistant.js';
import type { Content } from '../../src/content/load.js';
import { connectDatabase } from '../../src/db/connection.js';
import { testDatabase } from './db.js';

async function joinDatabase(uri: string) {
  const db = await connectDatabase(uri);
  return { ...db, uri };
}

const root = path.resolve(import.meta.dirname, '../..');

/** Sunday 10:00 in Tripoli: inside staff hours, so tests do not depend on when they run. */
export const IN_HOURS = new Date('2025-03-02T08:00:00Z');

export interface TestServer {
  url: string;
  db: Awaited<ReturnType<typeof testDatabase>>;
  nafidha: Nafidha;
  console: Console;
  /** Creates a staff account (of a department, when given) and returns its password. */
  addStaff(username: string, role: Role, department?: string): Promise<string>;
  close(): Promise<void>;
}

/** The app exactly as main.ts builds it (composeNafidha + attachConsole), on a test database, on 127.0.0.1:<free port>. */
export async function startTestServer(o: { staffClock?: () => Date; signInLimit?: number; dbName?: string; senders?: ChannelSender[]; join?: TestServer; channels?: { overview(): ChannelOverview }; channelRows?: ChannelFactory[]; open311Keys?: string[]; log?: (line: string) => void; escalateMs?: number; port?: number; embedOrigins?: string[]; understander?: Understander; /** Content other than the shipped files' (a municipality without French). */ content?: Content; digestAt?: string; /** The console's clock (deadlines, alerts, digests). */ now?: () => Date } = {}): Promise<TestServer> {
  // `join`: a second server instance on the first one's database (closing it leaves the database to the first).
  const db = o.join ? await joinDatabase(o.join.db.uri) : await testDatabase(o.dbName ?? 'console');
  const content = o.content ?? shippedContent().content;
  const understander = o.understander ?? shippedContent().understander;
  const knowledgeDir = path.join(root, 'knowledge');
  const log = o.log ?? (() => undefined);
  const nafidha = composeNafidha({ config: { knowledgeDir, open311Keys: o.open311Keys ?? [], webchatEmbedOrigins: o.embedOrigins }, content, db, understander, log, dispatchIntervalMs: 50, senders: o.senders, channels: o.channelRows });
  const staffConsole = attachConsole(nafidha, {
    db, content, config: { knowledgeDir, sessionSecret: 'test-session-secret', publicUrl: undefined }, log,
    staffClock: o.staffClock ?? (() => IN_HOURS), pollMs: 100, signInLimit: o.signInLimit, channels: o.channels, escalateMs: o.escalateMs, digestAt: o.digestAt, now: o.now,
  });
  const server = http.createServer(nafidha.app([staffConsole.mount]));
  nafidha.webchat.attach(server, '/chat/ws');
  // `port`: a server started again where an earlier one listened (a restart, as the console sees it).
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  nafidha.start();
  await staffConsole.start();
  await nafidha.channels.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db, nafidha, console: staffConsole,
    async addStaff(username, role, department) {
      const password = generatePassword();
      await staffConsole.staff.create(await newAccount(username, role, password, false, department));
      return password;
    },
    async close() {
      await staffConsole.stop();
      await nafidha.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** A staff member's HTTP session: keeps the cookie and sends the CSRF token, as the console page does. */
export class StaffClient {
  cookie = '';
  csrf = '';

  constructor(readonly base: string) {}

  async signIn(username: string, password: string): Promise<Response> {
    const res = await this.call('POST', '/console/api/session', { username, password });
    if (res.ok) this.csrf = ((await res.clone().json()) as { csrf: string }).csrf;
    return res;
  }

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}), ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }

  async json<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.call(method, url, body);
    return { status: res.status, body: (await res.json()) as T };
  }
}

/** A channel that keeps what it was asked to send. */
export class RecordingSender implements ChannelSender {
  readonly sent: { user: string; reply: Reply }[] = [];
  constructor(readonly channel: ChannelName) {}
  async send(user: string, reply: Reply): Promise<void> { this.sent.push({ user, reply }); }
}

/** Polls until `check` returns something truthy. */
export async function until<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
