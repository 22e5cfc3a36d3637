import { z } from 'zod';
import type { Attachment, InboundMessage } from '../../conversation/types.js';

const media = z.object({ id: z.string(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });

const cloudMessage = z.object({
  from: z.string(),
  id: z.string(),
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  location: z.object({ latitude: z.coerce.number(), longitude: z.coerce.number() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.optional(),
  video: media.optional(),
  interactive: z.object({
    type: z.string(),
    button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
  }).optional(),
  // A quick-reply button on a template.
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
});
export type CloudMessage = z.infer<typeof cloudMessage>;

const status = z.object({
  id: z.string(), status: z.string(), recipient_id: z.string(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional(),
});

/** The part of Meta's webhook payload Nafidha reads; everything else is ignored. */
export const webhookPayload = z.object({
  object: z.string(),
  entry: z.array(z.object({
    changes: z.array(z.object({
      field: z.string(),
      value: z.object({
        metadata: z.object({ phone_number_id: z.string() }).optional(),
        contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() })).optional(),
        messages: z.array(cloudMessage).optional(),
        statuses: z.array(status).optional(),
      }),
    })),
  })),
});
export type WebhookPayload = z.infer<typeof webhookPayload>;

const KINDS = { image: 'image', document: 'file', audio: 'audio', video: 'video' } as const;

/** One Cloud API message as the conversation core's message; undefined for types the core cannot use (reactions…). */
export function messageToInbound(m: CloudMessage, displayName: string | undefined, download: (mediaId: string) => Promise<Buffer>): InboundMessage | undefined {
  const base: InboundMessage = { channel: 'whatsapp-cloud', user: m.from, messageId: m.id, displayName };
  switch (m.type) {
    case 'text':
      return { ...base, text: m.text?.body ?? '' };
    case 'location':
      return m.location ? { ...base, text: '', location: { lat: m.location.latitude, lon: m.location.longitude } } : undefined;
    case 'interactive': {
      const picked = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return picked ? { ...base, text: picked.id } : undefined;
    }
    case 'button':
      return { ...base, text: m.button?.payload ?? m.button?.text ?? '' };
    case 'image': case 'document': case 'audio': case 'video': {
      const file = m[m.type];
      if (!file) return undefined;
      const attachment: Attachment = { kind: KINDS[m.type], mimeType: file.mime_type ?? 'application/octet-stream', fileName: file.filename, download: () => download(file.id) };
      return { ...base, text: file.caption ?? '', attachments: [attachment] };
    }
    default:
      return undefined;
  }
}
