import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import type { Reply } from '../../src/shared/message.js';
import { citizen } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { testNafidha } from '../helpers/nafidha.js';

let db: Database;
let nafidha: Nafidha;

beforeAll(async () => { db = await testDatabase('booking-chat'); nafidha = testNafidha(db); });
afterAll(async () => { await nafidha.stop(); await db.close(); });

const codeIn = (text: string) => /B-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];
const choice = (replies: Reply[], prefix: string) => {
  const found = replies.at(-1)?.choices?.find((c) => c.value.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} choice in: ${replies.map((r) => r.text).join(' | ')}`);
  return found.value;
};

describe('booking an appointment in the chat', () => {
  it('in English: service from the message, branch, day, time, name, phone, summary, receipt with the documents', async () => {
    const c = citizen(nafidha.kernel);
    const branches = await c.send('can I get a slot at the counter for my health certificate');
    expect(branches[0].text).toContain('Health');
    const days = await c.send(choice(branches, '/book-branch east-centre'));
    expect(days[0].text).toContain('East District Service Centre');
    const times = await c.send(choice(days, '/book-day'));
    expect(times[0].choices!.length).toBeGreaterThan(1);
    const time = choice(times, '/book-time').slice('/book-time '.length);
    expect(await c.say(`/book-time ${time}`)).toContain('full name');
    expect(await c.say('Sara Ali')).toContain('phone');
    expect(await c.say('call me')).toContain('could not read');
    const summary = await c.say('0912 345 678');
    expect(summary).toContain('Sara Ali');
    expect(summary).toContain(time);
    const receipt = await c.say('/book-confirm');
    const code = codeIn(receipt)!;
    expect(code).toBeTruthy();
    const service = (await import('../helpers/assistant.js')).shippedContent().content.services.find((s) => s.id === 'health-certificate')!;
    for (const d of service.documents) expect(receipt).toContain(d.name.en);
    expect(receipt).toContain('Window 4');
    // Stored before the citizen was told, with the name and phone the clerk needs.
    const stored = await nafidha.bookings.find(code);
    expect(stored).toMatchObject({ status: 'booked', branch: 'east-centre', time, citizen: { name: 'Sara Ali', phone: '0912345678' } });

    // A retried confirm books nothing more.
    await c.say('/book-confirm');
    expect(await nafidha.bookings.mine({ channel: 'telegram', user: c.user })).toHaveLength(1);

    const mine = await c.send('my appointments');
    expect(mine[0].text).toContain(code);
    const status = await c.say(code);
    expect(status).toContain('Appointment');
    expect(status).toContain(time);
  });

  it('«ممكن آخد دور لرخصة البناء؟» starts booking the building permit at the one branch that offers it', async () => {
    const c = citizen(nafidha.kernel);
    const days = await c.send('ممكن آخد دور لرخصة البناء؟');
    expect(days[0].text).toContain('رخصة بناء');
    expect(days[0].choices![0].value).toMatch(/^\/book-day \d{4}-\d{2}-\d{2}$/);
  });

  it('in Arabic: the service comes from what the chat was just talking about; moving keeps the code, cancelling frees it', async () => {
    const c = citizen(nafidha.kernel);
    expect(await c.say('شو الاوراق المطلوبة لرخصة البناء')).toContain('رخصة');
    const days = await c.send('بدي احجز موعد');
    expect(days[0].text).toContain('رخصة بناء');
    const times = await c.send(choice(days, '/book-day'));
    await c.send(choice(times, '/book-time'));
    await c.say('محمد علي');
    const summary = await c.say('٠٩١٢٣٤٥٦٧٨');
    expect(summary).toContain('محمد علي');
    const receipt = await c.say('/book-confirm');
    expect(receipt).toContain('أحضر معك');
    const code = codeIn(receipt)!;

    const list = await c.send('مواعيدي');
    const moveDays = await c.send(choice(list, '/book-move'));
    const moveTimes = await c.send(moveDays[0].choices!.at(-1)!.value);
    const later = moveTimes[0].choices!.filter((x) => x.value.startsWith('/book-time')).at(-1)!.value;
    await c.send(later);
    const moved = await c.say('/book-confirm');
    expect(moved).toContain(code);
    expect(moved).toContain(later.slice('/book-time '.length));
    const stored = await nafidha.bookings.find(code);
    expect(stored!.time).toBe(later.slice('/book-time '.length));

    expect(await c.say(`/book-cancel ${code}`)).toContain(code);
    expect(await c.say(`/book-cancel-yes ${code}`)).toContain('أُلغي');
    expect((await nafidha.bookings.find(code))!.status).toBe('cancelled');
    expect(await c.say('مواعيدي')).toContain('ليست لديك مواعيد');
  });

  it('the last place of a slot goes to the first confirm; the second citizen is offered the next free times', async () => {
    const a = citizen(nafidha.kernel);
    const b = citizen(nafidha.kernel);
    let picked = '';
    for (const who of [a, b]) {
      await who.send('/lang en');
      const days = await who.send('/book lease-contract');
      // Not today's first time: on a slow machine it can pass the booking's lead time between offer and confirm.
      const day = days[0].choices!.filter((x) => x.value.startsWith('/book-day ')).at(-1)!.value;
      const times = await who.send(day);
      picked ||= choice(times, '/book-time');
      await who.send(picked);
      await who.say('Citizen');
      expect(await who.say('0911111111')).toContain(picked.slice('/book-time '.length));
    }
    expect(codeIn(await a.say('/book-confirm'))).toBeTruthy();
    const taken = await b.send('/book-confirm');
    expect(taken[0].text).toContain('just taken');
    expect(taken[0].choices!.some((x) => x.value === picked)).toBe(false);
    expect(taken[0].choices!.some((x) => x.value.startsWith('/book-time'))).toBe(true);
  });

  it('a meeting with the mayor is requested with its subject, not booked at once', async () => {
    const c = citizen(nafidha.kernel);
    await c.send('/lang en');
    const days = await c.send('/book mayor-meeting');
    const times = await c.send(choice(days, '/book-day'));
    await c.send(choice(times, '/book-time'));
    await c.say('Huda Salem');
    expect(await c.say('0921234567')).toContain('discuss');
    await c.say('The street lights in our neighbourhood');
    const receipt = await c.say('/book-confirm');
    expect(receipt).toContain('request');
    const stored = await nafidha.bookings.find(codeIn(receipt)!);
    expect(stored).toMatchObject({ status: 'requested', subject: 'The street lights in our neighbourhood' });
  });

  it('a Latin name typed in an Arabic booking keeps the conversation in Arabic', async () => {
    const c = citizen(nafidha.kernel);
    expect(await c.say('مرحبا')).toContain('أهلاً');
    const days = await c.send('/book lease-contract');
    const times = await c.send(choice(days, '/book-day'));
    await c.send(choice(times, '/book-time'));
    expect(await c.say('Sara Ali')).toContain('رقم هاتفك');
  });
});
