import type { Message } from 'telegraf/types';
import type { Attachment, InboundMessage } from '../../shared/message.js';
import { normaliseCommand } from './commands.js';

export type FileDownload = (fileId: string) => Promise<Buffer>;

type Media = { file_id: string; file_size?: number; mime_type?: string; file_name?: string };

function kindOf(mimeType: string): Attachment['kind'] {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'file';
}

function attachmentOf(media: Media, fallbackMime: string, download: FileDownload): Attachment {
  const mimeType = media.mime_type ?? fallbackMime;
  return { kind: kindOf(mimeType), mimeType, size: media.file_size, fileName: media.file_name, download: () => download(media.file_id) };
}

function attachmentsOf(message: Message, download: FileDownload): Attachment[] {
  // A photo comes in several sizes, largest last; staff want the largest.
  if ('photo' in message) return [attachmentOf(message.photo[message.photo.length - 1], 'image/jpeg', download)];
  if ('document' in message) return [attachmentOf(message.document, 'application/octet-stream', download)];
  if ('voice' in message) return [attachmentOf(message.voice, 'audio/ogg', download)];
  if ('audio' in message) return [attachmentOf(message.audio, 'audio/mpeg', download)];
  if ('video' in message) return [attachmentOf(message.video, 'video/mp4', download)];
  if ('video_note' in message) return [attachmentOf(message.video_note, 'video/mp4', download)];
  // Answered, never downloaded: the assistant has nothing to do with a sticker's picture or a contact card.
  if ('sticker' in message) return [{ kind: 'sticker', mimeType: 'image/webp' }];
  if ('contact' in message) return [{ kind: 'contact', mimeType: 'text/vcard' }];
  return [];
}

/** A Telegram message as the conversation core's message; media is fetched only when the core asks. */
export function messageToInbound(message: Message, download: FileDownload): InboundMessage {
  const chat = String(message.chat.id);
  const text = 'text' in message ? normaliseCommand(message.text)
    : 'caption' in message ? message.caption
    : 'sticker' in message ? message.sticker.emoji
    : undefined;
  const place = 'location' in message ? message.location : undefined;
  const attachments = attachmentsOf(message, download);
  const from = message.from;
  return {
    channel: 'telegram',
    user: chat,
    text: text ?? '',
    location: place ? { lat: place.latitude, lon: place.longitude } : undefined,
    attachments: attachments.length ? attachments : undefined,
    messageId: `${chat}:${message.message_id}`,
    displayName: from ? [from.first_name, from.last_name].filter(Boolean).join(' ') || undefined : undefined,
  };
}
