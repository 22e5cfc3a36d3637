import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import type { ChannelSender, Reply } from '../../src/shared/message.js';
import { citizen } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { testNafidha } from '../helpers/nafidha.js';

let db: Database;
let nafidha: Nafidha;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

beforeAll(async () => { db = await testDatabase('complaint'); nafidha = testNafidha(db); });
afterAll(async () => { await nafidha.stop(); await db.close(); });

const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

/** Files a named complaint with updates through the dialog's buttons and returns its tracking code. */
async function fileNamed(c: ReturnType<typeof citizen>, category: string, description: string, place: string): Promise<string> {
  for (const step of ['/complaint', `/cat ${category}`, description, place, '/skip', '/named', 'سالم علي', '0912345678', '/yes']) await c.say(step);
  return codeIn(await c.say('/confirm'))!;
}

describe('filing a complaint in the chat', () => {
  it('a citizen files a complaint in one message with a location and a photo, in Arabic, and gets a tracking code', async () => {
    const c = citizen(nafidha.kernel);
    const first = await c.send('في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية');
    expect(first[0].text).toContain('الطرق');
    expect(await c.say('/yes')).toContain('الموقع');
    expect(await c.say('', { location: { lat: 32.87, lon: 13.18 } })).toContain('صورة');
    expect(await c.say('', { attachments: [{ kind: 'image', mimeType: 'image/png', size: PNG.length, download: async () => PNG }] })).toContain('وصلت الصورة');
    expect(await c.say('/next')).toContain('بسرية');
    expect(await c.say('/confidential')).toContain('اسمك');
    expect(await c.say('هدى عمر')).toContain('هاتفك');
    expect(await c.say('0923456789')).toContain('تحديثات');
    const summary = await c.say('/yes');
    expect(summary).toContain('مدرسة الامل');
    const receipt = await c.say('/confirm');
    const code = codeIn(receipt)!;
    expect(code).toBeTruthy();

    const stored = await nafidha.complaints.find(code);
    expect(stored).toMatchObject({ category: 'roads', department: 'public-works', privacy: 'confidential', status: 'received', location: { lat: 32.87, lon: 13.18 } });
    expect(stored!.photos).toHaveLength(1);
    expect(stored!.history[0].status).toBe('received');
    expect(stored!.deadline.getTime()).toBeGreaterThan(Date.now());

    const mine = await c.say(`/status`);
    expect(mine).toContain(code);

    const own = await c.say(code.toLowerCase());
    expect(own).toContain(code);
    expect(own).toContain('الشكوى');

    const stranger = await citizen(nafidha.kernel).say(`وين صارت الشكوى ${code}`);
    expect(stranger).toContain(code);
    expect(stranger).not.toContain('مدرسة');
  });

  it('asking for "the status of my application" is not taken for a mistyped code', async () => {
    const reply = await citizen(nafidha.kernel).say('what is the status of my application');
    expect(reply).toContain('tracking code from your receipt');
  });

  it('an English citizen is guided step by step and can fix a field from the summary', async () => {
    const c = citizen(nafidha.kernel, undefined, 'web');
    await c.say('hello');
    expect(await c.say('/complaint')).toContain('What kind of problem');
    expect(await c.say('/cat street-lighting')).toContain('Describe');
    expect(await c.say('The street light has been off for a week')).toContain('Where');
    expect(await c.say('Near the central mosque, Omar street')).toContain('photo');
    await c.say('/skip');
    await c.say('/named');
    await c.say('Omar Saleh');
    await c.say('0912345678');
    await c.say('/no');
    const edit = await c.say('/edit');
    expect(edit, edit).toContain('change');
    await c.say('/edit description');
    const summary = await c.say('The street light at Omar street is off since last Friday');
    expect(summary).toContain('since last Friday');
    // No photo was sent: said in words, not "0 photos".
    expect(summary).toContain('• Photos: none');
    const code = codeIn(await c.say('/confirm'))!;
    expect((await nafidha.complaints.find(code))!.department).toBe('electrical-maintenance');
  });

  it('an anonymous complaint keeps no identity at all', async () => {
    const c = citizen(nafidha.kernel, 'anon-citizen-1');
    await c.say('الزبالة ما انشالت من اسبوع بحارتنا وريحتها طالعة');
    await c.say('/yes');
    await c.say('حارة الجامع');
    await c.say('/skip');
    const summary = await c.say('/anonymous');
    expect(summary).toContain('دون هوية');
    // No photo was sent: said in words («لم تُرفق صور»), not «0 صورة».
    expect(summary).toContain('• الصور: لم تُرفق صور');
    expect(summary).not.toMatch(/[0٠]\u2069? ?صور/);
    const code = codeIn(await c.say('/confirm'))!;
    const stored = await nafidha.complaints.find(code);
    expect(stored!.reporter).toBeUndefined();
    expect(stored!.source).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain('anon-citizen-1');

    // Nor does the chat's transcript keep what was said or the code, so staff cannot link the chat to it.
    const lines = await nafidha.transcripts.list('telegram:anon-citizen-1');
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain('الزبالة');
    expect(JSON.stringify(lines)).not.toContain(code);
    expect(JSON.stringify(lines)).not.toContain('حارة الجامع');

    // The chat holds the code for a while, so the citizen can get it back; the transcript still does not.
    expect(await c.say('/status')).toContain(code);
    expect(await c.say(code.toLowerCase())).toContain(code);
    const later = JSON.stringify(await nafidha.transcripts.list('telegram:anon-citizen-1'));
    expect(later).not.toContain(code);
    expect(later).not.toContain(code.toLowerCase());
  });

  it('a location far outside the municipality is questioned and nothing is lost', async () => {
    const c = citizen(nafidha.kernel);
    await c.say('/complaint');
    await c.say('/cat water');
    await c.say('ماسورة مكسورة والمي عم تتسرب');
    const outside = await c.say('', { location: { lat: 48.85, lon: 2.35 } });
    expect(outside).toContain('خارج حدود البلدية');
    expect(await c.say('شارع الجمهورية')).toContain('صورة');
  });

  it('"cancel" in the middle of a complaint drops it', async () => {
    const c = citizen(nafidha.kernel);
    await c.say('/complaint');
    expect(await c.say('إلغاء')).toContain('تم الإلغاء');
    expect((await c.send('رخصة بناء'))[0].text).toContain('رخصة بناء');
  });

  it('a suggestion is stored and acknowledged with a reference', async () => {
    const c = citizen(nafidha.kernel);
    const reply = await c.say('عندي اقتراح: تزرعوا شجر على طول الطريق العام قدام المدارس');
    expect(reply).toMatch(/S-[0-9A-Z]{5}-[0-9A-Z]{5}/);
  });
});

