import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION, parseFixedChoice, type FileComplaintInput } from '../../src/domain/complaints.js';
import { NotificationDispatcher } from '../../src/domain/notifications.js';
import { openDatabase, RecordingSender, townCentre, wire } from './setup.js';

let db: Awaited<ReturnType<typeof openDatabase>>;
let app: ReturnType<typeof wire>;

beforeAll(async () => {
  db = await openDatabase('complaints');
  app = wire(db.connection);
});
afterAll(async () => { await db?.drop(); });

const pothole = (overrides: Partial<FileComplaintInput> = {}): FileComplaintInput => ({
  category: 'roads',
  description: 'حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية',
  location: townCentre,
  photos: ['media-1'],
  privacy: 'confidential',
  from: { channel: 'telegram', user: '1001' },
  name: 'سالم',
  consentToContact: true,
  lang: 'ar',
  ...overrides,
});

describe('filing a complaint', () => {
  it('is stored with its category, department, deadline and history before the receipt is given', async () => {
    const before = Date.now();
    const result = await app.complaints.fileComplaint(pothole({ messageId: 'm-1' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.receipt.department).toBe('public-works');
    const stored = await app.stores.complaints.findByCode(result.receipt.code);
    expect(stored).toMatchObject({ category: 'roads', department: 'public-works', status: 'received', photos: ['media-1'], privacy: 'confidential' });
    expect(stored!.history).toEqual([expect.objectContaining({ status: 'received', by: 'citizen' })]);
    const days = (stored!.deadline.getTime() - stored!.createdAt.getTime()) / 86_400_000;
    expect(days).toBe(10);
    expect(stored!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('the same message delivered twice is stored once and both times gets the same receipt', async () => {
    const [first, second] = await Promise.all([
      app.complaints.fileComplaint(pothole({ messageId: 'retried-7', from: { channel: 'whatsapp', user: '218911' } })),
      app.complaints.fileComplaint(pothole({ messageId: 'retried-7', from: { channel: 'whatsapp', user: '218911' } })),
    ]);
    const third = await app.complaints.fileComplaint(pothole({ messageId: 'retried-7', from: { channel: 'whatsapp', user: '218911' } }));
    expect(first.ok && second.ok && third.ok).toBe(true);
    if (!first.ok || !second.ok || !third.ok) return;
    expect(second.receipt.code).toBe(first.receipt.code);
    expect(third.receipt.code).toBe(first.receipt.code);
    expect(third.duplicate).toBe(true);
    const mine = await app.stores.complaints.listBySource({ channel: 'whatsapp', user: '218911' }, 10);
    expect(mine).toHaveLength(1);
  });

  it('the same text sent again in the same minute without a message id is stored once', async () => {
    const from = { channel: 'web' as const, user: 'visitor-9' };
    const a = await app.complaints.fileComplaint(pothole({ from, description: 'عمود الإنارة طافي من أسبوع' }));
    const b = await app.complaints.fileComplaint(pothole({ from, description: 'عمود الإنارة طافي من أسبوع' }));
    expect(a.ok && b.ok && a.receipt.code === b.receipt.code).toBe(true);
  });

  it('an over-long description is refused with the limit, and nothing is stored', async () => {
    const from = { channel: 'web' as const, user: 'long-writer' };
    const result = await app.complaints.fileComplaint(pothole({ from, description: 'x'.repeat(MAX_DESCRIPTION + 1) }));
    expect(result).toEqual({ ok: false, problems: [{ problem: 'complaint.description-too-long', max: MAX_DESCRIPTION }] });
    expect(await app.stores.complaints.listBySource(from, 10)).toEqual([]);
  });

  it('a location far outside the municipality is questioned, a typed landmark is accepted', async () => {
    const far = await app.complaints.fileComplaint(pothole({ location: { lat: 36.8, lon: 10.18 }, messageId: 'far' }));
    expect(far).toEqual({ ok: false, problems: [{ problem: 'complaint.location-outside' }] });
    const typed = await app.complaints.fileComplaint(pothole({ location: { text: 'قدام مدرسة الأمل' }, messageId: 'typed' }));
    expect(typed.ok).toBe(true);
  });

  it('an unknown category is refused', async () => {
    const result = await app.complaints.fileComplaint(pothole({ category: 'parking', messageId: 'cat' }));
    expect(result).toEqual({ ok: false, problems: [{ problem: 'complaint.unknown-category' }] });
  });

  it('an anonymous complaint keeps no name, no contact and no chat id at all', async () => {
    const from = { channel: 'telegram' as const, user: 'anon-chat-4242' };
    const result = await app.complaints.fileComplaint(pothole({ privacy: 'anonymous', from, name: 'Should Vanish', messageId: 'anon-1' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const raw = await db.connection.collection('complaints').findOne({ code: result.receipt.code });
    const text = JSON.stringify(raw);
    expect(text).not.toContain('anon-chat-4242');
    expect(text).not.toContain('Should Vanish');
    expect(raw).not.toHaveProperty('reporter');
    expect(raw).not.toHaveProperty('source');
    expect(raw!.consentToContact).toBe(false);
    // The documented trade-off: "my requests" cannot find it.
    expect(await app.lookup.myRequests('telegram', 'anon-chat-4242')).toEqual([]);
  });

  it("an anonymous complaint's retry key is forgotten after an hour", async () => {
    const hourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    const past = wire(db.connection, { now: () => hourAgo });
    const old = await past.complaints.fileComplaint(pothole({ privacy: 'anonymous', messageId: 'old-anon', from: { channel: 'web', user: 'w-old' } }));
    await app.complaints.fileComplaint(pothole({ messageId: 'trigger-forget', from: { channel: 'web', user: 'w-new' } }));
    const raw = await db.connection.collection('complaints').findOne({ code: old.ok ? old.receipt.code : '' });
    expect(raw!.idempotencyKey).toBe(`forgotten:${raw!.code}`);
  });
});

describe('changing the status of a complaint', () => {
  it('appends who, when and the note to the history and tells the filer on their chat', async () => {
    const from = { channel: 'telegram' as const, user: 'filer-1' };
    const filed = await app.complaints.fileComplaint(pothole({ from, messageId: 'st-1', lang: 'en' }));
    if (!filed.ok) throw new Error('not filed');
    const changed = await app.complaints.changeStatus(filed.receipt.code, 'in-progress', 'staff:huda', 'crew sent on Sunday');
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    expect(changed.complaint.history.at(-1)).toMatchObject({ by: 'staff:huda', status: 'in-progress', note: 'crew sent on Sunday' });

    const telegram = new RecordingSender('telegram');
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [telegram] }).flushOnce();
    const mine = telegram.sent.filter((s) => s.user === 'filer-1');
    expect(mine).toHaveLength(1);
    expect(mine[0].reply.text).toContain(filed.receipt.code);
    expect(mine[0].reply.text).toContain('crew sent on Sunday');
  });

  it('a filer who did not agree to be contacted is not messaged', async () => {
    const from = { channel: 'telegram' as const, user: 'quiet-1' };
    const filed = await app.complaints.fileComplaint(pothole({ from, messageId: 'q-1', consentToContact: false }));
    if (!filed.ok) throw new Error('not filed');
    await app.complaints.changeStatus(filed.receipt.code, 'in-progress', 'staff:huda');
    expect(await app.stores.outbox.list({ to: from })).toEqual([]);
  });

  it('when resolved, the filer is asked whether it is really fixed; "no" reopens it for a supervisor with the comment', async () => {
    const from = { channel: 'whatsapp' as const, user: '218925550000' };
    const filed = await app.complaints.fileComplaint(pothole({ from, messageId: 'fx-1', lang: 'en' }));
    if (!filed.ok) throw new Error('not filed');
    const code = filed.receipt.code;
    await app.complaints.changeStatus(code, 'resolved', 'staff:omar', 'hole filled');

    const whatsapp = new RecordingSender('whatsapp');
    await new NotificationDispatcher({ store: app.stores.outbox, senders: [whatsapp] }).flushOnce();
    const question = whatsapp.sent.find((s) => s.user === from.user)!.reply;
    expect(question.text).toMatch(/really fixed/);
    expect(question.choices).toHaveLength(2);
    const no = question.choices!.map((c) => parseFixedChoice(c.value)).find((a) => a && !a.yes);
    expect(no).toEqual({ code, yes: false });

    const answered = await app.complaints.answerFixed(code, false, 'the hole is still there', from);
    expect(answered.ok).toBe(true);
    const stored = await app.stores.complaints.findByCode(code);
    expect(stored).toMatchObject({ status: 'reopened', flaggedForSupervisor: true });
    expect(stored!.history.at(-1)).toMatchObject({ by: 'citizen', status: 'reopened', note: 'the hole is still there' });
  });

  it('"yes, it is fixed" closes the complaint', async () => {
    const from = { channel: 'web' as const, user: 'happy-1' };
    const filed = await app.complaints.fileComplaint(pothole({ from, messageId: 'ok-1' }));
    if (!filed.ok) throw new Error('not filed');
    await app.complaints.changeStatus(filed.receipt.code, 'resolved', 'staff:omar');
    await app.complaints.answerFixed(filed.receipt.code, true, undefined, from);
    expect(await app.stores.complaints.findByCode(filed.receipt.code)).toMatchObject({ status: 'closed', flaggedForSupervisor: false });
  });

  it('someone other than the filer cannot answer "was it fixed?"', async () => {
    const filed = await app.complaints.fileComplaint(pothole({ messageId: 'other-1', from: { channel: 'web', user: 'owner-2' } }));
    if (!filed.ok) throw new Error('not filed');
    await app.complaints.changeStatus(filed.receipt.code, 'resolved', 'staff:omar');
    const answer = await app.complaints.answerFixed(filed.receipt.code, false, 'prank', { channel: 'web', user: 'stranger' });
    expect(answer).toEqual({ ok: false, reason: 'not-yours' });
    expect(await app.stores.complaints.findByCode(filed.receipt.code)).toMatchObject({ status: 'resolved' });
  });

  it('a complaint reassigned to another department keeps the deadline promised to the citizen', async () => {
    const filed = await app.complaints.fileComplaint(pothole({ messageId: 'ra-1' }));
    if (!filed.ok) throw new Error('not filed');
    const moved = await app.complaints.reassign(filed.receipt.code, 'sanitation', 'staff:huda');
    expect(moved.ok && moved.complaint.department).toBe('sanitation');
    expect(moved.ok && moved.complaint.deadline).toEqual(filed.receipt.deadline);
    expect(moved.ok && moved.complaint.history.at(-1)?.note).toBe('reassigned from public-works to sanitation');
    expect(await app.complaints.reassign(filed.receipt.code, 'no-such-dept', 'staff:huda')).toEqual({ ok: false, reason: 'unknown-department' });
  });
});

describe('suggestions', () => {
  it('a suggestion is stored once and acknowledged with a reference code', async () => {
    const from = { channel: 'web' as const, user: 'idea-1' };
    const a = await app.suggestions.submitSuggestion({ text: 'ضعوا مقاعد في حديقة الحي', lang: 'ar', from, messageId: 's-1' });
    const b = await app.suggestions.submitSuggestion({ text: 'ضعوا مقاعد في حديقة الحي', lang: 'ar', from, messageId: 's-1' });
    expect(a.ok && a.code).toMatch(/^S-/);
    expect(b).toEqual({ ok: true, code: a.ok ? a.code : '', duplicate: true });
    expect(await app.suggestions.submitSuggestion({ text: '  ', lang: 'ar', from })).toEqual({ ok: false, problem: 'suggestion.empty' });
  });
});
