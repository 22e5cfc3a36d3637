import { z } from 'zod';
import type { Attachment, InboundMessage } from '../../shared/message.js';

/*
 * Meta's webhook, read part by part: a delivery holds entries, an entry changes, a change messages, statuses
 * and contacts, and each part is checked on its own so one malformed or new kind of part costs only itself.
 * A citizen who set a WhatsApp username may come without a phone number: `from`/`wa_id` are then absent and the
 * business-scoped user id (`from_user_id`/`user_id`, a BSUID like "LY.1502576394655843") is what identifies them.
 */

const media = z.object({ id: z.string(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });

const cloudMessage = z.object({
  from: z.string().optional(),
  from_user_id: z.string().optional(),
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
}).refine((m) => m.from || m.from_user_id, { message: 'neither from nor from_user_id identifies the sender' });
export type CloudMessage = z.infer<typeof cloudMessage>;

const cloudStatus = z.object({
  id: z.string(),
  status: z.string(),
  // Absent when the message was sent to the citizen's BSUID.
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
export type CloudStatus = z.infer<typeof cloudStatus>;

const cloudContact = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type CloudContact = z.infer<typeof cloudContact>;

const envelope = z.object({ object: z.string(), entry: z.array(z.unknown()) });
const entrySchema = z.object({ changes: z.array(z.unknown()) });
const changeSchema = z.object({
  field: z.string(),
  value: z.object({
    metadata: z.object({ phone_number_id: z.string() }).optional(),
    contacts: z.array(z.unknown()).optional(),
    messages: z.array(z.unknown()).optional(),
    statuses: z.array(z.unknown()).optional(),
  }),
});

/** One `messages` change, its parts already checked. */
export interface CloudChange {
  where: string;
  phoneNumberId?: string;
  contacts: CloudContact[];
  messages: CloudMessage[];
  statuses: CloudStatus[];
}

/** What could be read of a delivery, and one line per part that could not (skipped, everything else kept). */
export interface ReadDelivery { changes: CloudChange[]; skipped: string[] }

function problem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(the part itself)'} ${issue?.message ?? 'is not valid'}`.trim();
}

export function readDelivery(body: unknown): ReadDelivery {
  const skipped: string[] = [];
  const changes: CloudChange[] = [];
  const top = envelope.safeParse(body);
  if (!top.success) return { changes, skipped: [`the delivery: ${problem(top.error)}`] };
  top.data.entry.forEach((rawEntry, e) => {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) { skipped.push(`entry[${e}]: ${problem(entry.error)}`); return; }
    entry.data.changes.forEach((rawChange, c) => {
      const where = `entry[${e}].changes[${c}]`;
      const change = changeSchema.safeParse(rawChange);
      if (!change.success) { skipped.push(`${where}: ${problem(change.error)}`); return; }
      if (change.data.field !== 'messages') { skipped.push(`${where}: field '${change.data.field}' is not subscribed to`); return; }
      const { value } = change.data;
      const each = <T>(items: unknown[] | undefined, schema: z.ZodType<T>, name: string): T[] => (items ?? []).flatMap((item, i) => {
        const parsed = schema.safeParse(item);
        if (parsed.success) return [parsed.data];
        const type = typeof item === 'object' && item && 'type' in item ? ` (type ${String((item as { type: unknown }).type)})` : '';
        skipped.push(`${where}.${name}[${i}]${type}: ${problem(parsed.error)}`);
        return [];
      });
      changes.push({
        where,
        phoneNumberId: value.metadata?.phone_number_id,
        contacts: each(value.contacts, cloudContact, 'contacts'),
        messages: each(value.messages, cloudMessage, 'messages'),
        statuses: each(value.statuses, cloudStatus, 'statuses'),
      });
    });
  });
  return { changes, skipped };
}

/** The contact entry that belongs to a message: same phone number, or same BSUID. */
export function contactOf(m: CloudMessage, contacts: CloudContact[]): CloudContact | undefined {
  return contacts.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id));
}

const KINDS = { image: 'image', document: 'file', audio: 'audio', video: 'video' } as const;

/**
 * One Cloud API message as the conversation core's message, for the citizen known by `user`; undefined for
 * types the core cannot use (reactions…).
 */
export function messageToInbound(m: CloudMessage, user: string, displayName: string | undefined, download: (mediaId: string) => Promise<Buffer>): InboundMessage | undefined {
  const base: InboundMessage = { channel: 'whatsapp-cloud', user, messageId: m.id, displayName };
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
    case 'sticker':
      return { ...base, text: '', attachments: [{ kind: 'sticker', mimeType: 'image/webp' }] };
    case 'contacts':
      return { ...base, text: '', attachments: [{ kind: 'contact', mimeType: 'text/vcard' }] };
    default:
      return undefined;
  }
}
