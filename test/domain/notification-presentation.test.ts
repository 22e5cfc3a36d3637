import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBookingStore } from '../../src/db/bookings.js';
import { MongoOutboxStore } from '../../src/db/notifications.js';
import { BookingService, type BookingRules } from '../../src/domain/bookings.js';
import { NotificationDispatcher } from '../../src/domain/notifications.js';
import type { Reply } from '../../src/shared/message.js';
import { shippedContent } from '../helpers/assistant.js';
import { openDatabase, RecordingSender, texts, wire } from './setup.js';

// Messages sent outside a conversation (status changes, reminders, blocked slots, the Mayor's Office's answers) are
// read like chat replies: in Arabic text every number, code, date, time and phone number in its own left-to-right
// isolate (or a Telegram or WhatsApp client draws "10:00" or "021 360 1000" reversed), in the municipality's
// digits; English and the stored outbox stay plain.

const SUNDAY = new Date('2026-12-27T06:00:00Z');
const LRI = '\u2066', PDI = '\u2069';
const CODE = /[CASB]-[0-9A-Z]{5}-[0-9A-Z]{5}/g;
const indic = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

let db: Awaited<ReturnType<typeof openDatabase>>;
beforeAll(async () => { db = await openDatabase('notification_presentation'); });
afterAll(async () => { await db?.drop(); });

function bookings() {
  const { content } = shippedContent();
  const rules: BookingRules = { booking: content.booking, municipality: content.municipality, services: content.services, holidays: content.holidays.map((h) => h.date) };
  return new BookingService({ store: new MongoBookingStore(db.connection), rules, outbox: new MongoOutboxStore(db.connection), texts, now: () => SUNDAY });
}

/** What is left of a text once its isolated runs are taken out: no digit may remain there. */
const outsideIsolates = (text: string) => text.replace(/\u2066[^\u2066-\u2069]*\u2069/g, '');

/** Every notification queued so far, as `digits` renders it on a text channel. */
async function rendered(digits: 'western' | 'arabic-indic'): Promise<Map<string, Reply[]>> {
  const telegram = new RecordingSender('telegram');
  const store = new MongoOutboxStore(db.connection);
  // Delivered once: each pass renders what is still pending, so both styles are rendered from copies.
  for (const n of await store.list({ state: 'delivered' })) await store.enqueue({ to: n.to, reply: n.reply, about: n.about });
  await new NotificationDispatcher({ store, senders: [telegram], digits }).flushOnce();
  const byUser = new Map<string, Reply[]>();
  for (const s of telegram.sent) byUser.set(s.user, [...(byUser.get(s.user) ?? []), s.reply]);
  return byUser;
}

