import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramChannel } from '../../src/channels/telegram/index.js';
import type { Nafidha } from '../../src/app/compose.js';
import { testNafidhaOnTelegram } from '../helpers/nafidha.js';
import { type BotMessage, type Citizen, type TelegramEmulator } from '../helpers/telegram-emulator.js';

// A citizen on Telegram talking to the whole product, through the real telegraf client and a Bot API emulator.
let nafidha: Nafidha;
let emulator: TelegramEmulator;
let channel: TelegramChannel;
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

let product: Awaited<ReturnType<typeof testNafidhaOnTelegram>>;
beforeAll(async () => { product = await testNafidhaOnTelegram('telegram_story'); ({ nafidha, emulator, channel } = product); });
afterAll(async () => { await product?.close(); });

/** Presses the button carrying `value` on the chat's latest message and waits for the answer. */
async function press(citizen: Citizen, value: string): Promise<BotMessage> {
  const before = emulator.botMessages(citizen.chatId);
  const message = before.at(-1)!;
  const button = message.buttons.find((b) => b.data === `=${value}`);
  if (!button) throw new Error(`no button for ${value} on "${message.text.slice(0, 60)}": ${JSON.stringify(message.buttons)}`);
  await citizen.press(message, button.text);
  return (await emulator.waitForBotMessages(citizen.chatId, before.length + 1)).at(-1)!;
}

async function send(citizen: Citizen, act: () => Promise<void>): Promise<BotMessage> {
  const count = emulator.botMessages(citizen.chatId).length;
  await act();
  return (await emulator.waitForBotMessages(citizen.chatId, count + 1)).at(-1)!;
}

describe('a citizen on Telegram', () => {
  it('is welcomed by /start with the menu as buttons', async () => {
    const citizen = emulator.citizen(1001, 'Layla');
    const welcome = await send(citizen, () => citizen.command('/start'));
    expect(welcome.text).toContain('نافذة');
    expect(welcome.buttons.map((b) => b.data)).toEqual(['=/services', '=/complaint', '=/book', '=/status', '=/agent', '=/offices']);
  });

  it('asks for a building permit\'s documents in Arabic and gets them', async () => {
    const citizen = emulator.citizen(1002);
    const answer = await send(citizen, () => citizen.say('شو الأوراق المطلوبة لرخصة البناء؟'));
    expect(answer.text).toContain('رخصة بناء');
    expect(answer.text).toMatch(/الأوراق المطلوبة:\n1\. /);
    expect(emulator.calls.chatActions).toContainEqual({ chat_id: '1002', action: 'typing' });
  });

  it('presses an inline button, gets the answer, and the old buttons are gone', async () => {
    const citizen = emulator.citizen(1003);
    const answer = await send(citizen, () => citizen.say('رخصة بناء'));
    const next = await press(citizen, '/aspect steps');
    expect(next.text).toContain('الخطوات:');
    await channel.idle();
    expect(emulator.botMessages(1003).find((m) => m.messageId === answer.messageId)!.buttons).toEqual([]);
  });

  it('files a complaint with a location and a photo, gets a tracking code, then a status notification', async () => {
    const citizen = emulator.citizen(1004, 'Omar');
    const kind = await send(citizen, () => citizen.say('في حفرة كبيرة قدام مدرسة الامل بشارع الجمهورية'));
    expect(kind.text).toContain('الطرق');
    expect(await press(citizen, '/yes')).toMatchObject({ text: expect.stringContaining('الموقع') });
    expect((await send(citizen, () => citizen.shareLocation(32.87, 13.18))).text).toContain('صورة');
    const photoId = emulator.addFile(JPEG);
    expect((await send(citizen, () => citizen.sendPhoto(photoId))).text).toContain('وصلت الصورة');
    expect(emulator.calls.getFile).toContain(photoId);
    expect((await press(citizen, '/next')).text).toContain('بسرية');
    expect((await press(citizen, '/confidential')).text).toContain('اسمك');
    expect((await send(citizen, () => citizen.say('هدى عمر'))).text).toContain('هاتفك');
    expect((await send(citizen, () => citizen.say('0912345678'))).text).toContain('تحديثات');
    expect((await press(citizen, '/yes')).text).toContain('مدرسة الامل');
    const receipt = await press(citizen, '/confirm');
    const code = codeIn(receipt.text)!;
    expect(code).toBeTruthy();
    const stored = await nafidha.complaints.find(code);
    expect(stored).toMatchObject({ category: 'roads', location: { lat: 32.87, lon: 13.18 }, source: { channel: 'telegram', user: '1004' } });
    expect(stored!.photos).toHaveLength(1);

    const count = emulator.botMessages(1004).length;
    expect((await nafidha.complaints.changeStatus(code, 'in-progress', 'staff:public-works')).ok).toBe(true);
    const [notification] = (await emulator.waitForBotMessages(1004, count + 1)).slice(count);
    expect(notification.text).toContain(code);
  });

  it('receives a staff reply sent through the channel, in order', async () => {
    await channel.sender.send('1005', { text: 'موظف البلدية: تم استلام ملفك وسنتواصل معك غداً.' });
    await channel.sender.send('1005', { text: 'هل من شيء آخر؟', choices: [{ label: 'القائمة', value: '/menu' }] });
    const messages = emulator.botMessages(1005);
    expect(messages.map((m) => m.text)).toEqual(['موظف البلدية: تم استلام ملفك وسنتواصل معك غداً.', 'هل من شيء آخر؟']);
    expect(messages[1].buttons).toEqual([{ text: 'القائمة', data: '=/menu' }]);
  });
});
