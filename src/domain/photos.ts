import { MAX_PHOTOS } from './complaint-checks.js';

// What a citizen's photo must be: its bytes say which image it is, whatever the sender labelled it.

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

const startsWith = (bytes: Uint8Array, at: number, magic: number[]) => magic.every((b, i) => bytes[at + i] === b);

/** The image type the bytes begin with (JPEG, PNG or WebP), or undefined for anything else. */
export function photoTypeOf(bytes: Uint8Array): PhotoType | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // RIFF....WEBP
  if (startsWith(bytes, 0, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, 8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return undefined;
}

/** How much one complaint draft may store, and how fast one chat or one address may upload. */
export const PHOTO_LIMITS = {
  photosPerDraft: MAX_PHOTOS,
  bytesPerDraft: 15 * 1024 * 1024,
  uploadsPerChat: 10,
  uploadsPerAddress: 30,
  windowMs: 10 * 60_000,
};