describe('notifications outside a conversation', () => {
  it('isolate every number, code, date and phone number in Arabic, in the municipality\'s digits; English stays plain', async () => {
    const app = wire(db.connection);
    const tg = (user: string) => ({ channel: 'telegram' as const, user });

    // A complaint's status change with a staff note giving a phone number, and its resolution (with buttons).
    const filed = await app.complaints.fileComplaint({
      category: 'roads', description: 'حفرة عميقة أمام المدرسة', location: { text: 'شارع 12' }, photos: [], privacy: 'named',
      reporter: { name: 'سالم', phone: '0912345678' }, consentToContact: true, lang: 'ar', from: tg('c-ar'), messageId: 'np-1',
    } as Parameters<typeof app.complaints.fileComplaint>[0]);
    if (!filed.ok) throw new Error('not filed');
    const complaint = filed.receipt.code;
    await app.complaints.changeStatus(complaint, 'in-progress', 'staff:huda', 'للاستفسار اتصل على 021 360 1000');
    await app.complaints.changeStatus(complaint, 'resolved', 'staff:huda');

    // An application waiting for documents.
    const created = await app.applications.createApplication({ service: 'residence-certificate', name: 'منى', phone: '0912345679', chat: tg('a-ar'), lang: 'ar', by: 'clerk:amal' });
    if (!created.ok) throw new Error('not created');
    await app.applications.changeStatus(created.application.code, { status: 'needs-documents', by: 'clerk:amal', missingDocuments: ['صورة عقد 2024'] });

    // The Mayor's Office's answer, in Arabic and in English, and a slot blocked under an Arabic booking.
    const b = bookings();
    const ask = (user: string, lang: 'ar' | 'en', time: string) => b.book({ service: 'mayor-meeting', branch: 'main-hall', day: '2026-12-29', time, name: 'x', phone: '+218 91 000 1000', chat: tg(user), lang, subject: 'حديقة', by: 'citizen', via: 'telegram', idempotencyKey: `np:${user}` });
    const meetingAr = await ask('m-ar', 'ar', '10:00');
    const meetingEn = await ask('m-en', 'en', '11:00');
    if (!meetingAr.ok || !meetingEn.ok) throw new Error('not booked');
    await b.decide(meetingAr.booking.code, true, 'office:huda');
    await b.decide(meetingEn.booking.code, true, 'office:huda');
    const visit = await b.book({ service: 'health-certificate', branch: 'east-centre', day: '2027-01-05', time: '10:00', name: 'y', phone: '+218 91 000 2000', chat: tg('d-ar'), lang: 'ar', by: 'citizen', via: 'telegram', idempotencyKey: 'np:visit' });
    if (!visit.ok) throw new Error(visit.problem);
    const blocked = await b.block({ branch: 'east-centre', fromDay: '2027-01-05', reason: 'انقطاع الكهرباء', by: 'supervisor:huda', requestId: 'np-block' });
    if (!blocked.ok) throw new Error(blocked.problem);

    // Stored as written: the outbox holds no bidi controls.
    const stored = await new MongoOutboxStore(db.connection).list();
    expect(stored.map((n) => n.to.user).sort()).toEqual(['a-ar', 'c-ar', 'c-ar', 'd-ar', 'm-ar', 'm-en']);
    expect(stored.filter((n) => /[\u2066-\u2069]/.test(n.reply.text))).toEqual([]);

    for (const digits of ['western', 'arabic-indic'] as const) {
      const sent = await rendered(digits);
      const arabic = ['c-ar', 'a-ar', 'm-ar', 'd-ar'].flatMap((u) => sent.get(u) ?? []);
      expect(arabic.length).toBe(5);
      const digit = (s: string) => (digits === 'arabic-indic' ? indic(s) : s);
      for (const r of arabic) {
        // No digit of either kind outside an isolate; codes keep Latin digits (they are typed back), other digits the style.
        expect(outsideIsolates(r.text), r.text).not.toMatch(/[0-9\u0660-\u0669]/);
        for (const code of r.text.match(CODE) ?? []) expect(r.text).toContain(`${LRI}${code}${PDI}`);
        const rest = r.text.replace(CODE, '');
        expect(rest, r.text).not.toMatch(digits === 'arabic-indic' ? /[0-9]/ : /[\u0660-\u0669]/);
        for (const c of r.choices ?? []) {
          expect(c.label).not.toMatch(/[\u2066-\u2069]/);
          expect(c.label.replace(CODE, ''), c.label).not.toMatch(digits === 'arabic-indic' ? /[0-9]/ : /[\u0660-\u0669]/);
        }
      }
      const [status] = sent.get('c-ar')!;
      expect(status.text).toContain(`${LRI}${digit('021 360 1000')}${PDI}`);
      expect(sent.get('c-ar')!.at(-1)!.choices!.length).toBe(2);
      expect(sent.get('a-ar')![0].text).toContain(`${LRI}${digit('2024')}${PDI}`);
      const approved = sent.get('m-ar')![0].text;
      expect(approved).toContain(`${LRI}${digit('10:00')}${PDI}`);
      expect(approved).toContain(`${LRI}${digit('29')}${PDI}`);
      expect(approved).toContain(`${LRI}${meetingAr.booking.code}${PDI}`);
      const displaced = sent.get('d-ar')![0];
      expect(displaced.text).toContain(`${LRI}${digit('10:00')}${PDI}`);
      expect(displaced.choices!.filter((c) => c.value.startsWith('/book-move-to ')).length).toBeGreaterThan(0);
      // The buttons' payloads are what the chat reads back: untouched.
      for (const c of displaced.choices!) expect(c.value).not.toMatch(/[\u0660-\u0669\u2066-\u2069]/);

      const english = sent.get('m-en')![0].text;
      expect(english).not.toMatch(/[\u2066-\u2069\u0660-\u0669]/);
      expect(english).toContain('11:00');
      expect(english).toContain(meetingEn.booking.code);
    }
  });
});
