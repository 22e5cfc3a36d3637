import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramChannel } from '../../src/channels/telegram/index.js';
import { MongoMediaStore } from '../../src/db/media.js';
import { toneWav } from '../helpers/audio.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';
import { emulatedTelegram, startTelegramEmulator, type TelegramEmulator } from '../helpers/telegram-emulator.js';

// Voice notes and other media from Telegram citizens, through the real telegraf client and the Bot API emulator.
let server: TestServer;
let emulator: TelegramEmulator;
let channel: TelegramChannel;
let media: MongoMediaStore;
let agent: StaffClient;

beforeAll(async () => {
  emulator = await startTelegramEmulator();
  const telegram = emulatedTelegram(emulator);
  server = await startTestServer({ dbName: 'voice_notes', channelRows: [telegram.row] });
  channel = telegram.channel();
  media = new MongoMediaStore(server.db.connection);
  agent = new StaffClient(server.url);
  expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
});
afterAll(async () => {
  await channel?.stop();
  await emulator?.close();
  await server?.close();
});

const voice = (fileId: string, bytes: Buffer) => ({ voice: { file_id: fileId, file_unique_id: `u${fileId}`, duration: 1, mime_type: 'audio/ogg', file_size: bytes.length } });
const heldMedia = async (chatId: number) => (await media.listFor(`telegram:${chatId}`)).map((m) => m.mimeType);

describe('a Telegram citizen sends a voice note', () => {
  it('is told politely in Arabic that the assistant reads text and offered staff; declining removes the recording', async () => {
    const citizen = emulator.citizen(4001, 'Salma');
    await citizen.say('السلام عليكم');
    await emulator.waitForBotMessages(4001, 1);
    const bytes = toneWav();
    await citizen.send(voice(emulator.addFile(bytes), bytes));
    const answer = await emulator.waitForBotText(4001, 'رسالتك الصوتية');
    expect(answer.text).toContain('أقرأ الرسائل المكتوبة فقط');
    expect(answer.buttons.map((b) => b.text)).toEqual(['أرسلها إلى موظف', 'سأكتب طلبي']);
    expect(await heldMedia(4001)).toEqual(['audio/ogg']);

    await citizen.press(answer, 'سأكتب طلبي');
    await emulator.waitForBotMessages(4001, 3);
    expect(await heldMedia(4001)).toEqual([]);
  });

  it('an English-speaking citizen is answered in English; accepting queues the chat for staff with the recording kept', async () => {
    const citizen = emulator.citizen(4002, 'John');
    await citizen.say('hello, how much is a building permit?');
    await emulator.waitForBotMessages(4002, 1);
    const bytes = toneWav();
    await citizen.send(voice(emulator.addFile(bytes), bytes));
    const answer = await emulator.waitForBotText(4002, 'voice message');
    expect(answer.text).toMatch(/can only read written messages/);
    await citizen.press(answer, 'Pass to staff');
    await emulator.waitForBotText(4002, 'queue');
    expect(await heldMedia(4002)).toEqual(['audio/ogg']);

    // The agent finds the recording beside the conversation; nobody without a session does.
    const { body: queue } = await agent.json<{ waiting: Array<{ id: string; conversation: string }> }>('GET', '/console/api/queue');
    const waiting = queue.waiting.find((w) => w.conversation === 'telegram:4002')!;
    const { body: listed } = await agent.json<{ media: Array<{ id: string; mimeType: string }> }>('GET', `/console/api/conversations/${waiting.id}/media`);
    expect(listed.media).toEqual([expect.objectContaining({ mimeType: 'audio/ogg', size: bytes.length })]);
    const file = await fetch(`${server.url}/console/api/conversations/${waiting.id}/media/${listed.media[0].id}`, { headers: { cookie: agent.cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`${server.url}/console/api/conversations/${waiting.id}/media/${listed.media[0].id}`)).status).toBe(401);
    expect((await fetch(`${server.url}/console/api/conversations/${waiting.id}/media`)).status).toBe(401);
    // Another conversation's id does not open it.
    const other = await fetch(`${server.url}/console/api/conversations/not-a-handoff/media/${listed.media[0].id}`, { headers: { cookie: agent.cookie } });
    expect(other.status).toBe(404);
  });

  it('while staff hold the chat, a voice note goes straight to them without a reply from the assistant', async () => {
    const citizen = emulator.citizen(4003, 'Huda');
    await citizen.command('/agent');
    await emulator.waitForBotMessages(4003, 1);
    const bytes = toneWav(0.5);
    await citizen.send(voice(emulator.addFile(bytes), bytes));
    const deadline = Date.now() + 10_000;
    while ((await heldMedia(4003)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await heldMedia(4003)).toEqual(['audio/ogg']);
    expect(emulator.botMessages(4003).map((m) => m.text).join('\n')).not.toContain('الصوتية');
  });
});

describe('other media from Telegram get a sensible answer', () => {
  it('a sticker, a contact, a document and a video are each answered in the citizen\'s language', async () => {
    const citizen = emulator.citizen(4010, 'Omar');
    await citizen.say('مرحبا');
    await emulator.waitForBotMessages(4010, 1);
    await citizen.send({ sticker: { file_id: 'STK', file_unique_id: 'uSTK', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' } });
    expect((await emulator.waitForBotText(4010, 'كيف أساعدك')).buttons.length).toBeGreaterThan(0);
    await citizen.send({ contact: { phone_number: '+218910000000', first_name: 'Ali' } });
    await emulator.waitForBotText(4010, 'جهات الاتصال');
    const pdf = Buffer.from('%PDF-1.4 test');
    await citizen.send({ document: { file_id: emulator.addFile(pdf), file_unique_id: 'uDOC', mime_type: 'application/pdf', file_name: 'permit.pdf', file_size: pdf.length } });
    await emulator.waitForBotText(4010, 'لا أستطيع فتح الملفات');
    const mp4 = Buffer.from('not really a video');
    await citizen.send({ video: { file_id: emulator.addFile(mp4), file_unique_id: 'uVID', width: 1, height: 1, duration: 1, mime_type: 'video/mp4', file_size: mp4.length } });
    await emulator.waitForBotText(4010, 'وصل الفيديو');
    // Only the last offer is pending: the document was removed when the video came.
    expect(await heldMedia(4010)).toEqual(['video/mp4']);
  });
});