describe('status notifications', () => {
  it('a status change reaches the filer\'s chat, even when the change is made before a restart', async () => {
    const c = citizen(nafidha.kernel, 'notify-me', 'web');
    const code = await fileNamed(c, 'sewage', 'مجاري طافحة بالشارع', 'حي الزهور');

    // The change is stored in the outbox while no dispatcher runs (the server is "down").
    expect((await nafidha.complaints.changeStatus(code, 'in-progress', 'staff:1', 'team on the way')).ok).toBe(true);

    const received: Array<{ user: string; reply: Reply }> = [];
    const sender: ChannelSender = { channel: 'web', send: async (user, reply) => { received.push({ user, reply }); } };
    const restarted = testNafidha(db, { senders: [sender] });
    restarted.start();
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    await restarted.stop();
    expect(received[0].user).toBe('notify-me');
    expect(received[0].reply.text).toContain(code);
  });

  it('"was it fixed?" answered no reopens the complaint for a supervisor with the comment', async () => {
    const c = citizen(nafidha.kernel, 'fixed-asker', 'web');
    const code = await fileNamed(c, 'roads', 'حفرة كبيرة', 'شارع النصر');
    await nafidha.complaints.changeStatus(code, 'resolved', 'staff:1');
    expect(await c.say(`/fixed no ${code}`)).toContain('ما الذي لم يُحل');
    await c.say('الحفرة لسا موجودة');
    const stored = await nafidha.complaints.find(code);
    expect(stored).toMatchObject({ status: 'reopened', flaggedForSupervisor: true });
    expect(stored!.history.at(-1)!.note).toBe('الحفرة لسا موجودة');
  });
});
