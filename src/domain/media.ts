// What citizens may send as media and how it is kept: the rules here, the storage in db/media.ts.
import { PHOTO_TYPES } from './photos.js';

export const IMAGE_TYPES: readonly string[] = PHOTO_TYPES;
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;

/** A stored photo, voice note, video or file; `conversation` is the chat it came from (only it may use the id). */
export interface StoredMedia { _id: string; conversation: string; mimeType: string; size: number; data: Buffer; createdAt: Date }

/** The storage port for media the conversation keeps. */
export interface MediaStore {
  save(conversation: string, mimeType: string, data: Buffer): Promise<string>;
  get(id: string): Promise<StoredMedia | null>;
  remove(id: string): Promise<void>;
  belongsTo(id: string, conversation: string): Promise<boolean>;
}
