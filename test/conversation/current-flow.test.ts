import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoChatStates } from '../../src/db/chat-states.js';
import type { Database } from '../../src/db/connection.js';
import { ChatKey } from '../../src/shared/chat.js';
import type { Nafidha } from '../../src/app/compose.js';
import { citizen } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { testNafidha } from '../helpers/nafidha.js';

// A chat is in at most one flow. States written before that rule (a flag or a draft per flow) resume as the flow
// they stood for, so a citizen in the middle of a complaint during an upgrade loses nothing.

let db: Database;
let states: MongoChatStates;
let nafidha: Nafidha;
beforeAll(async () => { db = await testDatabase('current_flow'); states = new MongoChatStates(db.connection); nafidha = testNafidha(db); });
afterAll(async () => { await nafidha.stop(); await db.close(); });

describe('one current flow per chat', () => {
  it('a complaint half filed in the old state shape goes on from the step it was at', async () => {
    const kernel = nafidha.kernel;
    const c = citizen(kernel, `old${Date.now()}`);
    const old = {
      lang: 'ar', misses: 0, seen: [], recent: [], lastAt: Date.now() - 60_000,
      complaint: { step: 'description', category: 'roads', photos: [], startedAt: Date.now() - 60_000, id: 'draft-old-1' },
      awaitingCode: true,
    };
    await states.write(ChatKey.of('telegram', c.user), old as never);
    // The description step takes what is typed as the description and asks for the place next.
    expect(await c.say('حفرة عميقة بنص الطريق قدام الجامع')).toContain('الموقع');
    const stored = await states.read(ChatKey.of('telegram', c.user));
    expect(stored).toMatchObject({ flow: { kind: 'complaint', draft: { step: 'location', category: 'roads', description: 'حفرة عميقة بنص الطريق قدام الجامع' } } });
    expect(stored).not.toHaveProperty('complaint');
    expect(stored).not.toHaveProperty('awaitingCode');
  });

  it('starting a suggestion in the middle of a complaint replaces it: the next message is the suggestion, not the description', async () => {
    const kernel = nafidha.kernel;
    const c = citizen(kernel);
    await c.say('/complaint');
    await c.say('/cat street-lighting');
    expect((await states.read(ChatKey.of('telegram', c.user)))?.flow).toMatchObject({ kind: 'complaint', draft: { step: 'description' } });
    await c.say('/suggest');
    expect((await states.read(ChatKey.of('telegram', c.user)))?.flow).toEqual({ kind: 'suggestion' });
    const thanks = await c.say('تركيب مقاعد في الحديقة العامة');
    expect(thanks).toMatch(/\b[A-Z]-[0-9A-Z]{5}-[0-9A-Z]{5}\b/);
    expect((await states.read(ChatKey.of('telegram', c.user)))?.flow).toBeUndefined();
  });

  it('"cancel" ends whichever flow the chat is in and says so; a second "cancel" finds nothing', async () => {
    const c = citizen(nafidha.kernel, `cancel${Date.now()}`, 'web');
    await c.say('/lang en');
    await c.say('/status');
    expect((await states.read(ChatKey.of('web', c.user)))?.flow).toEqual({ kind: 'awaiting-code' });
    const first = await c.say('cancel');
    const second = await c.say('cancel');
    expect(first).not.toEqual(second);
    expect((await states.read(ChatKey.of('web', c.user)))?.flow).toBeUndefined();
  });
});
