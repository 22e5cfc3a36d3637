import { ChatKey } from '../../src/shared/chat.js';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppCloudRouter, DEFAULT_API_VERSION, LIMITS, type CloudDelivery, type WhatsAppCloudChannel } from '../../src/channels/whatsapp-cloud/index.js';
import type { Nafidha } from '../../src/app/compose.js';
import type { ChannelSender, InboundMessage, Reply } from '../../src/shared/message.js';
import { loadConfig } from '../../src/config.js';
import { MongoChannelWindows, MongoCloudIdentities } from '../../src/db/channel-windows.js';
import { MongoMediaStore } from '../../src/db/media.js';
import type { Database } from '../../src/db/connection.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';
import { comparable, delivery, messageChange, sdkReads, sdkRequestFor } from '../helpers/whatsapp-sdk.js';
import { shippedContent } from '../helpers/assistant.js';
import { withoutIsolates } from '../../src/text/numbers.js';

const asRead = (text: string) => withoutIsolates(text).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

const APP_SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-me';
const TOKEN = 'EAAG-test-token';
const PHONE_ID = '109876543210';

interface Posted { to: string; type: string; [k: string]: unknown }

/**
 * Meta's Graph API as far as Nafidha uses it: send messages, look up media, download media; all need the token and
 * the configured API version. Every message sent must be what whatsapp-api-js sends for the same content.
 */
