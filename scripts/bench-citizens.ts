// Simulated citizens for `npm run bench`: realistic mixed conversations over POST /api/messages (the web chat's
// webhook mode), each message sent only after the previous reply arrived (closed loop).
import http from 'node:http';
import type { Service } from '../src/content/schema.js';
import { newTrackingCode } from '../src/domain/tracking-code.js';

export type ConversationKind = 'service' | 'complaint' | 'status' | 'booking' | 'handoff';
export interface BotReply { text: string; quick_replies?: Array<{ title: string; payload: string }> }

/** A small seeded generator, so two runs send the same conversations. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

// How citizens ask about a service, in MSA, dialects, English and Arabizi ({s} is a name or alias).
const ASK_AR = ['ما هي الأوراق المطلوبة ل{s}؟', 'شو الاوراق المطلوبة ل{s}', 'كيف بطلع {s}', 'بدي {s}', 'شن نبو باش ناخذو {s}',
  'قديش رسوم {s}؟', 'مرحبا، {s}؟', 'ايش اجيب معي عشان {s}', 'كيف أقدم على {s}', '{s}'];
const ASK_EN = ['what documents do I need for {s}?', 'how do I apply for {s}', 'how much is {s}', 'hi, {s} please', '{s} requirements'];
const ASK_ARABIZI = ['{s} shu el awra2?', 'kif btla3 {s}', 'baddi {s}', '{s} 2adesh'];
const FOLLOW_UP = ['والرسوم؟', 'how long?', 'وين لازم روح؟', 'قديش بتاخد وقت؟', 'what are the fees?', 'where do I go?', 'شو الخطوات؟',
  'والمدة؟', 'شن الأوراق؟', 'more details', 'شكرا'];
const COMPLAINT_START = ['/complaint', 'بدي قدم شكوى', 'I want to file a complaint', 'شكوى', 'في حفرة كبيرة بالشارع قدام بيتي', 'the street light is broken'];
const DESCRIPTIONS = ['في حفرة كبيرة بنص الشارع من أسبوع وما حدا صلحها', 'الضو مطفي بالحارة من ثلاث ايام', 'الزبالة ما انشالت من جمعة',
  'water leaking from a broken pipe on the pavement', 'مجاري طايفة قدام العمارة وريحة قوية'];
const LOCATIONS = ['شارع الجامعة قرب الدوار', 'حي النصر، خلف الجامع الكبير', 'near the central market, main road', 'طريق المطار بعد الإشارة'];
const STATUS_TEXT = ['وين صارت شكواي {c}', 'status of {c}', 'شن صار في الشكوى {c}؟', '{c}'];
const BOOKING_START = ['/book', 'بدي احجز موعد', 'I want to book an appointment', 'ممكن آخد دور للشهادة الصحية', 'can I get a slot for a building permit'];
const HANDOFF = ['/agent', 'بدي احكي مع موظف', 'can I talk to a person', 'نبي نكلم موظف'];
const CODE = /\b[CAS]-[0-9A-Z]{5}-[0-9A-Z]{5}\b/;
const BOOKING_CODE = /\bB-[0-9A-Z]{5}-[0-9A-Z]{5}\b/;

/** What a conversation is about, about 57 / 20 / 15 / 5 / 3 per cent (booking an appointment: issue 12). */
export function chooseKind(rnd: () => number): ConversationKind {
  const x = rnd();
  return x < 0.57 ? 'service' : x < 0.77 ? 'complaint' : x < 0.92 ? 'status' : x < 0.97 ? 'booking' : 'handoff';
}

/** Sends one message and returns the replies with the time the citizen waited. */
export type Send = (user: string, text: string) => Promise<BotReply[]>;

