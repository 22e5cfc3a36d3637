import type { ReplyKey } from '../../src/content/reply-keys.js';
import { ChatKey } from '../../src/shared/chat.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wwebjs, { type ClientOptions, type Message as WAMessage } from 'whatsapp-web.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationCore } from '../../src/channels/port.js';
import { clientOptions, createWhatsAppWebChannel, type WhatsAppWebChannel } from '../../src/channels/whatsapp-web/index.js';
import type { Nafidha } from '../../src/app/compose.js';
import type { ChannelSender, InboundMessage } from '../../src/shared/message.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';
import { shippedContent } from '../helpers/assistant.js';
import { withoutIsolates } from '../../src/text/numbers.js';

const asRead = (text: string) => withoutIsolates(text).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

const { Client } = wwebjs;
// The library's real Message class (its typings declare Message only as an interface).
const Message = (wwebjs as unknown as { Message: new (client: unknown, data: unknown) => WAMessage }).Message;
const ME = '96170000000@c.us';

interface Sent { chatId: string; content: string; options: Record<string, unknown> }

/**
 * The library's real Client with only the phone and browser replaced: initialize() shows a QR or links at once,
 * and the page's evaluate() answers the two calls a chat needs (send a message, download media). Incoming
 * messages are built with the library's own Message class, exactly as its page hook does.
 */
class PhoneDouble extends Client {
  static made: PhoneDouble[] = [];
  static linked = false;
  readonly sent: Sent[] = [];
  readonly media = new Map<string, { data: string; mimetype: string; filename?: string; filesize?: number }>();
  private count = 0;

  constructor(options: ClientOptions) {
    super(options);
    PhoneDouble.made.push(this);
  }

  override async initialize(): Promise<void> {
    await (this as unknown as { authStrategy: { beforeBrowserInitialized(): Promise<void> } }).authStrategy.beforeBrowserInitialized();
    this.pupPage = this.fakePage() as never;
    this.info = { wid: { user: ME.split('@')[0], server: 'c.us', _serialized: ME }, pushname: 'Municipality', platform: 'android' } as never;
    if (PhoneDouble.linked) this.link();
    else this.emit('qr', `2@fake${Date.now()},staticKey=,identityKey=,advSecret=,android`);
  }

  /** The municipality's phone scanned the QR code. */
  link(): void {
    PhoneDouble.linked = true;
    this.emit('authenticated');
    this.emit('ready');
  }

  receive(from: string, fields: Record<string, unknown>): WAMessage {
    const id = `3EB0${(++this.count).toString().padStart(6, '0')}`;
    const msg = new Message(this, { id: { fromMe: false, remote: from, id, _serialized: `false_${from}_${id}` }, from, to: ME,
      t: Math.floor(Date.now() / 1000), type: 'chat', body: '', notifyName: 'Layla', ...fields });
    this.emit('message_create', msg);
    this.emit('message', msg);
    return msg;
  }

  texts(to: string): string[] {
    return this.sent.filter((s) => s.chatId === to).map((s) => s.content);
  }

