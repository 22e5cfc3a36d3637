import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import { countOf, presentNumbers } from '../../src/text/numbers.js';
import { parseTrackingCode } from '../../src/domain/tracking-code.js';
import { citizen, shippedContent, testKernel } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { testNafidha } from '../helpers/nafidha.js';

let db: Database;
let nafidha: Nafidha;
beforeAll(async () => { db = await testDatabase('chat_words'); nafidha = testNafidha(db); });
afterAll(async () => { await nafidha.stop(); await db.close(); });

const LRI = '\u2066', PDI = '\u2069';
const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];
/** Every run of digits in the text, with whether it sits inside an isolate. */
function digitRuns(text: string): { run: string; isolated: boolean }[] {
  const out: { run: string; isolated: boolean }[] = [];
  let depth = 0;
  let run = '';
  let isolated = false;
  for (const ch of text) {
    if (ch === LRI || ch === '\u2068') depth++;
    else if (ch === PDI) depth--;
    if (/[0-9\u0660-\u0669]/.test(ch)) { if (!run) isolated = depth > 0; run += ch; continue; }
    if (run) { out.push({ run, isolated }); run = ''; }
  }
  if (run) out.push({ run, isolated });
  return out;
}

describe('numbers in replies', () => {
  it('isolates phone numbers in the Arabic office hours and writes one digit style', async () => {
    const text = await citizen(nafidha.kernel).say('/offices');
    expect(text).toContain(`${LRI}+218 21 360 1000${PDI}`);
    expect(text).toContain(`${LRI}08:00–15:00${PDI}`);
    const runs = digitRuns(text);
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.filter((r) => !r.isolated)).toEqual([]);
  });

  it('no reply mixes Western and Arabic-Indic digits (the building permit fees: "200 م²" beside "50 دينار")', async () => {
    const text = await citizen(nafidha.kernel).say('كم رسوم رخصة البناء');
    expect(text).toMatch(/[0-9]/);
    expect(text).not.toMatch(/[\u0660-\u0669]/);
    expect(text).toContain(`${LRI}200${PDI} م²`);
  });

  it('a municipality that writes Arabic-Indic digits gets them everywhere but in tracking codes', () => {
    const shown = presentNumbers('الرسوم 50 دينار لمبنى ٢٠٠ م². رمزك C-7KQ2X-M4PR9 واتصل على +218 21 360 1000', 'ar', 'arabic-indic');
    expect(shown.replace('C-7KQ2X-M4PR9', '')).not.toMatch(/[0-9]/);
    expect(shown).toContain(`${LRI}٥٠${PDI} دينار`);
    expect(shown).toContain(`${LRI}٢٠٠${PDI} م²`);
    expect(shown).toContain(`${LRI}C-7KQ2X-M4PR9${PDI}`);
    expect(shown).toContain(`${LRI}+٢١٨ ٢١ ٣٦٠ ١٠٠٠${PDI}`);
    expect(presentNumbers(shown, 'ar', 'arabic-indic')).toBe(shown);
  });

  it('the digit style is checked when the content loads', async () => {
    const { Municipality } = await import('../../src/content/schema.js');
    const m = shippedContent().content.municipality;
    expect(m.digits).toBe('western');
    expect(Municipality.safeParse({ ...m, digits: 'roman' }).success).toBe(false);
  });

  it('English amounts say "Libyan dinars"', async () => {
    const text = await citizen(nafidha.kernel).say('what are the fees for a building permit?');
    expect(text).toMatch(/\d+\u2069? Libyan dinars/);
    expect(text).not.toMatch(/\d\u2069? Libyan dinar(?!s)/);
  });

  it('counts in Arabic forms (1, 2, 3–10, 11+, 100) and English singular and plural', () => {
    const { counts } = shippedContent().content;
    const day = counts.day;
    expect([1, 2, 3, 10, 11, 99, 100, 103].map((n) => countOf('ar', n, day.ar)))
      .toEqual(['يوم واحد', 'يومان', '3 أيام', '10 أيام', '11 يوماً', '99 يوماً', '100 يوم', '103 أيام']);
    expect([1, 2, 21].map((n) => countOf('en', n, day.en))).toEqual(['1 day', '2 days', '21 days']);
  });

  it('a receipt isolates its tracking code, and the code copied back with its isolates is looked up', async () => {
    const c = citizen(nafidha.kernel);
    for (const step of ['/complaint', '/cat street-lighting', 'عمود الإنارة مطفي منذ أسبوع', 'شارع عمر المختار', '/skip', '/anonymous']) await c.say(step);
    const receipt = await c.say('/confirm');
    const code = codeIn(receipt)!;
    expect(receipt).toContain(`${LRI}${code}${PDI}`);
    const copied = `${LRI}${code}${PDI}`;
    expect(parseTrackingCode(copied)).toMatchObject({ ok: true, code });
    const status = await c.say(copied);
    expect(status).toContain(code);
    expect(status).not.toContain('مع السلامة');
  });
});

