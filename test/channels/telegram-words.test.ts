import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nafidha } from '../../src/app/compose.js';
import { testNafidhaOnTelegram } from '../helpers/nafidha.js';
import { shippedContent } from '../helpers/assistant.js';
import { type BotMessage, type Citizen, type TelegramEmulator } from '../helpers/telegram-emulator.js';

// Issue 15's words on a real channel: what a Telegram citizen reads (isolated numbers, areas of services, the
// chat's language) and the name Telegram knows offered when filing with a name.
let nafidha: Nafidha;
let emulator: TelegramEmulator;
const LRI = '\u2066', PDI = '\u2069';
const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

let product: Awaited<ReturnType<typeof testNafidhaOnTelegram>>;
beforeAll(async () => { product = await testNafidhaOnTelegram('telegram_words'); ({ nafidha, emulator } = product); });
afterAll(async () => { await product?.close(); });

/** Does `act` and returns every message the bot sent for it (a long reply comes in parts). */
async function answer(citizen: Citizen, act: () => Promise<void>): Promise<BotMessage[]> {
  const before = emulator.botMessages(citizen.chatId).length;
  await act();
  await emulator.waitForBotMessages(citizen.chatId, before + 1);
  return emulator.botMessages(citizen.chatId).slice(before);
}
const textOf = (m: BotMessage[]) => m.map((x) => x.text).join('\n');
const press = (citizen: Citizen, value: string) => answer(citizen, async () => {
  const last = emulator.botMessages(citizen.chatId).at(-1)!;
  const button = last.buttons.find((b) => b.data === `=${value}`);
  if (!button) throw new Error(`no button ${value} on "${last.text.slice(0, 60)}": ${JSON.stringify(last.buttons)}`);
  await citizen.press(last, button.text);
});

describe('a Telegram citizen reads', () => {
  it('phone numbers and hours isolated from the Arabic around them', async () => {
    const citizen = emulator.citizen(2001);
    const text = textOf(await answer(citizen, () => citizen.say('وين مكاتب البلدية وشو مواعيد الدوام؟')));
    expect(text).toContain(`${LRI}+218 21 360 1000${PDI}`);
    // Every branch's number, not only the first.
    expect(text.split('+218').length).toBeGreaterThan(2);
    expect(text.split(`${LRI}+218`).length).toBe(text.split('+218').length);
  });

  it('the services as a handful of areas, then the services of one', async () => {
    const citizen = emulator.citizen(2002);
    const menu = await answer(citizen, () => citizen.command('/start'));
    expect(menu.at(-1)!.buttons.map((b) => b.data)).toContain('=/services');
    const areas = (await press(citizen, '/services')).at(-1)!;
    expect(areas.buttons.map((b) => b.data)).toEqual(shippedContent().content.serviceGroups.map((g) => `=/services ${g.id}`));
    const utilities = (await press(citizen, '/services utilities')).at(-1)!;
    expect(utilities.buttons.map((b) => b.data)).toEqual(['=/service electricity-subscription', '=/service prepaid-electricity', '=/service water-subscription', '=/services']);
  });

  it('a named complaint offers the Telegram name, shows it in the summary, and the chat stays Arabic', async () => {
    const citizen = emulator.citizen(2003, 'Layla');
    await answer(citizen, () => citizen.say('عمود الإنارة في شارعنا مطفي من أسبوع'));
    for (const step of ['/complaint', '/cat street-lighting']) await answer(citizen, () => citizen.say(step));
    await answer(citizen, () => citizen.say('عمود الإنارة مطفي من أسبوع كامل'));
    await answer(citizen, () => citizen.say('شارع عمر المختار'));
    await press(citizen, '/skip');
    const askName = (await press(citizen, '/named')).at(-1)!;
    expect(askName.text).toContain('اسمك');
    expect(askName.buttons).toEqual([{ text: expect.stringContaining('Layla'), data: '=/use-name' }]);
    expect(textOf(await press(citizen, '/use-name'))).toContain('هاتفك');
    expect(textOf(await answer(citizen, () => citizen.say('091 234 5678')))).toContain('تحديثات');
    const summary = textOf(await press(citizen, '/yes'));
    expect(summary).toContain('Layla');
    expect(summary).toContain(`${LRI}0912345678${PDI}`);
    const receipt = textOf(await press(citizen, '/confirm'));
    const code = codeIn(receipt)!;
    expect(receipt).toContain(`${LRI}${code}${PDI}`);
    expect((await nafidha.complaints.find(code))!.reporter).toMatchObject({ name: 'Layla', phone: '0912345678' });

    // "cancel" and the code typed back in lower case with spaces: still Arabic, and a status, not "goodbye".
    const status = textOf(await answer(citizen, () => citizen.say(code.toLowerCase().replace(/-/g, ' '))));
    expect(status).toContain(code);
    expect(status).toMatch(/[\u0600-\u06FF]/);
    const cancelled = textOf(await answer(citizen, () => citizen.say('cancel')));
    expect(cancelled).toMatch(/[\u0600-\u06FF]/);
  });
});