async function startFakeGraph(version = DEFAULT_API_VERSION) {
  const app = express();
  app.use(express.json());
  const sent: Posted[] = [];
  const versions: string[] = [];
  const mismatches: string[] = [];
  const media = new Map<string, { bytes: Buffer; mime: string }>();
  const faults: Array<{ status: number; code: number; message: string }> = [];
  let base = '';
  const authorised = (req: express.Request, res: express.Response) => {
    if (req.get('authorization') === `Bearer ${TOKEN}`) return true;
    res.status(401).json({ error: { message: 'Invalid OAuth access token', code: 190 } });
    return false;
  };
  app.post('/:version/:phone/messages', async (req, res) => {
    if (!authorised(req, res)) return;
    versions.push(req.params.version);
    if (req.params.version !== version) { res.status(400).json({ error: { message: `Unsupported version ${req.params.version}`, code: 2635 } }); return; }
    if (req.params.phone !== PHONE_ID) { res.status(400).json({ error: { message: 'Unknown phone number id', code: 100 } }); return; }
    const fault = faults.shift();
    if (fault) { res.status(fault.status).json({ error: { message: fault.message, code: fault.code } }); return; }
    expect(req.body).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual' });
    const sdk = await sdkRequestFor(req.body as Posted, PHONE_ID).catch((err: Error) => ({ error: err.message }));
    if (comparable(req.body as Posted) !== comparable(sdk)) mismatches.push(`${JSON.stringify(req.body)} ≠ SDK ${JSON.stringify(sdk)}`);
    sent.push(req.body as Posted);
    const input = req.body.to ?? req.body.recipient;
    res.json({ messaging_product: 'whatsapp', contacts: [{ input, ...(req.body.to ? { wa_id: req.body.to } : { user_id: req.body.recipient }) }], messages: [{ id: `wamid.OUT${sent.length}` }] });
  });
  app.get('/media-download/:id', (req, res) => {
    if (!authorised(req, res)) return;
    const m = media.get(req.params.id);
    if (!m) { res.sendStatus(404); return; }
    res.type(m.mime).send(m.bytes);
  });
  app.get(`/${version}/:mediaId`, (req, res) => {
    if (!authorised(req, res)) return;
    const m = media.get(req.params.mediaId);
    if (!m) { res.status(404).json({ error: { message: 'Unsupported get request', code: 100 } }); return; }
    res.json({ messaging_product: 'whatsapp', url: `${base}/media-download/${req.params.mediaId}`, mime_type: m.mime, file_size: m.bytes.length, id: req.params.mediaId });
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { root: base, sent, versions, mismatches, media, faults, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Checks a message we sent against the Cloud API's documented limits. */
function expectWithinLimits(m: Posted): void {
  const len = (s: string) => [...s].length;
  if (m.type === 'text') {
    const t = m.text as { body: string };
    expect(len(t.body)).toBeLessThanOrEqual(LIMITS.text);
    expect(t.body.trim()).not.toBe('');
    return;
  }
  if (m.type !== 'interactive') return;
  const i = m.interactive as { type: string; body: { text: string }; action: Record<string, unknown> };
  expect(len(i.body.text)).toBeLessThanOrEqual(LIMITS.body);
  expect(i.body.text.trim()).not.toBe('');
  if (i.type === 'button') {
    const buttons = i.action.buttons as Array<{ type: string; reply: { id: string; title: string } }>;
    expect(buttons.length).toBeLessThanOrEqual(3);
    for (const b of buttons) {
      expect(len(b.reply.title)).toBeLessThanOrEqual(LIMITS.buttonTitle);
      expect(len(b.reply.id)).toBeLessThanOrEqual(LIMITS.buttonId);
    }
    expect(new Set(buttons.map((b) => b.reply.title)).size).toBe(buttons.length);
  } else {
    expect(len(i.action.button as string)).toBeLessThanOrEqual(LIMITS.listButton);
    const rows = (i.action.sections as Array<{ rows: Array<{ id: string; title: string; description?: string }> }>).flatMap((s) => s.rows);
    expect(rows.length).toBeLessThanOrEqual(LIMITS.rows);
    for (const r of rows) {
      expect(len(r.title)).toBeLessThanOrEqual(LIMITS.rowTitle);
      expect(len(r.id)).toBeLessThanOrEqual(LIMITS.rowId);
      if (r.description) expect(len(r.description)).toBeLessThanOrEqual(LIMITS.rowDescription);
    }
  }
}

let server: TestServer;
let db: Database;
let nafidha: Nafidha;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let web: http.Server;
let url = '';
let current: WhatsAppCloudChannel;
let handler: (m: InboundMessage) => Promise<Reply[]>;
const handled: InboundMessage[] = [];
const logs: string[] = [];
const templates: CloudDelivery[] = [];

beforeAll(async () => {
  // The whole server as main.ts builds it (the console included, with its clock inside staff hours), on a test database.
  // Notifications go out through whichever channel the current test built.
  const sender: ChannelSender = { channel: 'whatsapp-cloud', send: (user, reply) => current.sender.send(user, reply) };
  server = await startTestServer({ dbName: 'whatsapp_cloud', senders: [sender] });
  db = server.db;
  nafidha = server.nafidha;
  graph = await startFakeGraph();
  const app = express();
  // The router is mounted the way main mounts channel webhooks: before any JSON parser.
  app.use('/webhooks/whatsapp', (req, res, next) => current.router(req, res, next));
  app.use(express.json());
  web = http.createServer(app);
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/webhooks/whatsapp`;
});
afterAll(async () => {
  await graph.close();
  await new Promise<void>((r) => web?.close(() => r()));
  await server?.close();
});
beforeEach(() => {
  graph.sent.length = 0;
  graph.mismatches.length = 0;
  handled.length = 0;
  handler = async (m) => [{ text: `echo ${m.text}` }];
  current = channel({ handle: async (m) => { handled.push(m); return handler(m); } });
});

// Whatever a test sent, each message had to be exactly what the SDK sends for it.
afterEach(() => { expect(graph.mismatches).toEqual([]); });

function channel(core: { handle(m: InboundMessage): Promise<Reply[]> }): WhatsAppCloudChannel {
  return createWhatsAppCloudRouter({ verifyToken: VERIFY, appSecret: APP_SECRET, token: TOKEN, phoneNumberId: PHONE_ID, graphRoot: graph.root,
    core, log: (l) => logs.push(l), windows: new MongoChannelWindows(db.connection), identities: new MongoCloudIdentities(db.connection), onTemplate: (d) => templates.push(d) });
}

let wamid = 0;
function webhook(from: string, message: Record<string, unknown>, name = 'Layla') {
  return { object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '218213601000', phone_number_id: PHONE_ID },
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: `wamid.IN${++wamid}`, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
  } }] }] };
}

async function post(payload: unknown, signature?: string | null): Promise<number> {
  const body = JSON.stringify(payload);
  const sig = signature === undefined ? `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` : signature;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) }, body });
  return res.status;
}

async function deliver(from: string, message: Record<string, unknown>): Promise<Posted[]> {
  const before = graph.sent.length;
  expect(await post(webhook(from, message))).toBe(200);
  await current.idle();
  const out = graph.sent.slice(before);
  out.forEach(expectWithinLimits);
  return out;
}

describe('WhatsApp Cloud API webhook', () => {
  it('answers Meta\'s subscription handshake only with the right verify token', async () => {
    const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });

  it('refuses a webhook with a bad or missing signature and processes nothing', async () => {
    const payload = webhook('218910000001', { type: 'text', text: { body: 'forged' } });
    expect(await post(payload, 'sha256=' + '0'.repeat(64))).toBe(401);
    expect(await post(payload, null)).toBe(401);
    expect(await post(payload, `sha256=${createHmac('sha256', 'another-secret').update(JSON.stringify(payload)).digest('hex')}`)).toBe(401);
    await current.idle();
    expect(handled).toEqual([]);
    expect(graph.sent).toEqual([]);
  });

  it('a signed text message reaches the core once, even when Meta delivers it twice', async () => {
    const payload = webhook('218910000002', { type: 'text', text: { body: 'hello' } });
    expect(await post(payload)).toBe(200);
    expect(await post(payload)).toBe(200);
    await current.idle();
    expect(handled).toEqual([expect.objectContaining({ channel: 'whatsapp-cloud', user: '218910000002', text: 'hello', displayName: 'Layla', messageId: expect.stringMatching(/^wamid\./) })]);
    expect(graph.sent).toEqual([expect.objectContaining({ to: '218910000002', type: 'text', text: { body: 'echo hello', preview_url: false } })]);
  });

  it('renders up to 3 short choices as reply buttons, up to 10 as a list and more as numbered text, within the limits', async () => {
    const opts = (n: number, label = (i: number) => `Option ${i}`) => Array.from({ length: n }, (_, i) => ({ label: label(i + 1), value: `/pick ${i + 1}` }));
    handler = async (m) => {
      if (m.text === 'three') return [{ text: 'Pick one', choices: opts(3) }];
      if (m.text === 'seven') return [{ text: 'x'.repeat(1500), choices: opts(7, (i) => `A rather long option label number ${i} that needs room`) }];
      return [{ text: 'Many', choices: opts(12) }];
    };
    const [buttons] = await deliver('218910000003', { type: 'text', text: { body: 'three' } });
    expect(buttons).toMatchObject({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick one' } } });
    const list = await deliver('218910000003', { type: 'text', text: { body: 'seven' } });
    expect(list.map((m) => m.type)).toEqual(['text', 'interactive']); // the long text first, the list's body last
    const rows = (list[1].interactive as { action: { sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> } }).action.sections[0].rows;
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ id: '/pick 1', title: 'A rather long option la…', description: 'A rather long option label number 1 that needs room' });
    const numbered = await deliver('218910000003', { type: 'text', text: { body: 'twelve' } });
    expect(numbered).toHaveLength(1);
    expect((numbered[0].text as { body: string }).body).toMatch(/Many\n\n1\. Option 1\n[\s\S]*\n12\. Option 12$/);
  });

  it('a pressed button or list row comes back to the core as the choice value', async () => {
    await deliver('218910000004', { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: '/aspect fees', title: 'الرسوم' } } });
    await deliver('218910000004', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: '/service building-permit', title: 'رخصة بناء' } } });
    expect(handled.map((m) => m.text)).toEqual(['/aspect fees', '/service building-permit']);
  });

  it('locations and images reach the core; the image is downloaded through the Graph API with the token', async () => {
    graph.media.set('MEDIA123', { bytes: Buffer.from('\xff\xd8photo-bytes', 'latin1'), mime: 'image/jpeg' });
    await deliver('218910000005', { type: 'location', location: { latitude: 32.8872, longitude: 13.1913, name: 'Souq' } });
    await deliver('218910000005', { type: 'image', image: { id: 'MEDIA123', mime_type: 'image/jpeg', sha256: 'x', caption: 'pothole' } });
    expect(handled[0]).toMatchObject({ location: { lat: 32.8872, lon: 13.1913 } });
    expect(handled[1]).toMatchObject({ text: 'pothole', attachments: [{ kind: 'image', mimeType: 'image/jpeg' }] });
    expect((await handled[1].attachments![0].download!()).toString('latin1')).toBe('\xff\xd8photo-bytes');
  });

  it('a long answer is split at line breaks into messages of at most 4096 characters', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${i + 1}. ${'مستند '.repeat(6)}`.trim());
    handler = async () => [{ text: lines.join('\n') }];
    const out = await deliver('218910000006', { type: 'text', text: { body: 'all documents' } });
    expect(out.length).toBeGreaterThan(1);
    expect(out.flatMap((m) => (m.text as { body: string }).body.split('\n'))).toEqual(lines);
  });

  it('retries a rate-limited send and sends it once', async () => {
    graph.faults.push({ status: 400, code: 130429, message: 'Rate limit hit' });
    const out = await deliver('218910000007', { type: 'text', text: { body: 'busy' } });
    expect(out).toHaveLength(1);
  });
});

describe('WhatsApp Cloud API 24-hour customer-service window', () => {
  it('inside the window a staff reply goes as a normal message; outside it as the approved template, and the console is told', async () => {
    const windows = new MongoChannelWindows(db.connection);
    await windows.touch('218920000001', new Date(Date.now() - 2 * 3600_000));
    await windows.touch('218920000002', new Date(Date.now() - 25 * 3600_000));
    const inside = await current.sender.deliver('218920000001', { text: 'A staff member replied: your file is ready.', lang: 'en' });
    expect(inside.via).toBe('session');
    const outside = await current.sender.deliver('218920000002', { text: 'تم تحديث حالة طلبك:\nقيد المراجعة', lang: 'ar' });
    expect(outside).toMatchObject({ via: 'template', template: 'nafidha_update' });
    expect(templates.at(-1)).toEqual(outside);
    expect(logs.at(-1)).toMatch(/218920000002 .*over 24 hours.*template 'nafidha_update'/);
    expect(graph.sent.at(-1)).toMatchObject({ to: '218920000002', type: 'template', template: { name: 'nafidha_update', language: { code: 'ar' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'تم تحديث حالة طلبك: قيد المراجعة' }] }] } });
    const never = await current.sender.deliver('218920000003', { text: 'hello' });
    expect(never.via).toBe('template');
  });

  it('a citizen\'s message reopens the window, and an old redelivered message does not', async () => {
    const windows = new MongoChannelWindows(db.connection);
    await windows.touch('218920000004', new Date(Date.now() - 30 * 3600_000));
    await deliver('218920000004', { type: 'text', text: { body: 'back again' } });
    expect((await current.sender.deliver('218920000004', { text: 'update' })).via).toBe('session');
    const old = webhook('218920000004', { type: 'text', text: { body: 'old' } });
    old.entry[0].changes[0].value.messages[0].timestamp = String(Math.floor(Date.now() / 1000) - 40 * 3600);
    const last = await windows.lastInbound('218920000004');
    expect(await post(old)).toBe(200);
    await current.idle();
    expect(await windows.lastInbound('218920000004')).toEqual(last);
  });

  it('falls back to the template when Meta says the window has closed', async () => {
    await new MongoChannelWindows(db.connection).touch('218920000005', new Date());
    graph.faults.push({ status: 400, code: 131047, message: 'Re-engagement message' });
    expect((await current.sender.deliver('218920000005', { text: 'late news' })).via).toBe('template');
  });
});

