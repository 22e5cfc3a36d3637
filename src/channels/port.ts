import type { InboundMessage, Reply } from '../shared/message.js';

/** What a channel needs from the conversation core: one citizen message in, the replies to send out. */
export interface ConversationCore {
  handle(message: InboundMessage): Promise<Reply[]>;
}

/** One line for the operator's log. */
export type Log = (line: string) => void;

/** The message of an unknown thrown value, first line only (stack traces stay out of start-up logs). */
export function describeError(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
