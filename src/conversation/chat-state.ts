import type { ChatState } from './state.js';

/** Where the kernel keeps each chat's state between messages: three verbs, so any database can hold it. */
export interface ChatStateStore {
  read(key: string): Promise<ChatState | undefined>;
  write(key: string, state: ChatState): Promise<void>;
  delete(key: string): Promise<void>;
}