/** The ids a citizen can press on the last interactive message we sent them. */
function optionsOf(m: Posted): Array<{ id: string; title: string; kind: 'button_reply' | 'list_reply' }> {
  const i = m.interactive as { type: string; action: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> } };
  if (!i) return [];
  return i.type === 'button' ? i.action.buttons!.map((b) => ({ ...b.reply, kind: 'button_reply' as const })) : i.action.sections!.flatMap((s) => s.rows).map((r) => ({ id: r.id, title: r.title, kind: 'list_reply' as const }));
}
const bodyOf = (out: Posted[]) => out.map((m) => (m.type === 'text' ? (m.text as { body: string }).body : m.type === 'interactive' ? (m.interactive as { body: { text: string } }).body.text : JSON.stringify(m))).join('\n');

describe('WhatsApp Cloud API with the real assistant', () => {
  it('files a complaint with a location and a photo by pressing native buttons, then gets a status notification', async () => {
    current = channel(nafidha.kernel);
    const from = '218930000009';
    let last: Posted[] = [];
    const press = async (value: string) => {
      const option = optionsOf(last.at(-1)!).find((o) => o.id === value);
      if (!option) throw new Error(`no option ${value} in ${JSON.stringify(last.at(-1))}`);
      last = await deliver(from, { type: 'interactive', interactive: { type: option.kind, [option.kind]: { id: option.id, title: option.title } } });
      return bodyOf(last);
    };
    last = await deliver(from, { type: 'text', text: { body: 'في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية' } });
    expect(bodyOf(last)).toContain('الطرق');
    expect(await press('/yes')).toContain('الموقع');
    last = await deliver(from, { type: 'location', location: { latitude: 32.87, longitude: 13.18 } });
    expect(bodyOf(last)).toContain('صورة');
    graph.media.set('MEDIA-POTHOLE', { bytes: Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'), mime: 'image/jpeg' });
    last = await deliver(from, { type: 'image', image: { id: 'MEDIA-POTHOLE', mime_type: 'image/jpeg' } });
    expect(bodyOf(last)).toContain('وصلت الصورة');
    expect(await press('/next')).toContain('بسرية');
    expect(await press('/confidential')).toContain('اسمك');
    last = await deliver(from, { type: 'text', text: { body: 'هدى عمر' } });
    expect(bodyOf(last)).toContain('هاتفك');
    // The WhatsApp number the citizen writes from is offered as the phone to call back.
    expect(await press('/use-phone')).toContain('تحديثات');
    expect(await press('/yes')).toContain('مدرسة الامل');
    const code = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(await press('/confirm'))?.[0];
    expect(code).toBeTruthy();
    const stored = await nafidha.complaints.find(code!);
    expect(stored).toMatchObject({ location: { lat: 32.87, lon: 13.18 }, source: { channel: 'whatsapp-cloud', user: from } });
    expect(stored!.photos).toHaveLength(1);

    const count = graph.sent.length;
    expect((await nafidha.complaints.changeStatus(code!, 'in-progress', 'staff:public-works')).ok).toBe(true);
    const until = Date.now() + 10_000;
    while (graph.sent.length === count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const notification = graph.sent.at(-1)!;
    expect(notification).toMatchObject({ to: from, type: expect.stringMatching(/text|interactive/) });
    expect(bodyOf([notification])).toContain(code);
  });

  it('a citizen presses the agent option and receives the staff reply sent through the console; after hand back the assistant answers again', async () => {
    current = channel(nafidha.kernel);
    const from = '218930000007';
    const agent = new StaffClient(server.url);
    expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
    const conversation = ChatKey.of('whatsapp-cloud', from);
    const toCitizen = (start: number) => graph.sent.slice(start).filter((m) => m.to === from);
    /** Waits for a message to the citizen containing `part` among those sent from index `start` of the fake Graph API's log. */
    const arrives = async (part: string, start: number) => {
      const end = Date.now() + 10_000;
      while (!toCitizen(start).some((m) => bodyOf([m]).includes(part)) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const found = toCitizen(start).filter((m) => bodyOf([m]).includes(part));
      expect(found).toHaveLength(1);
      expectWithinLimits(found[0]);
      return found[0];
    };

    // The main menu is a native list; the citizen presses its "talk to staff" row.
    const menu = await deliver(from, { type: 'text', text: { body: '/menu' } });
    const option = optionsOf(menu.at(-1)!).find((o) => o.id === '/agent');
    expect(option).toBeTruthy();
    const queued = await deliver(from, { type: 'interactive', interactive: { type: option!.kind, [option!.kind]: { id: option!.id, title: option!.title } } });
    // Inside staff hours this is the queue position; outside them, when staff answer. Staff can take and reply either way.
    expect(bodyOf(queued)).toMatch(/ترتيبك|موظف/);

    const { body: queue } = await agent.json<{ waiting: Array<{ id: string; conversation: string; channel: string }> }>('GET', '/console/api/queue');
    const waiting = queue.waiting.find((w) => w.conversation === conversation);
    expect(waiting).toMatchObject({ channel: 'whatsapp-cloud' });
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/take`)).status).toBe(200);
    const before = graph.sent.length;
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/reply`, { text: 'أهلاً ليلى، معك أمل من البلدية. كيف أساعدك؟' })).status).toBe(200);
    // The reply reached the fake Graph API as a normal session message: the citizen wrote within the last 24 hours.
    const reply = await arrives('معك أمل من البلدية', before);
    expect(reply).toMatchObject({ to: from, type: 'text' });
    expect((reply.text as { body: string }).body).toContain('أهلاً ليلى، معك أمل من البلدية. كيف أساعدك؟');
    expect(templates.filter((t) => t.user === from)).toEqual([]);

    const handing = graph.sent.length;
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/hand-back`)).status).toBe(200);
    await arrives(nafidha.kernel.phrases.t('ar', 'handoff.back'), handing);
    const answer = bodyOf(await deliver(from, { type: 'text', text: { body: 'شو الاوراق المطلوبة لرخصة البناء' } }));
    expect(answer).toContain('رخصة بناء');
    expect(answer).toMatch(/الأوراق المطلوبة:\n1\. /);
    const { body: after } = await agent.json<{ waiting: Array<{ conversation: string }>; held: Array<{ conversation: string }> }>('GET', '/console/api/queue');
    expect([...after.waiting, ...after.held].filter((h) => h.conversation === conversation)).toEqual([]);
  });

  it('a citizen asks for a building permit\'s documents in Arabic and gets them, with native choices', async () => {
    current = channel(nafidha.kernel);
    const out = await deliver('218930000001', { type: 'text', text: { body: 'شو الأوراق المطلوبة لرخصة البناء؟' } });
    const texts = out.map((m) => (m.type === 'text' ? (m.text as { body: string }).body : (m.interactive as { body: { text: string } }).body.text)).join('\n');
    expect(texts).toContain('رخصة بناء');
    expect(texts).toMatch(/الأوراق المطلوبة:\n1\. /);
    expect(out.at(-1)!.type).toBe('interactive');
  });

  it('pressing a choice continues the conversation', async () => {
    current = channel(nafidha.kernel);
    const first = await deliver('218930000002', { type: 'text', text: { body: 'رخصة بناء' } });
    const menu = first.at(-1)!.interactive as { type: string; action: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> } };
    const options = menu.action.buttons?.map((b) => b.reply) ?? menu.action.sections![0].rows;
    const steps = options.find((o) => o.id === '/aspect steps')!;
    expect(steps.title).toBe('الخطوات');
    const kind = menu.type === 'button' ? 'button_reply' : 'list_reply';
    const picked = await deliver('218930000002', { type: 'interactive', interactive: { type: kind, [kind]: steps } });
    expect(JSON.stringify(picked)).toContain('الخطوات:');
  });
});

describe('WhatsApp Cloud booking', () => {
  it('books an appointment from the main menu with reply buttons and list rows, built as the SDK builds them: the receipt has the code, date, time, branch, window and documents', async () => {
    current = channel(nafidha.kernel);
    const from = '218930000050';
    let last: Posted[] = [];
    /** Presses the option whose id starts with `prefix` on the last interactive message, as a button or list reply. */
    const press = async (prefix: string) => {
      const option = optionsOf(last.at(-1)!).find((o) => o.id === prefix || o.id.startsWith(`${prefix} `));
      if (!option) throw new Error(`no option ${prefix} in ${JSON.stringify(last.at(-1))}`);
      const message = { from, id: `wamid.BOOK${++wamid}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'interactive' as const,
        interactive: option.kind === 'button_reply' ? { type: 'button_reply' as const, button_reply: { id: option.id, title: option.title } } : { type: 'list_reply' as const, list_reply: { id: option.id, title: option.title, description: '' } } };
      // Typed by the SDK's webhook model, as Meta sends it.
      const payload = delivery(messageChange(PHONE_ID, { contact: { profile: { name: 'Salma' }, wa_id: from, user_id: 'LY.930000050' }, message: message as never }));
      const before = graph.sent.length;
      expect(await post(payload)).toBe(200);
      await current.idle();
      last = graph.sent.slice(before);
      last.forEach(expectWithinLimits);
      return { body: bodyOf(last), option };
    };
    const { content } = shippedContent();
    const service = content.services.find((s) => s.id === 'health-certificate')!;
    const branch = content.municipality.branches.find((b) => b.id === 'east-centre')!;

    last = await deliver(from, { type: 'text', text: { body: '/menu' } });
    expect(optionsOf(last.at(-1)!).map((o) => o.id)).toContain('/book');
    const titles = () => optionsOf(last.at(-1)!).map((o) => o.title).join('|');
    await press('/book');
    expect(titles()).toContain(service.name.ar.slice(0, 20));
    await press('/book-service health-certificate');
    expect(titles()).toContain(branch.name.ar.slice(0, 20));
    const days = await press('/book-branch east-centre');
    expect(last.at(-1)!.type).toBe('interactive');
    const day = (await press('/book-day')).option.id.split(' ')[1];
    expect(days.body).toBeTruthy();
    // Up to ten times make a list; the first is pressed.
    const times = optionsOf(last.at(-1)!);
    expect(times.length).toBeGreaterThan(1);
    const picked = await press('/book-time');
    const time = picked.option.id.split(' ')[1];
    // The profile name is offered as a button; the number is the chat's own.
    expect(optionsOf(last.at(-1)!).map((o) => o.title)).toEqual(['Salma']);
    const summary = await press('/book-name-shown');
    expect(summary.body).toContain(time);
    expect(summary.body).toContain(from);
    const receipt = (await press('/book-confirm')).body;
    const code = /B-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)?.[0];
    expect(code).toBeTruthy();
    const stored = (await nafidha.bookings.find(code!))!;
    expect(stored).toMatchObject({ day, time, branch: 'east-centre', service: 'health-certificate', citizen: { name: 'Salma', phone: `+${from}`, chat: { channel: 'whatsapp-cloud', user: from } } });
    expect(receipt).toContain(time);
    expect(receipt).toContain(branch.name.ar);
    // (Digits as the municipality writes them, numbers isolated: compared as the citizen reads them.)
    expect(asRead(receipt)).toContain(asRead(nafidha.bookings.window('east-centre', 'health-certificate')!.ar));
    expect(asRead(receipt)).toContain(asRead(new Intl.DateTimeFormat('ar-LY', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`))));
    for (const d of service.documents) expect(receipt).toContain(d.name.ar);

    // "my appointments" lists it with buttons to change or cancel it; cancelling asks first.
    last = await deliver(from, { type: 'text', text: { body: 'مواعيدي' } });
    expect(bodyOf(last)).toContain(code);
    expect((await press(`/book-cancel ${code}`)).body).toContain(code);
    await press(`/book-cancel-yes ${code}`);
    expect((await nafidha.bookings.find(code!))!.status).toBe('cancelled');
  });
});

describe('WhatsApp Cloud deliveries: every part on its own, citizens known only by a business-scoped user id', () => {
  const now = () => String(Math.floor(Date.now() / 1000));
  const signedPost = async (payload: unknown) => {
    expect(await post(payload)).toBe(200);
    await current.idle();
  };

  it('one delivery with a username-only citizen, a status without recipient_id and an ordinary message: all three handled, none dropped', async () => {
    const bsuid = 'LY.1502576394655843';
    const payload = delivery(
      messageChange(PHONE_ID, {
        contact: { profile: { name: 'Huda', username: '@huda.tripoli' }, user_id: bsuid } as never,
        message: { from_user_id: bsuid, id: 'wamid.USERNAME1', timestamp: now(), type: 'text', text: { body: 'username citizen' } },
      }),
      messageChange(PHONE_ID, {
        status: { id: 'wamid.OUT-EARLIER', status: 'failed', timestamp: now(), recipient_user_id: 'LY.99887766', errors: [{ code: 131026, title: 'Message undeliverable' }] } as never,
      }),
      messageChange(PHONE_ID, {
        contact: { profile: { name: 'Salem' }, wa_id: '218910000100', user_id: 'LY.1111222233' },
        message: { from: '218910000100', from_user_id: 'LY.1111222233', id: 'wamid.PHONE1', timestamp: now(), type: 'text', text: { body: 'phone citizen' } },
      }),
    );
    // The SDK reads each part of the payload as Meta's: a username-only sender is a BSUID recipient.
    expect(await sdkReads(payload, APP_SECRET)).toEqual([
      { kind: 'message', type: 'text', recipient: { phone: undefined, bsuid: bsuid, pbsuid: undefined } },
      { kind: 'status', status: 'failed', recipient: { phone: undefined, bsuid: 'LY.99887766', pbsuid: undefined } },
      { kind: 'message', type: 'text', recipient: { phone: '218910000100', bsuid: 'LY.1111222233', pbsuid: undefined } },
    ]);
    const logged = logs.length;
    await signedPost(payload);
    // Two citizens are answered side by side, so in either order.
    expect(handled.map((m) => [m.user, m.text, m.displayName]).sort()).toEqual([['218910000100', 'phone citizen', 'Salem'], [bsuid, 'username citizen', 'Huda']]);
    expect(logs.slice(logged)).toEqual([expect.stringMatching(/wamid\.OUT-EARLIER to LY\.99887766 failed: 131026 Message undeliverable/)]);
    // The answers: to the username citizen by BSUID (`recipient`, no `to`), to the other by phone number.
    expect(graph.sent.map((m) => [m.to ?? '-', m.recipient ?? '-', (m.text as { body: string }).body]).sort()).toEqual([['-', bsuid, 'echo username citizen'], ['218910000100', '-', 'echo phone citizen']]);
  });

  it('a malformed entry, change, message or contact and an unknown message type are each logged once and skipped; the rest is answered', async () => {
    const good = messageChange(PHONE_ID, { message: { from: '218910000200', from_user_id: 'LY.200', id: 'wamid.GOOD1', timestamp: now(), type: 'text', text: { body: 'still answered' } } });
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        { id: 'BROKEN-ENTRY' },
        { id: 'WABA-ID', changes: [
          { field: 'messages' },
          { field: 'account_update', value: { event: 'VERIFIED' } },
          { field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: PHONE_ID },
            contacts: ['not a contact'],
            messages: [{ id: 'wamid.NOSENDER', timestamp: now(), type: 'text', text: { body: 'who am I' } },
              { from: '218910000201', id: 'wamid.REACTION', timestamp: now(), type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
              { from: '218910000202', id: 'wamid.OK2', timestamp: now(), type: 'text', text: { body: 'next to broken ones' } }] } },
          good,
        ] },
      ],
    };
    const logged = logs.length;
    await signedPost(payload);
    expect(handled.map((m) => m.text).sort()).toEqual(['next to broken ones', 'still answered']);
    // The reaction is valid but not something the assistant reads: logged once, not answered.
    const lines = logs.slice(logged).filter((l) => !l.includes('wamid.REACTION'));
    expect(logs.slice(logged).filter((l) => l.includes('wamid.REACTION'))).toEqual([expect.stringContaining("type 'reaction'")]);
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/skipped entry\[0\]: changes/),
      expect.stringMatching(/skipped entry\[1\]\.changes\[0\]: value/),
      expect.stringMatching(/skipped entry\[1\]\.changes\[1\]: field 'account_update'/),
      expect.stringMatching(/skipped entry\[1\]\.changes\[2\]\.contacts\[0\]/),
      expect.stringMatching(/skipped entry\[1\]\.changes\[2\]\.messages\[0\] \(type text\): .*neither from nor from_user_id/),
    ]));
  });

  it('a delivery that is not a webhook at all is acknowledged and logged, never a 500', async () => {
    const logged = logs.length;
    await signedPost({ hello: 'world' });
    await signedPost([1, 2, 3]);
    expect(logs.slice(logged)).toEqual([expect.stringContaining('skipped the delivery'), expect.stringContaining('skipped the delivery')]);
    expect(handled).toEqual([]);
  });

  it('a citizen first seen with a phone number and later by BSUID alone stays in the same chat', async () => {
    await signedPost(delivery(messageChange(PHONE_ID, {
      contact: { profile: { name: 'Omar' }, wa_id: '218910000300', user_id: 'LY.300300300' },
      message: { from: '218910000300', from_user_id: 'LY.300300300', id: 'wamid.LINK1', timestamp: now(), type: 'text', text: { body: 'with number' } },
    })));
    await signedPost(delivery(messageChange(PHONE_ID, {
      contact: { profile: { username: '@omar' }, user_id: 'LY.300300300' } as never,
      message: { from_user_id: 'LY.300300300', id: 'wamid.LINK2', timestamp: now(), type: 'text', text: { body: 'took a username' } },
    })));
    expect(handled.map((m) => [m.user, m.text])).toEqual([['218910000300', 'with number'], ['218910000300', 'took a username']]);
  });

  it('a username-only citizen files a complaint, gets the status update by BSUID, and outside 24 hours the template goes by BSUID', async () => {
    current = channel(nafidha.kernel);
    const bsuid = 'LY.7788990011223344';
    const from = (id: string, message: Record<string, unknown>) => delivery(messageChange(PHONE_ID, {
      contact: { profile: { username: '@rania' }, user_id: bsuid } as never,
      message: { from_user_id: bsuid, id, timestamp: now(), ...message } as never,
    }));
    let last: Posted[] = [];
    const say = async (id: string, message: Record<string, unknown>) => {
      const before = graph.sent.length;
      await signedPost(from(id, message));
      last = graph.sent.slice(before);
      last.forEach(expectWithinLimits);
      for (const m of last) { expect(m.recipient).toBe(bsuid); expect(m).not.toHaveProperty('to'); }
      return bodyOf(last);
    };
    const press = (id: string, value: string) => {
      const option = optionsOf(last.at(-1)!).find((o) => o.id === value);
      if (!option) throw new Error(`no option ${value} in ${JSON.stringify(last.at(-1))}`);
      return say(id, { type: 'interactive', interactive: { type: option.kind, [option.kind]: { id: option.id, title: option.title } } });
    };
    expect(await say('wamid.R1', { type: 'text', text: { body: 'في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية' } })).toContain('الطرق');
    expect(await press('wamid.R2', '/yes')).toContain('الموقع');
    expect(await say('wamid.R3', { type: 'location', location: { latitude: 32.87, longitude: 13.18 } })).toContain('صورة');
    await press('wamid.R4', '/skip');
    expect(await press('wamid.R5', '/confidential')).toContain('اسمك');
    await say('wamid.R5a', { type: 'text', text: { body: 'هدى عمر' } });
    expect(await say('wamid.R5b', { type: 'text', text: { body: '0912345678' } })).toContain('تحديثات');
    await press('wamid.R6', '/yes');
    const code = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(await press('wamid.R7', '/confirm'))?.[0];
    expect(code).toBeTruthy();
    expect(await nafidha.complaints.find(code!)).toMatchObject({ source: { channel: 'whatsapp-cloud', user: bsuid } });

    // Inside the window the notification is a session message addressed by BSUID.
    const count = graph.sent.length;
    expect((await nafidha.complaints.changeStatus(code!, 'in-progress', 'staff:public-works')).ok).toBe(true);
    const deadline = Date.now() + 10_000;
    while (graph.sent.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const update = graph.sent.at(-1)!;
    expect(update).toMatchObject({ recipient: bsuid, type: expect.stringMatching(/text|interactive/) });
    expect(update).not.toHaveProperty('to');
    expect(bodyOf([update])).toContain(code);

    // A day later the window has closed: the approved template goes to the same BSUID.
    await db.connection.collection('channelwindows').updateOne({ _id: `whatsapp-cloud:${bsuid}` as never }, { $set: { lastInboundAt: new Date(Date.now() - 25 * 3600_000) } });
    const late = await current.sender.deliver(bsuid, { text: `Your complaint ${code} was resolved`, lang: 'en' });
    expect(late.via).toBe('template');
    expect(graph.sent.at(-1)).toMatchObject({ recipient: bsuid, type: 'template', template: { name: 'nafidha_update' } });
  });
});

describe('WhatsApp Cloud Graph API version', () => {
  it('uses a current version by default, and WHATSAPP_CLOUD_API_VERSION chooses another', async () => {
    expect(DEFAULT_API_VERSION).toBe('v26.0');
    await deliver('218910000400', { type: 'text', text: { body: 'which version' } });
    expect(graph.versions.at(-1)).toBe(DEFAULT_API_VERSION);

    expect(loadConfig({ WHATSAPP_CLOUD_API_VERSION: 'v25.0' }).whatsappCloud.apiVersion).toBe('v25.0');
    expect(loadConfig({}).whatsappCloud.apiVersion).toBeUndefined();
    expect(() => loadConfig({ WHATSAPP_CLOUD_API_VERSION: '25' })).toThrow(/WHATSAPP_CLOUD_API_VERSION must look like v26\.0/);

    const pinned = await startFakeGraph('v25.0');
    try {
      const c = createWhatsAppCloudRouter({ verifyToken: VERIFY, appSecret: APP_SECRET, token: TOKEN, phoneNumberId: PHONE_ID, graphRoot: pinned.root, apiVersion: 'v25.0',
        core: { handle: async () => [] }, log: () => undefined, windows: new MongoChannelWindows(db.connection), identities: new MongoCloudIdentities(db.connection) });
      await new MongoChannelWindows(db.connection).touch('218910000401', new Date());
      await c.sender.send('218910000401', { text: 'pinned' });
      expect(pinned.versions).toEqual(['v25.0']);
      expect(pinned.sent).toHaveLength(1);
    } finally {
      await pinned.close();
    }
  });
});

describe('WhatsApp Cloud voice notes and other media', () => {
  const now = () => String(Math.floor(Date.now() / 1000));
  let n = 0;
  const part = (from: string, message: Record<string, unknown>) => delivery(messageChange(PHONE_ID, {
    contact: { profile: { name: 'Mona' }, wa_id: from, user_id: `LY.${from}` },
    message: { from, from_user_id: `LY.${from}`, id: `wamid.MEDIA${++n}`, timestamp: now(), ...message } as never,
  }));
  const send = async (payload: ReturnType<typeof part>) => {
    const before = graph.sent.length;
    expect(await post(payload)).toBe(200);
    await current.idle();
    const out = graph.sent.slice(before);
    out.forEach(expectWithinLimits);
    return out;
  };

  it('a voice note is answered politely in the citizen\'s language with a button to pass it to staff; pressing it queues the chat with the recording', async () => {
    current = channel(nafidha.kernel);
    const from = '218940000001';
    graph.media.set('VOICE-1', { bytes: Buffer.from('OggS-voice-bytes'), mime: 'audio/ogg; codecs=opus' });
    const voiceNote = part(from, { type: 'audio', audio: { voice: true, mime_type: 'audio/ogg; codecs=opus', sha256: 'x', id: 'VOICE-1', url: 'https://lookaside.example/VOICE-1' } });
    expect(await sdkReads(voiceNote, APP_SECRET)).toEqual([{ kind: 'message', type: 'audio', recipient: expect.objectContaining({ phone: from }) }]);
    const [offer] = await send(voiceNote);
    expect(bodyOf([offer])).toContain('رسالتك الصوتية');
    const pass = optionsOf(offer).find((o) => o.id === '/agent');
    expect(pass?.title).toBe('أرسلها إلى موظف');
    const queued = await send(part(from, { type: 'interactive', interactive: { type: pass!.kind, [pass!.kind]: { id: pass!.id, title: pass!.title } } }));
    expect(bodyOf(queued)).toMatch(/ترتيبك|موظف/);
    const kept = await new MongoMediaStore(db.connection).listFor(ChatKey.of('whatsapp-cloud', from));
    expect(kept.map((m) => [m.mimeType, m.size])).toEqual([['audio/ogg; codecs=opus', 16]]);
  });

  it('a sticker and a shared contact each get an answer, never silence', async () => {
    current = channel(nafidha.kernel);
    const from = '218940000002';
    const sticker = await send(part(from, { type: 'sticker', sticker: { animated: false, mime_type: 'image/webp', sha256: 'x', id: 'STICKER-1', url: 'https://lookaside.example/S' } }));
    expect(bodyOf(sticker)).toContain('كيف أساعدك');
    const contact = await send(part(from, { type: 'contacts', contacts: [{ name: { formatted_name: 'Ali', first_name: 'Ali' }, phones: [{ phone: '+218910000000', type: 'CELL' }] }] }));
    expect(bodyOf(contact)).toContain('جهات الاتصال');
  });
});
