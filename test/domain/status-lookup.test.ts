import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connection.js';
import { describeStatus } from '../../src/domain/status-lookup.js';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { municipality, openDatabase, texts, townCentre, wire } from './setup.js';

let db: Awaited<ReturnType<typeof openDatabase>>;
let app: ReturnType<typeof wire>;
let code: string;
const filer = { channel: 'telegram' as const, user: 'filer-77' };

beforeAll(async () => {
  db = await openDatabase('lookup');
  app = wire(db.connection);
  const filed = await app.complaints.fileComplaint({
    category: 'street-lighting', description: 'عمود الإنارة قدام بيت رقم ١٢ طافي', location: townCentre, photos: ['media-9'],
    privacy: 'confidential', from: filer, name: 'فاطمة', phone: '0912345678', consentToContact: true, lang: 'ar', messageId: 'l-1',
  });
  if (!filed.ok) throw new Error('not filed');
  code = filed.receipt.code;
});
afterAll(async () => { await db?.drop(); });

describe('looking up a complaint by its code', () => {
  it('the filer sees their whole record', async () => {
    const result = await app.lookup.lookupStatus(code.toLowerCase(), filer.channel, filer.user);
    expect(result).toMatchObject({ ok: true, owner: true, summary: { code, status: 'received' } });
    if (!result.ok || !result.owner || result.record.kind !== 'complaint') throw new Error('expected the whole record');
    expect(result.record.complaint).toMatchObject({ description: 'عمود الإنارة قدام بيت رقم ١٢ طافي', reporter: { name: 'فاطمة' } });
  });

  it('a confidential complaint shows another chat only its status and dates, never name, contact, text or place', async () => {
    const result = await app.lookup.lookupStatus(code, 'web', 'someone-else');
    expect(result).toMatchObject({ ok: true, owner: false });
    const shown = JSON.stringify(result);
    for (const secret of ['فاطمة', '0912345678', 'filer-77', 'عمود الإنارة', String(townCentre.lat), 'media-9', 'street-lighting']) {
      expect(shown).not.toContain(secret);
    }
    if (!result.ok) return;
    expect(Object.keys(result.summary).sort()).toEqual(['code', 'createdAt', 'deadline', 'kind', 'status', 'updatedAt']);
  });

  it('the status reads in plain words with the deadline and the next step, in Arabic and English', async () => {
    const result = await app.lookup.lookupStatus(code, 'web', 'someone-else');
    if (!result.ok) throw new Error('not found');
    const en = describeStatus(result.summary, texts, 'en', municipality.timezone);
    expect(en).toContain('received and waiting to be handled');
    expect(en).toContain('commits to act by');
    expect(en).toContain('Next step');
    const ar = describeStatus(result.summary, texts, 'ar', municipality.timezone);
    expect(ar).toContain('الخطوة التالية');
  });

  it('"my requests" lists what this chat filed, and nothing for another chat', async () => {
    const mine = await app.lookup.myRequests(filer.channel, filer.user);
    expect(mine.map((r) => r.summary.code)).toEqual([code]);
    expect(await app.lookup.myRequests('web', 'someone-else')).toEqual([]);
  });

  it('a code with a typo is reported as a typo, an unknown code as not found', async () => {
    const typo = code.slice(0, -1) + (code.endsWith('2') ? '3' : '2');
    expect(await app.lookup.lookupStatus(typo, 'web', 'typist')).toEqual({ ok: false, problem: 'code.typo' });
    expect(await app.lookup.lookupStatus(newTrackingCode('complaint'), 'web', 'typist')).toEqual({ ok: false, problem: 'code.not-found' });
  });
});

describe('throttling failed lookups', () => {
  it('after five misses a chat has to wait, longer after each further miss, even after a restart', async () => {
    let clock = Date.now();
    const timed = wire(db.connection, { now: () => new Date(clock) });
    const guess = () => timed.lookup.lookupStatus(newTrackingCode('complaint'), 'whatsapp', 'guesser');
    for (let i = 0; i < 5; i++) expect(await guess()).toEqual({ ok: false, problem: 'code.not-found' });

    // Even the right code is refused while the chat waits.
    expect(await timed.lookup.lookupStatus(code, 'whatsapp', 'guesser')).toEqual({ ok: false, problem: 'code.throttled', retryAfterSeconds: 30 });

    // A restart: a new connection and new services see the same wait.
    const other = await connectDatabase(db.uri);
    try {
      const restarted = wire(other.connection, { now: () => new Date(clock) });
      expect(await restarted.lookup.lookupStatus(code, 'whatsapp', 'guesser')).toMatchObject({ ok: false, problem: 'code.throttled' });
    } finally {
      await other.close();
    }

    clock += 31_000;
    expect(await guess()).toEqual({ ok: false, problem: 'code.not-found' });
    expect(await guess()).toEqual({ ok: false, problem: 'code.throttled', retryAfterSeconds: 60 });

    // Other chats are not affected.
    expect(await timed.lookup.lookupStatus(code, 'whatsapp', 'neighbour')).toMatchObject({ ok: true });

    // After ten quiet minutes past the last wait, the count starts again.
    clock += 61_000 + 10 * 60_000;
    for (let i = 0; i < 5; i++) expect(await guess()).toEqual({ ok: false, problem: 'code.not-found' });
    expect(await guess()).toMatchObject({ problem: 'code.throttled', retryAfterSeconds: 30 });
  });
});
