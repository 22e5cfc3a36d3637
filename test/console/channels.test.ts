import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOverview } from '../../src/shared/channel-overview.js';
import { channelTable } from '../../src/app/channels.js';
import type { WhatsAppWebStatus } from '../../src/channels/whatsapp-web/index.js';
import { loadConfig } from '../../src/config.js';
import { citizen } from '../helpers/assistant.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// The admins' Channels view: the WhatsApp Web link (QR code, state, logged out), and the WhatsApp Cloud messages that
// had to go as the approved template (recorded in the database by the channel, shown in the conversation too).

const PHONE_ID = '109876543210';
const TOKEN = 'EAAG-test-token';

interface ChannelsBody {
  whatsappWeb: { on: boolean; state?: string; qr?: string; phone?: string; since?: string; loggedOutAt?: string };
  whatsappCloud: { on: boolean; template?: string; templates: { user: string; template: string; at: string }[] };
  telegram: { on: boolean };
}

let server: TestServer;
let graph: http.Server;
const sent: { to: string; type: string }[] = [];
const whatsappWeb: WhatsAppWebStatus = { state: 'disconnected', since: new Date() };
let admin: StaffClient;

beforeAll(async () => {
  // Meta's Graph API, as far as sending needs it.
  const app = express();
  app.use(express.json());
  app.post(`/v20.0/${PHONE_ID}/messages`, (req, res) => {
    if (req.get('authorization') !== `Bearer ${TOKEN}`) { res.status(401).json({ error: { code: 190 } }); return; }
    sent.push(req.body);
    res.json({ messages: [{ id: `wamid.OUT${sent.length}` }] });
  });
  graph = http.createServer(app);
  await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));

  const config = loadConfig({
    WHATSAPP_CLOUD_TOKEN: TOKEN, WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_ID, WHATSAPP_CLOUD_APP_SECRET: 'secret', WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify',
    WHATSAPP_CLOUD_GRAPH_ROOT: `http://127.0.0.1:${(graph.address() as AddressInfo).port}/v20.0`, WHATSAPP_CLOUD_TEMPLATE: 'municipal_update',
  });
  // The channel table as main.ts builds it from this configuration; the WhatsApp Web phone is a status object here.
  const overview = (): ChannelOverview => ({ ...server.nafidha.channels.overview(), whatsappWeb });
  server = await startTestServer({ dbName: 'channels', channelRows: channelTable(config), channels: { overview } });
  admin = new StaffClient(server.url);
  expect((await admin.signIn('nour', await server.addStaff('nour', 'admin'))).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await new Promise<void>((r) => graph?.close(() => r()));
});

describe('the Channels view', () => {
  it("shows admins the WhatsApp Web QR code while the phone is not linked", async () => {
    Object.assign(whatsappWeb, { state: 'qr', qr: await QRCode.toDataURL('2@test-link-code'), since: new Date() });
    const { status, body } = await admin.json<ChannelsBody>('GET', '/console/api/channels');
    expect(status).toBe(200);
    expect(body.whatsappWeb).toMatchObject({ on: true, state: 'qr' });
    expect(body.whatsappWeb.qr).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    expect(body.whatsappCloud).toMatchObject({ on: true, template: 'municipal_update', templates: [] });
    expect(body.telegram).toEqual({ on: false });
  });

  it('is for admins only', async () => {
    const agent = new StaffClient(server.url);
    await agent.signIn('omar', await server.addStaff('omar', 'agent'));
    expect((await agent.json('GET', '/console/api/channels')).status).toBe(403);
    const supervisor = new StaffClient(server.url);
    await supervisor.signIn('huda', await server.addStaff('huda', 'supervisor'));
    expect((await supervisor.json('GET', '/console/api/channels')).status).toBe(403);
    expect((await new StaffClient(server.url).json('GET', '/console/api/channels')).status).toBe(401);
  });

  it('says the phone logged out until it is linked again, then shows the linked number', async () => {
    const loggedOutAt = new Date();
    Object.assign(whatsappWeb, { state: 'logged-out', qr: undefined, loggedOutAt, since: loggedOutAt });
    let { body } = await admin.json<ChannelsBody>('GET', '/console/api/channels');
    expect(body.whatsappWeb).toMatchObject({ state: 'logged-out', loggedOutAt: loggedOutAt.toISOString() });
    expect(body.whatsappWeb.qr).toBeUndefined();

    Object.assign(whatsappWeb, { state: 'qr', qr: 'data:text/html;base64,PHNjcmlwdD4=', since: new Date() });
    ({ body } = await admin.json<ChannelsBody>('GET', '/console/api/channels'));
    expect(body.whatsappWeb).toMatchObject({ state: 'qr', loggedOutAt: loggedOutAt.toISOString() });
    expect(body.whatsappWeb.qr).toBeUndefined(); // only a PNG data URL is passed on

    Object.assign(whatsappWeb, { state: 'ready', qr: undefined, phone: '218910000000', since: new Date() });
    ({ body } = await admin.json<ChannelsBody>('GET', '/console/api/channels'));
    expect(body.whatsappWeb).toMatchObject({ state: 'ready', phone: '218910000000' });
    expect(body.whatsappWeb.loggedOutAt).toBeUndefined();
  });

  it('lists a staff reply that went as the approved template, and marks it in the conversation', async () => {
    // A WhatsApp Cloud citizen who never wrote through the webhook: the 24-hour window is closed.
    const wa = citizen(server.nafidha.kernel, '218920000001', 'whatsapp-cloud');
    expect(await wa.say('بدي اعترض على قرار المحكمة')).toContain('ترتيبك في الانتظار');
    const { body: queue } = await admin.json<{ waiting: { id: string; channel: string }[] }>('GET', '/console/api/queue');
    const id = queue.waiting.find((w) => w.channel === 'whatsapp-cloud')!.id;
    expect((await admin.json<{ templates: unknown[] }>('GET', `/console/api/conversations/${id}`)).body.templates).toEqual([]);
    expect((await admin.json('POST', `/console/api/conversations/${id}/take`)).status).toBe(200);
    expect((await admin.json('POST', `/console/api/conversations/${id}/reply`, { text: 'أهلاً، معك نور من البلدية' })).status).toBe(200);
    expect(sent.at(-1)).toMatchObject({ to: '218920000001', type: 'template' });

    // Two went as the template: "a member of staff joined" (on take) and the reply.
    const listed = await until(async () => {
      const { body } = await admin.json<ChannelsBody>('GET', '/console/api/channels');
      return body.whatsappCloud.templates.length === 2 ? body.whatsappCloud.templates : undefined;
    });
    expect(listed).toEqual([0, 1].map(() => expect.objectContaining({ user: '218920000001', template: 'municipal_update' })));
    expect(new Date(listed[0].at).getTime()).toBeGreaterThanOrEqual(new Date(listed[1].at).getTime()); // newest first
    const { body } = await admin.json<{ templates: { template: string }[] }>('GET', `/console/api/conversations/${id}`);
    expect(body.templates).toHaveLength(2);
  });
});
