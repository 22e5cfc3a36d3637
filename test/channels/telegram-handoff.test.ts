import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramChannel } from '../../src/channels/telegram/index.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';
import { emulatedTelegram, startTelegramEmulator, type TelegramEmulator } from '../helpers/telegram-emulator.js';

// The whole server as main.ts builds it, a Telegram citizen through the real telegraf client, and an agent in the console.
let server: TestServer;
let emulator: TelegramEmulator;
let channel: TelegramChannel;
let agent: StaffClient;

beforeAll(async () => {
  emulator = await startTelegramEmulator();
  const telegram = emulatedTelegram(emulator);
  server = await startTestServer({ dbName: 'telegram_handoff', channelRows: [telegram.row] });
  channel = telegram.channel();
  agent = new StaffClient(server.url);
  expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
});
afterAll(async () => {
  await channel?.stop();
  await emulator?.close();
  await server?.close();
});

describe('a Telegram citizen and a staff member', () => {
  it('the citizen asks for an agent and receives the staff reply sent through the console', async () => {
    const citizen = emulator.citizen(2001, 'Salma');
    await citizen.command('/agent');
    const [queued] = await emulator.waitForBotMessages(2001, 1);
    expect(queued.text).toMatch(/ترتيبك|موظف/);

    const { body: queue } = await agent.json<{ waiting: Array<{ id: string; conversation: string }> }>('GET', '/console/api/queue');
    const waiting = queue.waiting.find((w) => w.conversation === 'telegram:2001');
    expect(waiting).toBeTruthy();
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/take`)).status).toBe(200);
    expect((await agent.json('POST', `/console/api/conversations/${waiting!.id}/reply`, { text: 'أهلاً سلمى، معك أمل من البلدية. كيف أساعدك؟' })).status).toBe(200);

    const reply = await emulator.waitForBotText(2001, 'معك أمل من البلدية');
    expect(reply.text).toContain('أهلاً سلمى، معك أمل من البلدية. كيف أساعدك؟');
  });
});
