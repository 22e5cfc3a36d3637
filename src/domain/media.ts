// What citizens may send as media and how it is kept: the rules here, the storage in db/media.ts.
import { PHOTO_TYPES } from './photos.js';

export const IMAGE_TYPES: readonly string[] = PHOTO_TYPES;
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;

/** Recordings the web chat takes (what browsers record and phones save), each kept under the type its bytes show. */
export const AUDIO_TYPES = ['audio/webm', 'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/x-m4a'] as const;

const at = (bytes: Uint8Array, offset: number, ascii: string) => [...ascii].every((c, i) => bytes[offset + i] === c.charCodeAt(0));

/** The audio container the bytes begin with, or undefined for anything else (a page, a script, an image). */
export function audioTypeOf(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'audio/webm';
  if (at(bytes, 0, 'OggS')) return 'audio/ogg';
  if (at(bytes, 0, 'RIFF') && at(bytes, 8, 'WAVE')) return 'audio/wav';
  if (at(bytes, 0, 'ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && ((bytes[1] ?? 0) & 0x06) !== 0)) return 'audio/mpeg';
  if ((bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0)) return 'audio/aac';
  if (at(bytes, 4, 'ftyp')) return 'audio/mp4';
  return undefined;
}

/** Where a web chat upload waits until the message that carries it reaches the conversation (which keeps it or not). */
export const stagedUploads = (chatKey: string) => `upload:${chatKey}`;

/** A stored photo, voice note, video or file; `conversation` is the chat it came from (only it may use the id). */
export interface StoredMedia { _id: string; conversation: string; mimeType: string; size: number; data: Buffer; createdAt: Date }

/** The storage port for media the conversation keeps. */
export interface MediaStore {
  save(conversation: string, mimeType: string, data: Buffer): Promise<string>;
  get(id: string): Promise<StoredMedia | null>;
  remove(id: string): Promise<void>;
  belongsTo(id: string, conversation: string): Promise<boolean>;
}
