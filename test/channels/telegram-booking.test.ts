import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import { MongoBookingStore } from '../../src/db/bookings.js';
import { BookingService } from '../../src/domain/bookings.js';
import { nextDay, zonedInstant } from '../../src/domain/working-days.js';
import { shippedContent } from '../helpers/assistant.js';
import { testNafidhaOnTelegram } from '../helpers/nafidha.js';
import { type BotMessage, type Citizen, type TelegramEmulator } from '../helpers/telegram-emulator.js';

// A citizen books, moves and is reminded of an appointment on Telegram, through telegraf and a Bot API emulator.
let db: Database;
let nafidha: Nafidha;
let emulator: TelegramEmulator;
const codeIn = (text: string) => /B-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

let product: Awaited<ReturnType<typeof testNafidhaOnTelegram>>;
beforeAll(async () => { product = await testNafidhaOnTelegram('telegram_booking'); ({ db, nafidha, emulator } = product); });
afterAll(async () => { await product?.close(); });

async function send(citizen: Citizen, act: () => Promise<void>): Promise<BotMessage> {
  const count = emulator.botMessages(citizen.chatId).length;
  await act();
  return (await emulator.waitForBotMessages(citizen.chatId, count + 1)).at(-1)!;
}

/** Presses the first inline button whose data starts with `prefix` on the chat's latest message. */
async function press(citizen: Citizen, prefix: string): Promise<BotMessage> {
  const message = emulator.botMessages(citizen.chatId).at(-1)!;
  const button = message.buttons.find((b) => b.data.startsWith(`=${prefix}`));
  if (!button) throw new Error(`no button ${prefix} on "${message.text.slice(0, 80)}": ${JSON.stringify(message.buttons)}`);
  return send(citizen, () => citizen.press(message, button.text));
}

describe('booking an appointment on Telegram', () => {
  it('books with inline buttons, lists and cancels, and is reminded the day before exactly once', async () => {
    const citizen = emulator.citizen(2001, 'Layla Omar');
    const branches = await send(citizen, () => citizen.say('بدي احجز موعد للشهادة الصحية'));
    expect(branches.text).toContain('شهادة صحية');
    const days = await press(citizen, '/book-branch east-centre');
    expect(days.buttons.length).toBeGreaterThan(0);
    const times = await press(citizen, '/book-day');
    const time = times.buttons[0].text;
    // The name the platform shows is offered as a button.
    const askName = await press(citizen, '/book-time');
    expect(askName.buttons.map((b) => b.text)).toEqual(['Layla Omar']);
    expect((await press(citizen, '/book-name-shown')).text).toContain('هاتفك');
    const summary = await send(citizen, () => citizen.say('0913334444'));
    expect(summary.text).toContain(time);
    const receipt = await press(citizen, '/book-confirm');
    const code = codeIn(receipt.text)!;
    expect(receipt.text).toContain('بطاقة الهوية');
    const stored = await nafidha.bookings.find(code);
    expect(stored).toMatchObject({ citizen: { name: 'Layla Omar', chat: { channel: 'telegram', user: '2001' } } });

    // The reminder is due the evening before; a sweep at that time, run twice, sends one message.
    const { content } = shippedContent();
    const at = zonedInstant(nextDay(stored!.day, -1), content.booking.reminder.at, content.municipality.timezone);
    const evening = new BookingService({ store: new MongoBookingStore(db.connection), outbox: nafidha.outbox, texts: nafidha.texts,
      rules: { booking: content.booking, municipality: content.municipality, services: content.services, holidays: content.holidays.map((h) => h.date) },
      now: () => new Date(at.getTime() + 60_000) });
    const count = emulator.botMessages(2001).length;
    expect(await evening.sendDueReminders() + await evening.sendDueReminders()).toBe(1);
    const [reminder] = (await emulator.waitForBotMessages(2001, count + 1)).slice(count);
    expect(reminder.text).toContain(code);
    expect(reminder.text).toContain(time);

    const list = await send(citizen, () => citizen.say('مواعيدي'));
    expect(list.text).toContain(code);
    const ask = await press(citizen, '/book-cancel');
    expect(ask.text).toContain(code);
    expect((await press(citizen, '/book-cancel-yes')).text).toContain('أُلغي');
    expect((await nafidha.bookings.find(code))!.status).toBe('cancelled');
    expect(emulator.botMessages(2001).filter((m) => m.text.includes('تذكير'))).toHaveLength(1);
  });
});
