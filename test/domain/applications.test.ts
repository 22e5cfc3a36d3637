import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDispatcher } from '../../src/domain/notifications.js';
import { describeStatus } from '../../src/domain/status-lookup.js';
import { addWorkingDays } from '../../src/domain/working-days.js';
import { municipality, openDatabase, RecordingSender, texts, wire } from './setup.js';

let db: Awaited<ReturnType<typeof openDatabase>>;
let app: ReturnType<typeof wire>;

beforeAll(async () => {
  db = await openDatabase('applications');
  app = wire(db.connection);
});
afterAll(async () => { await db?.drop(); });

describe('expected completion dates', () => {
  const tz = 'Africa/Tripoli';
  it('counts working days Sunday to Thursday and skips Friday and Saturday', () => {
    // Thursday 2025-03-06 at 10:00 Tripoli time: 1 working day later is Sunday.
    expect(addWorkingDays(new Date('2025-03-06T08:00:00Z'), 1, tz)).toBe('2025-03-09');
    // Sunday + 5 working days is the next Sunday.
    expect(addWorkingDays(new Date('2025-03-02T08:00:00Z'), 5, tz)).toBe('2025-03-09');
    // Filed on a Friday: 2 working days are Sunday and Monday.
    expect(addWorkingDays(new Date('2025-03-07T08:00:00Z'), 2, tz)).toBe('2025-03-10');
    expect(addWorkingDays(new Date('2025-03-04T08:00:00Z'), 0, tz)).toBe('2025-03-04');
  });

  it('uses the day in the municipality, not in UTC: 23:30 UTC on Saturday is already Sunday in Tripoli', () => {
    expect(addWorkingDays(new Date('2025-03-08T23:30:00Z'), 1, tz)).toBe('2025-03-10');
  });
});

describe('applications made at the counter', () => {
  it('a building permit made on a Sunday is expected 30 working days (six weeks) later', async () => {
    const sunday = new Date('2025-03-02T08:00:00Z');
    const counter = wire(db.connection, { now: () => sunday });
    const created = await counter.applications.createApplication({ service: 'building-permit', name: 'خالد', phone: '٠٩١٢٣٤٥٦٧٨', by: 'clerk:amal' });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.application).toMatchObject({ status: 'received', expectedBy: '2025-04-13', applicant: { phone: '0912345678' } });
    expect(created.application.code).toMatch(/^A-/);
  });

  it('goes through review, missing documents, approval and delivery, each step in its history and told to the applicant', async () => {
    const chat = { channel: 'telegram' as const, user: 'applicant-5' };
    const created = await app.applications.createApplication({
      service: 'residence-certificate', name: 'Mona', phone: '+218 91 234 5678', chat, lang: 'en', by: 'clerk:amal',
    });
    if (!created.ok) throw new Error('not created');
    const code = created.application.code;

    expect(await app.applications.changeStatus(code, { status: 'in-review', by: 'clerk:amal' })).toMatchObject({ ok: true });
    expect(await app.applications.changeStatus(code, { status: 'needs-documents', by: 'clerk:amal' }))
      .toEqual({ ok: false, reason: 'missing-documents-required' });
    const waiting = await app.applications.changeStatus(code, { status: 'needs-documents', by: 'clerk:amal', missingDocuments: ['ID copy', 'electricity bill'] });
    expect(waiting).toMatchObject({ ok: true, application: { status: 'needs-documents', missingDocuments: ['ID copy', 'electricity bill'] } });

    // Someone else with the code sees what is missing, but not who applied.
    const seen = await app.lookup.lookupStatus(code, 'web', 'stranger');
    expect(seen).toMatchObject({ ok: true, owner: false, summary: { missingDocuments: ['ID copy', 'electricity bill'] } });
    expect(JSON.stringify(seen)).not.toMatch(/Mona|234 5678|applicant-5/);
    if (seen.ok) expect(describeStatus(seen.summary, texts, 'en', municipality.timezone)).toContain('Missing documents: ID copy, electricity bill');

    await app.applications.changeStatus(code, { status: 'approved', by: 'clerk:amal' });
    const done = await app.applications.changeStatus(code, { status: 'delivered', by: 'clerk:amal', note: 'collected by the applicant' });
    expect(done.ok && done.application.history.map((h) => h.status)).toEqual(['received', 'in-review', 'needs-documents', 'approved', 'delivered']);
    expect(done.ok && done.application.missingDocuments).toEqual([]);

    const telegram = new RecordingSender('telegram');
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [telegram] }).flushOnce();
    const told = telegram.sent.filter((s) => s.user === 'applicant-5').map((s) => s.reply.text);
    expect(told).toHaveLength(4);
    expect(told[1]).toContain('ID copy, electricity bill');
    expect(told[2]).toContain('ready for pickup');
    expect(told[3]).toContain('collected by the applicant');
  });

  it('a rejection needs a reason, and only the applicant sees it', async () => {
    const chat = { channel: 'web' as const, user: 'applicant-6' };
    const created = await app.applications.createApplication({ service: 'building-permit', name: 'Omar', phone: '0923334444', chat, by: 'clerk:amal' });
    if (!created.ok) throw new Error('not created');
    const code = created.application.code;
    expect(await app.applications.changeStatus(code, { status: 'rejected', by: 'clerk:amal' })).toEqual({ ok: false, reason: 'reason-required' });
    await app.applications.changeStatus(code, { status: 'rejected', by: 'clerk:amal', reason: 'the plot is outside the zoning plan' });
    const own = await app.lookup.lookupStatus(code, chat.channel, chat.user);
    expect(own.ok && own.owner && own.record.kind === 'application' && own.record.application.rejectionReason).toBe('the plot is outside the zoning plan');
    expect(JSON.stringify(await app.lookup.lookupStatus(code, 'web', 'stranger'))).not.toContain('zoning');
  });

  it('an application made at the counter can be linked to a chat with the phone number given there', async () => {
    const created = await app.applications.createApplication({ service: 'residence-certificate', name: 'Huda', phone: '0915556666', by: 'clerk:amal' });
    if (!created.ok) throw new Error('not created');
    const code = created.application.code;
    const chat = { channel: 'whatsapp' as const, user: '218915556666' };
    expect(await app.lookup.linkApplication(code, '0999999999', chat.channel, chat.user)).toEqual({ ok: false, problem: 'code.not-found' });
    expect(await app.lookup.linkApplication(code, '+218 91 555 6666', chat.channel, chat.user)).toMatchObject({ ok: true, owner: true });
    expect((await app.lookup.myRequests(chat.channel, chat.user)).map((r) => r.summary.code)).toEqual([code]);
  });

  it('an unknown service, a missing name or a phone without digits is refused', async () => {
    expect(await app.applications.createApplication({ service: 'flying-licence', name: ' ', phone: 'none', by: 'clerk:amal' }))
      .toEqual({ ok: false, problems: ['unknown-service', 'name-missing', 'phone-invalid'] });
  });
});
