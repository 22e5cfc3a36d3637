import { createHmac } from 'node:crypto';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { ActionButtons, ActionList, Body, BodyComponent, BodyParameter, Button, Interactive, Language, ListSection, Row, Template, Text } from 'whatsapp-api-js/messages';
import type { ClientMessage, PostData, ServerContacts, ServerMessage, ServerStatusPayload } from 'whatsapp-api-js/types';

// whatsapp-api-js (a WhatsApp Cloud SDK this project did not write) as the judge of both directions: the
// webhook payloads the tests send are typed by its model and must be read by its parser, and every message the
// project sends must be exactly what the SDK itself would send for the same content.

export type { PostData, ServerContacts, ServerMessage, ServerStatusPayload };
type Change = PostData['entry'][number]['changes'][number];

/** One `messages` change as the SDK models it (one message or one status, with its contact). */
export function messageChange(phoneNumberId: string, part: { message: ServerMessage; contact?: ServerContacts } | { status: ServerStatusPayload; contact?: ServerContacts }): Change {
  const value = 'message' in part
    ? { messages: [part.message] as [ServerMessage], ...(part.contact ? { contacts: [part.contact] as [ServerContacts] } : {}) }
    : { statuses: [part.status] as [ServerStatusPayload], ...(part.contact ? { contacts: [part.contact] as [ServerContacts] } : {}) };
  return { field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '218213601000', phone_number_id: phoneNumberId }, ...value } };
}

export function delivery(...changes: Change[]): PostData {
  return { object: 'whatsapp_business_account', entry: [{ id: 'WABA-ID', changes }] };
}

/** What the SDK's own webhook parser makes of each change, one change at a time (it reads the first only). */
export async function sdkReads(payload: PostData, appSecret: string): Promise<Array<{ kind: 'message' | 'status'; recipient: Record<string, unknown>; type?: string; status?: string }>> {
  const seen: Array<{ kind: 'message' | 'status'; recipient: Record<string, unknown>; type?: string; status?: string }> = [];
  const sdk = new WhatsAppAPI({ token: 'unused', appSecret, v: 'v26.0', ponyfill: { fetch: () => { throw new Error('the SDK was asked to send while reading'); } } });
  sdk.on.message = ({ recipient, message }) => { seen.push({ kind: 'message', recipient: { ...recipient }, type: message.type }); };
  sdk.on.status = ({ recipient, status }) => { seen.push({ kind: 'status', recipient: { ...recipient }, status }); };
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      const one: PostData = { object: payload.object, entry: [{ id: entry.id, changes: [change] }] };
      const raw = JSON.stringify(one);
      await sdk.post(one, raw, `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`);
    }
  }
  return seen;
}

type Posted = Record<string, unknown> & { type: string };

/** The SDK message for the content of a message the project posted. */
function sdkMessage(m: Posted): ClientMessage {
  if (m.type === 'text') {
    const t = m.text as { body: string; preview_url?: boolean };
    return new Text(t.body, t.preview_url);
  }
  if (m.type === 'interactive') {
    const i = m.interactive as { type: string; body: { text: string }; action: { buttons?: Array<{ reply: { id: string; title: string } }>; button?: string; sections?: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }> } };
    if (i.type === 'button') {
      const buttons = i.action.buttons!.map((b) => new Button(b.reply.id, b.reply.title));
      return new Interactive(new ActionButtons(...(buttons as [Button, ...Button[]])), new Body(i.body.text));
    }
    const sections = i.action.sections!.map((s) => new ListSection(s.title, ...(s.rows.map((r) => new Row(r.id, r.title, r.description)) as [Row, ...Row[]])));
    return new Interactive(new ActionList(i.action.button!, ...(sections as [ListSection, ...ListSection[]])), new Body(i.body.text));
  }
  if (m.type === 'template') {
    const t = m.template as { name: string; language: { code: string }; components: Array<{ type: string; parameters: Array<{ type: string; text: string }> }> };
    const body = t.components.find((c) => c.type === 'body')!;
    return new Template(t.name, new Language(t.language.code), new BodyComponent(...(body.parameters.map((p) => new BodyParameter(p.text)) as [BodyParameter, ...BodyParameter[]])));
  }
  throw new Error(`no SDK message for type ${m.type}`);
}

/**
 * The request body whatsapp-api-js sends for the same message to the same citizen (a phone number as `to`, a
 * business-scoped user id as `recipient`). The SDK checks the Cloud API's limits as it builds it.
 */
export async function sdkRequestFor(posted: Posted, phoneNumberId: string): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  const sdk = new WhatsAppAPI({ token: 'unused', secure: false, v: 'v26.0', ponyfill: { fetch: (async (_url: string, init: RequestInit) => {
    body = JSON.parse(String(init.body)) as Record<string, unknown>;
    return new Response(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.SDK' }] }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch } });
  const to = typeof posted.to === 'string' ? { phone: posted.to, bsuid: '' } : { bsuid: String(posted.recipient) };
  await sdk.sendMessage(phoneNumberId, to.phone ? { phone: to.phone } as never : { bsuid: to.bsuid }, sdkMessage(posted));
  return body;
}

/**
 * A request body in a form to compare with the SDK's: keys sorted, and the two defaults the SDK spells out or
 * leaves out dropped (`preview_url: false`, a template language's `policy: "deterministic"`).
 */
export function comparable(posted: Record<string, unknown>): string {
  const copy = JSON.parse(JSON.stringify(posted)) as Record<string, unknown>;
  const text = copy.text as { preview_url?: boolean } | undefined;
  if (text && text.preview_url === false) delete text.preview_url;
  const language = (copy.template as { language?: { policy?: string } } | undefined)?.language;
  if (language?.policy === 'deterministic') delete language.policy;
  const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v);
  return JSON.stringify(sorted(copy));
}