export function httpSender(port: number, agent: http.Agent, timeoutMs = 10_000): Send {
  return (user, text) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ type: 'message', user, text });
    const req = http.request({ host: '127.0.0.1', port, path: '/api/messages', method: 'POST', agent, timeout: timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        try { resolve(JSON.parse(Buffer.concat(chunks).toString() || '[]') as BotReply[]); } catch (err) { reject(err); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface CitizenWorld {
  services: Service[];
  /** Tracking codes of complaints filed in this run, for status lookups. */
  codes: string[];
  rnd: () => number;
}

/** One citizen message as the benchmark saw it. */
export interface Exchange { ms: number; kind: ConversationKind; ok: boolean }

/**
 * Plays one conversation of the given kind as a new citizen and reports every exchange. `limit` caps the messages
 * (the 10,000-conversation mode sends one or two); `think` is waited between messages.
 */
export async function converse(send: Send, user: string, kind: ConversationKind, world: CitizenWorld, record: (e: Exchange) => void,
  opts: { limit?: number; think?: () => Promise<void>; stop?: () => boolean } = {}): Promise<{ filed?: string; sent: number }> {
  const { rnd } = world;
  const limit = opts.limit ?? 12;
  let sent = 0;
  const say = async (text: string): Promise<BotReply[] | undefined> => {
    if (sent >= limit || opts.stop?.()) return undefined;
    if (sent > 0) await opts.think?.();
    sent++;
    const t0 = performance.now();
    try {
      const replies = await send(user, text);
      record({ ms: performance.now() - t0, kind, ok: true });
      return replies;
    } catch {
      record({ ms: performance.now() - t0, kind, ok: false });
      return undefined;
    }
  };
  const values = (replies: BotReply[]) => replies.flatMap((r) => r.quick_replies ?? []).map((q) => q.payload);

  if (kind === 'service') {
    const service = pick(rnd, world.services);
    const lang = rnd();
    const names = lang < 0.55 ? [service.name.ar, ...service.aliases.ar] : lang < 0.85 ? [service.name.en, ...service.aliases.en] : service.aliases.arabizi;
    const template = pick(rnd, lang < 0.55 ? ASK_AR : lang < 0.85 ? ASK_EN : ASK_ARABIZI);
    if (rnd() < 0.1 && !(await say(pick(rnd, ['مرحبا', 'hello', 'السلام عليكم'])))) return { sent };
    let replies = await say(template.replace('{s}', pick(rnd, names.length ? names : [service.name.ar])));
    // "Which one did you mean?" is answered with one of the offered services.
    const choice = replies && values(replies).find((v) => v.startsWith('/service '));
    if (choice) replies = await say(choice);
    for (let i = 1 + Math.floor(rnd() * 3); i > 0 && replies; i--) replies = await say(pick(rnd, FOLLOW_UP));
    return { sent };
  }

  if (kind === 'complaint') {
    let replies = await say(pick(rnd, COMPLAINT_START));
    let freeText = 0;
    while (replies) {
      const code = replies.map((r) => CODE.exec(r.text)?.[0]).find(Boolean);
      if (code) return { filed: code, sent };
      const v = values(replies);
      const next = v.includes('/confirm') ? '/confirm'
        : v.some((x) => x.startsWith('/cat ')) ? pick(rnd, v.filter((x) => x.startsWith('/cat ')))
          : v.includes('/named') ? (rnd() < 0.8 ? '/named' : '/confidential')
            : v.includes('/yes') ? '/yes'
              : v.includes('/skip') ? '/skip'
                // A named filing asks for a phone to call back (issue 15).
                : /هاتفك|phone number/.test(replies.at(-1)?.text ?? '') ? '091 234 5678'
                : freeText++ === 0 ? pick(rnd, DESCRIPTIONS) : pick(rnd, LOCATIONS);
      replies = await say(next);
    }
    return { sent };
  }

  if (kind === 'status') {
    const code = world.codes.length && rnd() < 0.7 ? pick(rnd, world.codes) : newTrackingCode('complaint');
    if (rnd() < 0.5) {
      if (await say('/status')) await say(code);
    } else await say(pick(rnd, STATUS_TEXT).replace('{c}', code));
    return { sent };
  }

  if (kind === 'booking') {
    let replies = await say(pick(rnd, BOOKING_START));
    while (replies) {
      if (replies.some((r) => BOOKING_CODE.test(r.text))) return { sent };
      const v = values(replies);
      const last = replies.at(-1)?.text ?? '';
      // The first offered service, branch, day and time; a name and a phone when asked; then confirm.
      const next = v.includes('/book-confirm') ? '/book-confirm'
        : v.find((x) => /^\/book-(service|branch|day|time) /.test(x))
          ?? (/هاتفك|phone number/.test(last) ? '091 234 5678' : /اسمك|your full name/.test(last) ? 'ليلى عمر' : /موضوع|discuss/.test(last) ? 'طلب ترخيص' : undefined);
      if (!next) return { sent };
      replies = await say(next);
    }
    return { sent };
  }

  await say(pick(rnd, HANDOFF));
  return { sent };
}
