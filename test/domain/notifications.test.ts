import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connection.js';
import { MongoOutboxStore } from '../../src/db/notifications.js';
import { NotificationDispatcher, startDispatcher } from '../../src/domain/notifications.js';
import { shippedContent } from '../helpers/assistant.js';
import { APPLICATION_STATUSES, COMPLAINT_STATUSES } from '../../src/shared/statuses.js';
import { openDatabase, RecordingSender, townCentre, wire } from './setup.js';

let db: Awaited<ReturnType<typeof openDatabase>>;
let app: ReturnType<typeof wire>;

beforeAll(async () => {
  db = await openDatabase('outbox');
  app = wire(db.connection);
});
afterAll(async () => { await db?.drop(); });

async function fileFrom(user: string) {
  const filed = await app.complaints.fileComplaint({
    category: 'roads', description: 'حفرة', location: townCentre, privacy: 'named', from: { channel: 'telegram', user },
    name: 'Ali', consentToContact: true, lang: 'en', messageId: `${user}-m`,
  });
  if (!filed.ok) throw new Error('not filed');
  return filed.receipt.code;
}

describe('notifications to citizens', () => {
  it('a notification stored before a restart is delivered by the next server', async () => {
    const code = await fileFrom('restart-1');
    // First server: the change is made, then the server stops before any delivery.
    const first = await connectDatabase(db.uri);
    await wire(first.connection).complaints.changeStatus(code, 'in-progress', 'staff:huda');
    await first.close();

    // Second server: a new connection and a new dispatcher.
    const second = await connectDatabase(db.uri);
    try {
      const telegram = new RecordingSender('telegram');
      await new NotificationDispatcher({ store: new MongoOutboxStore(second.connection), senders: [telegram] }).flushOnce();
      expect(telegram.sent).toEqual([{ user: 'restart-1', reply: expect.objectContaining({ text: expect.stringContaining(code) }) }]);
      const stored = await new MongoOutboxStore(second.connection).list({ to: { channel: 'telegram', user: 'restart-1' } });
      expect(stored).toMatchObject([{ state: 'delivered', attempts: 1 }]);
    } finally {
      await second.close();
    }
  });

  it('an unreachable channel delays a notification with growing waits but does not lose it', async () => {
    const code = await fileFrom('flaky-1');
    await app.complaints.changeStatus(code, 'in-progress', 'staff:huda');
    let clock = Date.now() + 1000;
    const telegram = new RecordingSender('telegram');
    telegram.unreachableFor = 2;
    const dispatcher = new NotificationDispatcher({ store: app.stores.outbox, senders: [telegram], baseDelayMs: 10_000, now: () => new Date(clock) });
    const to = { channel: 'telegram' as const, user: 'flaky-1' };

    expect(await dispatcher.flushOnce()).toMatchObject({ delivered: 0, retried: 1 });
    const [afterFirst] = await app.stores.outbox.list({ to });
    expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, lastError: 'channel unreachable' });
    expect(afterFirst.availableAt.getTime() - clock).toBe(10_000);

    clock += 10_000;
    expect(await dispatcher.flushOnce()).toMatchObject({ retried: 1 });
    const [afterSecond] = await app.stores.outbox.list({ to });
    expect(afterSecond.availableAt.getTime() - clock).toBe(20_000);

    clock += 5_000;
    expect(await dispatcher.flushOnce()).toMatchObject({ delivered: 0, retried: 0 }); // not due yet
    clock += 15_000;
    expect(await dispatcher.flushOnce()).toMatchObject({ delivered: 1 });
    expect(telegram.sent.map((s) => s.user)).toEqual(['flaky-1']);
    expect(await app.stores.outbox.list({ to })).toMatchObject([{ state: 'delivered', attempts: 3 }]);
  });

  it('two server instances delivering at the same time send each notification once', async () => {
    const codes = await Promise.all(Array.from({ length: 6 }, (_, i) => fileFrom(`pair-${i}`)));
    for (const code of codes) await app.complaints.changeStatus(code, 'in-progress', 'staff:huda');
    const other = await connectDatabase(db.uri);
    try {
      const a = new RecordingSender('telegram');
      const b = new RecordingSender('telegram');
      await Promise.all([
        new NotificationDispatcher({ store: app.stores.outbox, senders: [a] }).flushOnce(),
        new NotificationDispatcher({ store: new MongoOutboxStore(other.connection), senders: [b] }).flushOnce(),
      ]);
      const users = [...a.sent, ...b.sent].map((s) => s.user).filter((u) => u.startsWith('pair-')).sort();
      expect(users).toEqual(codes.map((_, i) => `pair-${i}`).sort());
    } finally {
      await other.close();
    }
  });

  it('a running dispatcher delivers by itself and stops cleanly', async () => {
    const telegram = new RecordingSender('telegram');
    const dispatcher = startDispatcher({ store: app.stores.outbox, senders: [telegram], intervalMs: 50 });
    const code = await fileFrom('live-1');
    await app.complaints.changeStatus(code, 'in-progress', 'staff:huda');
    const until = Date.now() + 5000;
    while (!telegram.sent.some((s) => s.user === 'live-1') && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await dispatcher.stop();
    expect(telegram.sent.filter((s) => s.user === 'live-1')).toHaveLength(1);
  });

  it('notifications for a channel this server does not run wait for a server that does', async () => {
    const filed = await app.complaints.fileComplaint({
      category: 'roads', description: 'حفرة', location: townCentre, privacy: 'named', from: { channel: 'whatsapp', user: '2189' },
      consentToContact: true, lang: 'ar', messageId: 'wa-wait',
    });
    if (!filed.ok) throw new Error('not filed');
    await app.complaints.changeStatus(filed.receipt.code, 'in-progress', 'staff:huda');
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [new RecordingSender('telegram')] }).flushOnce();
    expect(await app.stores.outbox.list({ to: { channel: 'whatsapp', user: '2189' } })).toMatchObject([{ state: 'pending', attempts: 0 }]);
  });
});

