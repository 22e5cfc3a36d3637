import type { Connection, mongo } from 'mongoose';
import { OPEN_STATUSES, type Booking } from '../domain/bookings.js';
import type { Chat } from '../shared/statuses.js';
import { putById } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

/**
 * Small documents found by `_id` that answer the booking reads of every confirm.
 *
 * Why: FerretDB 1.24 on SQLite uses an index only for an exact `_id` lookup; "the booking stored under this retry
 * key" and "the open bookings of this chat" as filters read the whole bookings collection, and with 40 citizens
 * confirming at once each confirm took tens of seconds. So:
 *
 *   booking_keys   `_id` = the retry key, `{ code }`: which booking a confirm made (written once it is stored)
 *   booking_chats  `_id` = `chat|<channel>|<user>`, `{ items: [{ code, service, day }] }`: the chat's open bookings,
 *                  changed under the chat's record lock while the booking's own lock is held (so in order)
 *
 * Both are only hints towards the bookings themselves, which are then read by `_id` (their code) and decide: a
 * stale entry (a booking cancelled by a server that crashed before it updated the list) is simply not open.
 */

export interface ChatEntry { code: string; service: string; day: string }
interface ChatDoc { _id: string; items: ChatEntry[] }

export const chatId = (c: Chat) => `chat|${c.channel}|${c.user}`;

export function chatEntryOf(b: Booking): ChatEntry | null {
  return b.citizen.chat && OPEN_STATUSES.includes(b.status) ? { code: b.code, service: b.service, day: b.day } : null;
}

export class BookingIndex {
  readonly keys: mongo.Collection<{ _id: string; code: string }>;
  readonly chats: mongo.Collection<ChatDoc>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.keys = connection.collection('booking_keys');
    this.chats = connection.collection('booking_chats');
    this.locks = new RecordLocks(connection);
  }

  async codeOfKey(key: string): Promise<string | undefined> {
    return (await this.keys.findOne({ _id: key }))?.code;
  }

  /** Idempotent: the same key always names the one booking the unique index let in. */
  async noteKey(key: string, code: string): Promise<void> {
    await putById(this.keys, key, { code });
  }

  async chatEntries(c: Chat): Promise<ChatEntry[]> {
    return (await this.chats.findOne({ _id: chatId(c) }))?.items ?? [];
  }

  /** Brings the chat's list from what it held of a booking (`before`, null when new) to what the booking is now. */
  async sync(before: Booking | null, after: Booking): Promise<void> {
    const chat = after.citizen.chat ?? before?.citizen.chat;
    if (!chat) return;
    const old = before && chatEntryOf(before);
    const now = chatEntryOf(after);
    if (old && now && old.day === now.day && old.service === now.service) return;
    if (!old && !now) return;
    const id = chatId(chat);
    await this.locks.withLock(`booking-chat:${id}`, async () => {
      const doc = await this.chats.findOne({ _id: id });
      const items = (doc?.items ?? []).filter((e) => e.code !== after.code);
      if (now) items.push(now);
      if (items.length) await putById(this.chats, id, { items });
      else await retryTransient(() => this.chats.deleteOne({ _id: id }));
    }, 20_000);
  }

  /**
   * Adds the open bookings to their chats' lists (one full read: a first start on an older database). Merged under
   * each chat's lock, not replaced: a second server starting at the same moment may already be booking.
   */
  async build(open: Booking[]): Promise<void> {
    for (const b of open) await this.sync(null, b);
  }
}
