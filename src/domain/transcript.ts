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
  /** The service a citizen's line was understood to be about. */
  service?: string;
  attachments?: unknown[];
  /** The label of the button the citizen tapped (the text is its payload, such as `/yes`). */
  tapped?: string;
  /** Said while filing a confidential complaint (or about one): only the citizen office reads it. */
  confidential?: boolean;
}

/** The port the conversation core writes transcripts through. */
export interface TranscriptStore {
  append(entries: TranscriptEntry[]): Promise<void>;
  list(conversation: string, limit?: number): Promise<TranscriptEntry[]>;
  /** Replaces the text of a conversation's lines from `since` on (an anonymous complaint keeps nothing). */
  redact(conversation: string, since: Date, text: string): Promise<void>;
  /** Marks a conversation's lines from `since` on as confidential (see domain/confidentiality.ts). */
  markConfidential(conversation: string, since: Date): Promise<void>;
}
