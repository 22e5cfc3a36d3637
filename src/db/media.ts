import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { RecordLocks } from './record-lock.js';

import type { MediaStore, StoredMedia } from '../domain/media.js';

export { IMAGE_TYPES, MAX_MEDIA_BYTES, type StoredMedia } from '../domain/media.js';

const schema = new Schema<StoredMedia>({
  _id: String, conversation: { type: String, index: true }, mimeType: String, size: Number, data: Buffer, createdAt: Date,
}, { versionKey: false, collection: 'media' });


/** Photos (and voice notes, videos, files passed to staff) citizens send, kept in MongoDB (one document each, under the 16 MB document limit) for staff to see. */
export class MongoMediaStore implements MediaStore {
  private readonly model: Model<StoredMedia>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.Media ?? connection.model<StoredMedia>('Media', schema);
    this.locks = new RecordLocks(connection);
  }

  /**
   * Saves a photo unless the chat already stored `max.photos` photos or `max.bytes` bytes since `since`. One upload
   * per chat at a time (a record lock, so across instances too): a concurrent one is refused as busy, not queued.
   */
  async saveWithin(conversation: string, mimeType: string, data: Buffer, since: Date, max: { photos: number; bytes: number }):
    Promise<{ ok: true; mediaId: string } | { ok: false; reason: 'busy' | 'too-many-photos' | 'too-many-bytes' }> {
    const lock = `media:${conversation}`;
    const owner = await this.locks.tryAcquire(lock);
    if (!owner) return { ok: false, reason: 'busy' };
    try {
      const stored = await this.model.find({ conversation, createdAt: { $gte: since } }, { size: 1 }).limit(max.photos + 1).lean();
      if (stored.length >= max.photos) return { ok: false, reason: 'too-many-photos' };
      if (stored.reduce((sum, m) => sum + (m.size ?? 0), 0) + data.length > max.bytes) return { ok: false, reason: 'too-many-bytes' };
      return { ok: true, mediaId: await this.save(conversation, mimeType, data) };
    } finally {
      await this.locks.release(lock, owner);
    }
  }

  async save(conversation: string, mimeType: string, data: Buffer): Promise<string> {
    const id = randomBytes(12).toString('hex');
    await this.model.create({ _id: id, conversation, mimeType, size: data.length, data, createdAt: new Date() });
    return id;
  }

  async get(id: string): Promise<StoredMedia | null> {
    const doc = await this.model.findById(id).lean();
    // lean() hands back the driver's Binary; callers get the bytes as a Buffer.
    const data = doc?.data as unknown as { buffer?: Uint8Array } | Buffer | undefined;
    return doc && { ...doc, data: Buffer.isBuffer(data) ? data : Buffer.from(data?.buffer ?? []) };
  }

  async remove(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  /** What a conversation holds, without the bytes (the console lists it next to the transcript). */
  async listFor(conversation: string): Promise<Array<Omit<StoredMedia, 'data' | 'conversation'>>> {
    return this.model.find({ conversation }, { data: 0, conversation: 0 }).sort({ createdAt: 1 }).limit(200).lean();
  }

  async belongsTo(id: string, conversation: string): Promise<boolean> {
    return (await this.model.countDocuments({ _id: id, conversation })) > 0;
  }
}