describe('web chat notifications', () => {
  it('a notification for a web chat open on another server instance is left for that instance', async () => {
    const filed = await app.complaints.fileComplaint({
      category: 'roads', description: 'حفرة', location: townCentre, privacy: 'named', from: { channel: 'web', user: 'browser-1' },
      consentToContact: true, lang: 'en', messageId: 'web-1',
    });
    if (!filed.ok) throw new Error('not filed');
    await app.complaints.changeStatus(filed.receipt.code, 'in-progress', 'staff:huda');
    const elsewhere = Object.assign(new RecordingSender('web'), { connected: () => false });
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [elsewhere] }).flushOnce();
    expect(await app.stores.outbox.list({ to: { channel: 'web', user: 'browser-1' } })).toMatchObject([{ state: 'pending', attempts: 0 }]);
    const here = Object.assign(new RecordingSender('web'), { connected: (user: string) => user === 'browser-1' });
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [here] }).flushOnce();
    expect(here.sent.map((s) => s.user)).toEqual(['browser-1']);
  });
});

describe('live messages from staff (the handoff\'s CitizenOutbox)', () => {
  const said = (text: string) => ({ text, lang: 'en' as const });

  it('a message is sent as soon as it is stored, without waiting for the dispatcher to poll', async () => {
    const telegram = new RecordingSender('telegram');
    const dispatcher = new NotificationDispatcher({ store: app.stores.outbox, senders: [telegram] }); // never started
    await dispatcher.deliver({ channel: 'telegram', user: 'live-staff-1' }, said('hello from staff'));
    expect(telegram.sent).toEqual([{ user: 'live-staff-1', reply: { ...said('hello from staff'), id: expect.any(String) } }]);
    expect(await app.stores.outbox.list({ to: { channel: 'telegram', user: 'live-staff-1' } })).toMatchObject([{ state: 'delivered', attempts: 1 }]);
  });

  it('a sender pushed to the list after the dispatcher was built is used (channels start later)', async () => {
    const senders: RecordingSender[] = [];
    const dispatcher = new NotificationDispatcher({ store: app.stores.outbox, senders });
    const to = { channel: 'telegram' as const, user: 'late-channel-1' };
    await dispatcher.deliver(to, said('first'));
    expect(await app.stores.outbox.list({ to })).toMatchObject([{ state: 'pending', attempts: 0 }]);
    const telegram = new RecordingSender('telegram');
    senders.push(telegram);
    await dispatcher.deliver(to, said('second'));
    expect(telegram.sent.map((s) => s.reply.text)).toEqual(['first', 'second']);
  });

  it('a later message waits for an earlier one that is waiting for a retry, so the citizen reads them in order', async () => {
    let clock = Date.now() + 1000;
    const telegram = new RecordingSender('telegram');
    telegram.unreachableFor = 1;
    const dispatcher = new NotificationDispatcher({ store: app.stores.outbox, senders: [telegram], baseDelayMs: 10_000, now: () => new Date(clock) });
    const to = { channel: 'telegram' as const, user: 'in-order-1' };
    await dispatcher.deliver(to, said('first'));
    await dispatcher.deliver(to, said('second'));
    expect(telegram.sent).toEqual([]);
    expect(await app.stores.outbox.list({ to })).toMatchObject([{ state: 'pending', attempts: 1 }, { state: 'pending', attempts: 0 }]);
    clock += 10_000;
    await dispatcher.flushOnce();
    expect(telegram.sent.filter((s) => s.user === 'in-order-1').map((s) => s.reply.text)).toEqual(['first', 'second']);
  });

  it('a message for a web chat open on another instance is left for that instance; one stored where the citizen is not reachable is sent by one that can reach them', async () => {
    const web = { channel: 'web' as const, user: 'browser-live-1' };
    const elsewhere = new NotificationDispatcher({ store: app.stores.outbox, senders: [Object.assign(new RecordingSender('web'), { connected: () => false })] });
    await elsewhere.deliver(web, said('from staff'));
    expect(await app.stores.outbox.list({ to: web })).toMatchObject([{ state: 'pending', attempts: 0 }]);
    const here = Object.assign(new RecordingSender('web'), { connected: (user: string) => user === web.user });
    const other = await connectDatabase(db.uri);
    try {
      await new NotificationDispatcher({ store: new MongoOutboxStore(other.connection), senders: [here] }).flushOnce();
    } finally {
      await other.close();
    }
    expect(here.sent).toEqual([{ user: web.user, reply: { ...said('from staff'), id: expect.any(String) } }]);
  });

  it('many messages left for web chats open elsewhere do not hold up the others', async () => {
    for (let i = 0; i < 60; i++) await app.stores.outbox.enqueue({ to: { channel: 'web', user: `away-${i}` }, reply: said('while you were away') });
    await app.stores.outbox.enqueue({ to: { channel: 'telegram', user: 'behind-the-web-1' }, reply: said('still delivered') });
    const telegram = new RecordingSender('telegram');
    const web = Object.assign(new RecordingSender('web'), { connected: () => false });
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [web, telegram] }).flushOnce();
    expect(telegram.sent.map((s) => s.user)).toContain('behind-the-web-1');
    expect(web.sent).toEqual([]);
  });
});

describe('the texts citizens read', () => {
  it('knowledge/notifications.yaml names every complaint and application status in Arabic and English', () => {
    const t = shippedContent().content.notifications;
    for (const s of COMPLAINT_STATUSES) expect(t.statuses.complaint[s].ar && t.statuses.complaint[s].en).toBeTruthy();
    for (const s of APPLICATION_STATUSES) expect(t.nextSteps.application[s].ar && t.nextSteps.application[s].en).toBeTruthy();
  });
});