  private fakePage() {
    return {
      evaluate: async (fn: unknown, ...args: unknown[]) => {
        const source = String(fn);
        if (source.includes('WWebJS.sendMessage')) {
          const [chatId, content, options] = args as [string, string, Record<string, unknown>];
          this.sent.push({ chatId, content, options });
          const id = `BOT${++this.count}`;
          return { id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` }, from: ME, to: chatId, body: content, type: 'chat', t: Math.floor(Date.now() / 1000), ack: 1 };
        }
        if (source.includes('downloadAndMaybeDecrypt')) return this.media.get(String(args[0])) ?? null;
        return undefined;
      },
    };
  }
}

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let server: TestServer;
let nafidha: Nafidha;
let dataDir: string;
let channel: WhatsAppWebChannel | undefined;
const logs: string[] = [];

beforeAll(async () => {
  // The whole server as main.ts builds it (the console included, with its clock inside staff hours), on a test database.
  // Notifications go out through whichever channel instance the current test started.
  const sender: ChannelSender = { channel: 'whatsapp', send: (user, reply) => channel!.sender.send(user, reply) };
  server = await startTestServer({ dbName: 'whatsapp_web', senders: [sender] });
  nafidha = server.nafidha;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-wa-'));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => { await channel?.stop(); channel = undefined; });

function start(core: ConversationCore = nafidha.kernel): WhatsAppWebChannel {
  channel = createWhatsAppWebChannel({ dataDir, core, log: (l) => logs.push(l), reconnect: { firstMs: 20, maxMs: 100 }, createClient: (o) => new PhoneDouble(o) });
  return channel;
}
const phone = () => PhoneDouble.made.at(-1)!;

describe('WhatsApp Web', () => {
  it('runs Chromium from Debian headless and keeps the session under the data folder', () => {
    const options = clientOptions('/srv/nafidha/.data');
    expect(options.puppeteer).toMatchObject({ executablePath: '/usr/bin/chromium', headless: true });
    expect((options.authStrategy as unknown as { dataPath: string }).dataPath).toBe('/srv/nafidha/.data/whatsapp');
    if (process.getuid?.() === 0) expect(options.puppeteer?.args).toContain('--no-sandbox');
  });

  it('shows the QR code to link the phone, then becomes ready', async () => {
    PhoneDouble.linked = false;
    const wa = start();
    await wa.start();
    await until(() => wa.status.state === 'qr' && !!wa.status.qr);
    expect(wa.status.qr).toMatch(/^data:image\/png;base64,/);
    expect(logs.some((l) => l.includes('Linked devices'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'whatsapp', 'session'))).toBe(true);
    phone().link();
    expect(wa.status).toMatchObject({ state: 'ready', phone: '96170000000', qr: undefined });
  });

  it('a citizen asks for a building permit\'s documents in Arabic and gets them, with numbered choices', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const citizen = '96171111111@c.us';
    phone().receive(citizen, { body: 'شو الأوراق المطلوبة لرخصة البناء؟' });
    await until(() => phone().texts(citizen).length > 0);
    await wa.idle();
    const [answer] = phone().texts(citizen);
    expect(answer).toContain('رخصة بناء');
    expect(answer).toMatch(/الأوراق المطلوبة:\n1\. /);
    expect(answer).toMatch(/\n1\. .+\n2\. .+/);
  });

  it('a reply of "1" or "١" picks the numbered choice', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const citizen = '96172222222@c.us';
    phone().receive(citizen, { body: 'بدي رخصة' });
    await until(() => phone().texts(citizen).length === 1);
    // The choices are the numbered block at the end (the text above may hold numbered lists of its own).
    const choices = phone().texts(citizen)[0].split('\n\n').at(-1)!;
    const first = choices.match(/^1\. (.+)$/m)?.[1];
    expect(first).toBeTruthy();
    phone().receive(citizen, { body: '١' });
    await until(() => phone().texts(citizen).length === 2);
    await wa.idle();
    expect(phone().texts(citizen)[1]).toContain(first!);
  });

  it('files a complaint with a location and a photo by answering with numbers, then gets a status notification', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const citizen = '96176666666@c.us';
    const t = (key: ReplyKey) => nafidha.kernel.phrases.t('ar', key);
    /** The citizen's next message, then the bot's answer to it. */
    const say = async (fields: Record<string, unknown>) => {
      const before = phone().texts(citizen).length;
      phone().receive(citizen, fields);
      await until(() => phone().texts(citizen).length > before);
      await wa.idle();
      return phone().texts(citizen).slice(before).join('\n');
    };
    /** The number in front of an option in the last answer's numbered block, written in Arabic-Indic digits. */
    const numberOf = (label: string) => {
      const block = phone().texts(citizen).at(-1)!.split('\n\n').at(-1)!;
      const n = new RegExp(`^(\\d+)\\. ${label}$`, 'm').exec(block)?.[1];
      if (!n) throw new Error(`"${label}" is not a numbered option in: ${block}`);
      return n.replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]);
    };
    expect(await say({ body: 'في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية' })).toContain('الطرق');
    expect(await say({ body: numberOf(t('complaint.yes')) })).toContain('الموقع');
    expect(await say({ type: 'location', lat: 32.87, lng: 13.18, body: '' })).toContain('صورة');
    const photo = { type: 'image', directPath: '/v/t62/photo', mimetype: 'image/jpeg', size: 22, caption: '' };
    const before = phone().texts(citizen).length;
    const msg = phone().receive(citizen, photo);
    phone().media.set(msg.id._serialized, { data: Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex').toString('base64'), mimetype: 'image/jpeg' });
    await until(() => phone().texts(citizen).length > before);
    expect(phone().texts(citizen).at(-1)).toContain('وصلت الصورة');
    expect(await say({ body: '1' })).toContain('بسرية');
    expect(await say({ body: numberOf(t('complaint.privacy.confidential')) })).toContain('اسمك');
    // The WhatsApp number the chat comes from is offered as the phone to call back, as a numbered option.
    const askPhone = await say({ body: 'هدى عمر' });
    expect(askPhone).toContain('هاتفك');
    expect(askPhone).toMatch(/^1\. .*\+96176666666/m);
    expect(await say({ body: '١' })).toContain('تحديثات');
    expect(await say({ body: numberOf(t('complaint.yes')) })).toContain('مدرسة الامل');
    const receipt = await say({ body: numberOf(t('complaint.confirm')) });
    const code = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)?.[0];
    expect(code).toBeTruthy();
    const stored = await nafidha.complaints.find(code!);
    expect(stored).toMatchObject({ location: { lat: 32.87, lon: 13.18 }, source: { channel: 'whatsapp', user: citizen } });
    expect(stored!.photos).toHaveLength(1);

    const count = phone().texts(citizen).length;
    expect((await nafidha.complaints.changeStatus(code!, 'in-progress', 'staff:public-works')).ok).toBe(true);
    await until(() => phone().texts(citizen).length > count);
    expect(phone().texts(citizen).at(-1)).toContain(code);
  });

  it('a citizen asks for an agent and receives the staff reply sent through the console; after hand back the assistant answers again', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const citizen = '96177777777@c.us';
    const agent = new StaffClient(server.url);
    expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
    const textsFor = () => phone().texts(citizen);
    /** The citizen's next message, then the bot's answer to it. */
    const say = async (body: string) => {
      const before = textsFor().length;
      phone().receive(citizen, { body });
      await until(() => textsFor().length > before);
      await wa.idle();
      return textsFor().slice(before).join('\n');
    };
    /** Waits for a message to the citizen containing `part`, sent after the first `from` messages. */
    const arrives = async (part: string, from: number) => {
      await until(() => textsFor().slice(from).some((t) => t.includes(part)));
      return textsFor().slice(from).find((t) => t.includes(part))!;
    };

    // Inside staff hours this is the queue position; outside them, when staff answer. Staff can take and reply either way.
    expect(await say('بدي احكي مع موظف')).toMatch(/ترتيبك|موظف/);
    const { body: queue } = await agent.json<{ waiting: Array<{ id: string; conversation: string; channel: string }> }>('GET', '/console/api/queue');
    const waiting = queue.waiting.find((w) => w.conversation === ChatKey.of('whatsapp', citizen));
    expect(waiting).toMatchObject({ channel: 'whatsapp' });
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/take`)).status).toBe(200);
    const before = textsFor().length;
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/reply`, { text: 'أهلاً ليلى، معك أمل من البلدية. كيف أساعدك؟' })).status).toBe(200);
    // The reply went out through the channel's sender, i.e. the library Client's sendMessage to the citizen's chat.
    expect(await arrives('معك أمل من البلدية', before)).toContain('أهلاً ليلى، معك أمل من البلدية. كيف أساعدك؟');
    expect(phone().sent.filter((s) => s.content.includes('معك أمل من البلدية')).map((s) => s.chatId)).toEqual([citizen]);

    const handing = textsFor().length;
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/hand-back`)).status).toBe(200);
    await arrives(nafidha.kernel.phrases.t('ar', 'handoff.back'), handing);
    const answer = await say('شو الاوراق المطلوبة لرخصة البناء');
    expect(answer).toContain('رخصة بناء');
    expect(answer).toMatch(/الأوراق المطلوبة:\n1\. /);
    const { body: after } = await agent.json<{ waiting: Array<{ conversation: string }>; held: Array<{ conversation: string }> }>('GET', '/console/api/queue');
    expect([...after.waiting, ...after.held].filter((h) => h.conversation === ChatKey.of('whatsapp', citizen))).toEqual([]);
  });

  it('books an appointment from the main menu by answering with numbers: receipt with code, date, time, branch, window and documents; then lists, moves and cancels it', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const citizen = '96178888888@c.us';
    const t = (key: ReplyKey) => nafidha.kernel.phrases.t('ar', key);
    const say = async (body: string) => {
      const before = phone().texts(citizen).length;
      phone().receive(citizen, { body });
      await until(() => phone().texts(citizen).length > before);
      await wa.idle();
      return phone().texts(citizen).slice(before).join('\n');
    };
    /** The number of a numbered option (the last block of the last message) whose text matches. */
    const numberOf = (label: string | RegExp) => {
      const block = phone().texts(citizen).at(-1)!.split('\n\n').at(-1)!;
      const line = block.split('\n').find((l) => (typeof label === 'string' ? l.replace(/^\d+\. /, '') === label : label.test(l)));
      const n = line && /^(\d+)\. /.exec(line)?.[1];
      if (!n) throw new Error(`"${String(label)}" is not a numbered option in: ${block}`);
      return n;
    };
    const { content } = shippedContent();
    const service = content.services.find((s) => s.id === 'health-certificate')!;
    const branch = content.municipality.branches.find((b) => b.id === 'east-centre')!;

    expect(await say('/menu')).toContain(t('menu.book'));
    expect(await say(numberOf(t('menu.book')))).toContain(service.name.ar);
    expect(await say(numberOf(service.name.ar))).toContain(branch.name.ar);
    await say(numberOf(branch.name.ar));
    // The first day, then its first time: numbered lines on a phone that has no buttons.
    const times = await say('1');
    const time = /^1\. (\d{2}:\d{2})$/m.exec(times)?.[1];
    expect(time).toBeTruthy();
    expect(await say('١')).toContain(t('booking.name.ask'));
    // The number is the chat's own: no question for it, straight to the summary.
    const summary = await say('ليلى عمر');
    expect(summary).toContain(time!);
    expect(summary).toContain('96178888888');
    const receipt = await say(numberOf(t('booking.confirm')));
    const code = /B-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)?.[0];
    expect(code).toBeTruthy();
    const stored = (await nafidha.bookings.find(code!))!;
    expect(stored).toMatchObject({ branch: 'east-centre', service: 'health-certificate', time, citizen: { name: 'ليلى عمر', phone: '+96178888888', chat: { channel: 'whatsapp', user: citizen } } });
    expect(receipt).toContain(time!);
    expect(receipt).toContain(branch.name.ar);
    // (Digits as the municipality writes them, numbers isolated: compared as the citizen reads them.)
    expect(asRead(receipt)).toContain(asRead(nafidha.bookings.window('east-centre', 'health-certificate')!.ar));
    expect(asRead(receipt)).toContain(asRead(new Intl.DateTimeFormat('ar-LY', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${stored.day}T12:00:00Z`))));
    for (const d of service.documents) expect(receipt).toContain(d.name.ar);

    const list = await say('مواعيدي');
    expect(list).toContain(code);
    const ph = nafidha.kernel.phrases;
    await say(numberOf(ph.t('ar', 'booking.choice.move', { code: code! })));
    // Another day this time (the last listed), and its first time.
    const lastDay = /^(\d+)\. .+$/gm;
    const dayNumbers = [...phone().texts(citizen).at(-1)!.split('\n\n').at(-1)!.matchAll(lastDay)].map((m) => m[1]);
    const moveTimes = await say(dayNumbers.at(-1)!);
    const newTime = /^1\. (\d{2}:\d{2})$/m.exec(moveTimes)?.[1];
    expect(newTime).toBeTruthy();
    await say('1');
    expect(await say(numberOf(t('booking.confirm')))).toContain(code);
    const movedTo = (await nafidha.bookings.find(code!))!;
    expect(movedTo.time).toBe(newTime);
    expect(movedTo.day).not.toBe(stored.day);

    await say('مواعيدي');
    expect(await say(numberOf(ph.t('ar', 'booking.choice.cancel', { code: code! })))).toContain(code);
    await say(numberOf(t('booking.cancel.yes')));
    expect((await nafidha.bookings.find(code!))!.status).toBe('cancelled');
  });

  it('locations and photos reach the conversation; the photo is downloaded only when asked for', async () => {
    PhoneDouble.linked = true;
    const inbound: InboundMessage[] = [];
    const wa = start({ handle: async (m) => { inbound.push(m); return []; } });
    await wa.start();
    const citizen = '96173333333@c.us';
    phone().receive(citizen, { type: 'location', lat: 33.8938, lng: 35.5018, body: '' });
    const photo = phone().receive(citizen, { type: 'image', directPath: '/v/t62/abc', mimetype: 'image/jpeg', size: 4, caption: 'حفرة في الطريق' });
    phone().media.set(photo.id._serialized, { data: Buffer.from('JPEG').toString('base64'), mimetype: 'image/jpeg' });
    await until(() => inbound.length === 2);
    expect(inbound[0]).toMatchObject({ channel: 'whatsapp', user: citizen, location: { lat: 33.8938, lon: 35.5018 } });
    expect(inbound[1]).toMatchObject({ text: 'حفرة في الطريق', attachments: [{ kind: 'image', mimeType: 'image/jpeg', size: 4 }] });
    expect((await inbound[1].attachments![0].download!()).toString()).toBe('JPEG');
  });

  it('ignores groups, status updates and its own messages', async () => {
    PhoneDouble.linked = true;
    const inbound: unknown[] = [];
    const wa = start({ handle: async (m) => { inbound.push(m); return []; } });
    await wa.start();
    phone().receive('120363000000000000@g.us', { body: 'hello group', author: '96174444444@c.us' });
    phone().receive('status@broadcast', { body: 'my status' });
    await wa.idle();
    expect(inbound).toEqual([]);
  });

  it('reconnects after a disconnect, and says clearly when the phone logged out', async () => {
    PhoneDouble.linked = true;
    const wa = start();
    await wa.start();
    const first = phone();
    first.emit('disconnected', 'NAVIGATION');
    expect(wa.status.state).toBe('disconnected');
    await until(() => phone() !== first && wa.status.state === 'ready');
    const citizen = '96175555555@c.us';
    phone().receive(citizen, { body: 'مرحبا' });
    await until(() => phone().texts(citizen).length > 0);

    const second = phone();
    PhoneDouble.linked = false; // the phone unlinked this device: the session is gone
    second.emit('disconnected', 'LOGOUT');
    expect(wa.status.state).toBe('logged-out');
    expect(logs.at(-1)).toMatch(/logged this device out/);
    await until(() => phone() !== second && wa.status.state === 'qr' && !!wa.status.qr);
    expect(wa.status.loggedOutAt).toBeInstanceOf(Date);
    await expect(wa.sender.send(citizen, { text: 'staff reply' })).rejects.toThrow(/not connected/);
    phone().link();
    await wa.sender.send(citizen, { text: 'staff reply', choices: [{ label: 'Yes', value: 'yes' }, { label: 'No', value: 'no' }] });
    expect(phone().texts(citizen)).toEqual(['staff reply\n\n1. Yes\n2. No']);
  });
});
