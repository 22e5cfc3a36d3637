/** A reply staff insert with one click, in both console languages. */
export interface CannedReplyText { id: string; title: { ar: string; en: string }; text: { ar: string; en: string } }

/** Where canned replies are kept: seeded from knowledge/canned-replies.yaml, then edited by admins. */
export interface CannedReplyStore {
  list(): Promise<CannedReplyText[]>;
  save(reply: CannedReplyText, by: string): Promise<void>;
  remove(id: string): Promise<boolean>;
}