describe('the reply language stays the chat\'s', () => {
  it('an English chat that sends a tracking code is answered in English', async () => {
    const c = citizen(testKernel(db));
    expect(await c.say('Hello, I have a question about my complaint')).toMatch(/[A-Za-z]{4}/);
    const reply = await c.send('C-7KQ2X-M4PR9');
    expect(reply[0].lang).toBe('en');
  });

  it('an English web page\'s chat answers a first message that is only a code in English', async () => {
    const kernel = testKernel(db);
    const user = `page${Math.random().toString(36).slice(2)}`;
    await kernel.greet({ channel: 'web', user }, 'en');
    const [reply] = await kernel.handle({ channel: 'web', user, text: 'c 7kq2x m4pr9', messageId: `${user}:1` });
    expect(reply.lang).toBe('en');
  });

  it('an Arabic chat says «cancel» or makes a typo and stays Arabic', async () => {
    const c = citizen(nafidha.kernel);
    await c.say('السلام عليكم، بدي اسأل عن رخصة البناء');
    expect((await c.send('cancel'))[0].lang).toBe('ar');
    expect((await c.send('hlep'))[0].lang).toBe('ar');
    expect((await c.send('ok'))[0].lang).toBe('ar');
    expect((await c.send('/services'))[0].lang).toBe('ar');
  });

  it('switches on a full sentence in English or when asked', async () => {
    const c = citizen(testKernel(db));
    await c.say('مرحبا');
    expect((await c.send('what documents do I need for a building permit?'))[0].lang).toBe('en');
    const d = citizen(testKernel(db));
    await d.say('مرحبا');
    expect((await d.send('English please'))[0].lang).toBe('en');
    expect((await d.send('شكرا'))[0].lang).toBe('en');
  });
});

describe('small words', () => {
  it('«مرحبا» is welcomed, «السلام عليكم» is answered «وعليكم السلام»', async () => {
    const hello = await citizen(testKernel(db)).say('مرحبا');
    expect(hello).toContain('أهلاً وسهلاً');
    expect(hello).not.toContain('وعليكم السلام');
    expect(await citizen(testKernel(db)).say('السلام عليكم')).toContain('وعليكم السلام');
  });

  it('a lower-case code typed with spaces is a status lookup, not "Goodbye!"', async () => {
    const c = citizen(nafidha.kernel);
    for (const step of ['/complaint', '/cat street-lighting', 'The street light is off for a week now', 'Omar street', '/skip', '/anonymous']) await c.say(step);
    const code = codeIn(await c.say('/confirm'))!;
    const typed = code.toLowerCase().replace(/-/g, ' ');
    await c.say('thanks');
    const reply = await c.say(typed);
    expect(reply).not.toContain('Goodbye');
    expect(reply).toContain(code);
  });
});

describe('the services menu by area', () => {
  it('shows the areas, then the services of the area chosen, with a way back', async () => {
    const c = citizen(testKernel(db));
    const [menu] = await c.send('/services');
    const { serviceGroups, services } = shippedContent().content;
    expect(menu.choices?.map((x) => x.value)).toEqual(serviceGroups.map((g) => `/services ${g.id}`));
    expect(menu.choices!.length).toBeLessThan(8);
    for (const s of services) expect(menu.text).not.toContain(s.name.ar);
    const [area] = await c.send('1');
    expect(area.choices?.map((x) => x.value)).toContain('/service building-permit');
    expect(area.choices?.at(-1)?.value).toBe('/services');
    const [answer] = await c.send('1');
    expect(answer.text).toContain('رخصة بناء');
  });

  it('every service is in exactly one area', () => {
    const { serviceGroups, services } = shippedContent().content;
    const all = serviceGroups.flatMap((g) => g.services).sort();
    expect(all).toEqual(services.map((s) => s.id).sort());
  });
});
