import path from 'node:path';
import { loadContent, type Content } from '../../src/content/load.js';
import { createKernel, type Kernel, type KernelDeps } from '../../src/conversation/kernel.js';
import type { InboundMessage } from '../../src/shared/message.js';
import { MongoChatStates } from '../../src/db/chat-states.js';
import { MongoTranscriptStore } from '../../src/db/transcripts.js';
import type { Database } from '../../src/db/connection.js';
import { Understander } from '../../src/understanding/understand.js';

let cached: { content: Content; understander: Understander } | undefined;

/** The shipped content and understanding, built once per test file (they are read-only). */
export function shippedContent(): { content: Content; understander: Understander } {
  if (!cached) {
    const root = path.resolve(import.meta.dirname, '../..');
    const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
    cached = { content, understander: new Understander(content) };
  }
  return cached;
}

/** The real conversation kernel (real understanding) on a real test database. */
export function testKernel(db: Database, extra: Partial<KernelDeps> = {}): Kernel {
  const { content, understander } = shippedContent();
  return createKernel({
    content, understander, states: new MongoChatStates(db.connection), transcripts: new MongoTranscriptStore(db.connection),
    log: () => undefined, ...extra,
  });
}

/** A citizen on a channel: `say` sends one message and returns the reply texts joined. */
export function citizen(assistant: Pick<Kernel, 'handle'>, user = `u${Math.random().toString(36).slice(2)}`, channel: InboundMessage['channel'] = 'telegram') {
  let n = 0;
  return {
    user,
    async send(text: string, more: Partial<InboundMessage> = {}) {
      return assistant.handle({ channel, user, text, messageId: `${user}:${++n}`, ...more });
    },
    async say(text: string, more: Partial<InboundMessage> = {}) {
      const replies = await this.send(text, more);
      return replies.map((r) => r.text).join('\n---\n');
    },
  };
}
