import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import type { Reply } from '../../src/shared/message.js';
import { TUNING } from '../../src/understanding/tuning.js';
import { citizen, shippedContent, testKernel } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { startTestServer } from '../helpers/server.js';

// The respond values of the Tuning, pinned through the kernel (the understanding values: test/understanding/tuning.test.ts).
let db: Database;
beforeAll(async () => { db = await testDatabase('tuning-respond'); });
afterAll(async () => { await db.close(); });

const say = async (respond: Partial<typeof TUNING.respond>, text: string): Promise<Reply[]> => {
  const understander = shippedContent().understander.retuned({}, {}, respond);
  return citizen(testKernel(db, { understander })).send(text);
};
const values = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []).map((c) => c.value);
const fallbackTexts = () => {
  const { content } = shippedContent();
  return (['fallback', 'fallback.guesses'] as const).map((k) => content.replies[k].en.split('\n')[0]);
};
const isFallback = (replies: Reply[]) => fallbackTexts().some((t) => replies.some((r) => r.text.includes(t)));

describe('the respond values of the Tuning are pinned by a sentence', () => {
  it(`minConfidence ${TUNING.respond.minConfidence} → 0.45: a vaguely worded complaint is no longer taken up`, async () => {
    expect(isFallback(await say({}, 'issue with the shop'))).toBe(false);
    expect(isFallback(await say({ minConfidence: 0.45 }, 'issue with the shop'))).toBe(true);
  });

  it(`guessService ${TUNING.respond.guessService} → 0.55: the health certificate is no longer offered as a guess`, async () => {
    expect(values(await say({}, 'shhade si77iye kam se3ra'))).toContain('/service health-certificate');
    expect(values(await say({ guessService: 0.55 }, 'shhade si77iye kam se3ra'))).not.toContain('/service health-certificate');
  });

  it(`guessIntent ${TUNING.respond.guessIntent} → 0.25: filing a complaint is no longer offered as a guess`, async () => {
    expect(values(await say({}, 'radd kif wara2'))).toContain('/complaint');
    expect(values(await say({ guessIntent: 0.25 }, 'radd kif wara2'))).not.toContain('/complaint');
  });

  it(`staffInFlow ${TUNING.respond.staffInFlow} → 0.99: asking for staff inside a complaint is taken as the step's answer`, async () => {
    const offered = async (respond: Partial<typeof TUNING.respond>) => {
      const server = await startTestServer({ dbName: `tuning_staff_${respond.staffInFlow ?? 'shipped'}`.replace('.', '_'), understander: shippedContent().understander.retuned({}, {}, respond) });
      try {
        const c = citizen(server.nafidha.kernel);
        await c.send('/complaint');
        return values(await c.send('I want to talk to staff')).includes('/continue');
      } finally { await server.close(); }
    };
    expect(await offered({})).toBe(true);
    expect(await offered({ staffInFlow: 0.99 })).toBe(false);
  });
});
