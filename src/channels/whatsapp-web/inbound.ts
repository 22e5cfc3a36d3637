import type { Message } from 'whatsapp-web.js';
import type { Attachment, InboundMessage } from '../../shared/message.js';

const MEDIA_KINDS: Record<string, Attachment['kind']> = { image: 'image', document: 'file', audio: 'audio', ptt: 'audio', video: 'video', sticker: 'sticker', vcard: 'contact', multi_vcard: 'contact' };
const FALLBACK_MIME: Record<Attachment['kind'], string> = { image: 'image/jpeg', file: 'application/octet-stream', audio: 'audio/ogg', video: 'video/mp4', sticker: 'image/webp', contact: 'text/vcard' };

function mediaOf(msg: Message, kind: Attachment['kind']): Attachment {
  const raw = msg.rawData as { mimetype?: string; size?: number; filename?: string };
  return {
    kind,
    mimeType: raw.mimetype ?? FALLBACK_MIME[kind],
    size: raw.size,
    fileName: raw.filename,
    download: async () => {
      const media = await msg.downloadMedia();
      if (!media) throw new Error(`WhatsApp media of message ${msg.id._serialized} is no longer available on the phone`);
      return Buffer.from(media.data, 'base64');
    },
  };
}

/**
 * A WhatsApp Web message as the conversation core's message, or undefined for what is not a citizen writing to
 * us (our own messages, groups, status updates, system notices).
 */
export function messageToInbound(msg: Message): InboundMessage | undefined {
  if (msg.fromMe || msg.isStatus || msg.broadcast || !msg.from.match(/@(c\.us|lid)$/)) return undefined;
  const raw = msg.rawData as { notifyName?: string };
  const base: InboundMessage = { channel: 'whatsapp', user: msg.from, messageId: msg.id._serialized, displayName: raw.notifyName || undefined };
  const kind = MEDIA_KINDS[msg.type];
  switch (msg.type) {
    case 'chat':
      return { ...base, text: msg.body };
    case 'location':
      return { ...base, text: '', location: { lat: Number(msg.location.latitude), lon: Number(msg.location.longitude) } };
    case 'buttons_response':
    case 'list_response':
      return { ...base, text: msg.selectedButtonId ?? msg.selectedRowId ?? msg.body };
    default:
      return kind ? { ...base, text: msg.body, attachments: [mediaOf(msg, kind)] } : undefined;
  }
}
