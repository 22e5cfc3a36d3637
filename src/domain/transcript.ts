export type Speaker = 'citizen' | 'bot' | 'staff' | 'note' | 'system';

/** One line of a conversation as staff will read it later. */
export interface TranscriptEntry {
  id?: string;
  conversation: string;
  from: Speaker;
  text: string;
  at: Date;
  staff?: string;
  intent?: string;
  confidence?: number;
  attachments?: unknown[];
}

/** The port the conversation core writes transcripts through. */
export interface TranscriptStore {
  append(entries: TranscriptEntry[]): Promise<void>;
  list(conversation: string, limit?: number): Promise<TranscriptEntry[]>;
  /** Replaces the text of a conversation's lines from `since` on (an anonymous complaint keeps nothing). */
  redact(conversation: string, since: Date, text: string): Promise<void>;
}
