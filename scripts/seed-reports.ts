// A realistic month for the dashboard: conversations on every channel, complaints across categories and
// departments (some late, some reopened), applications, handoffs with staff replies. Deterministic for a seed.
//   npx tsx scripts/seed-reports.ts mongodb://127.0.0.1:27017/nafidha [conversations] [complaints]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import type { Content } from '../src/content/load.js';
import { CONVERSATION_DAYS } from '../src/db/conversation-days.js';
import { ANSWERS, COMMENTS } from '../src/db/satisfaction.js';
import { daysBetween, dayOf, dayStart } from '../src/domain/report-period.js';
import { CHANNELS } from '../src/shared/chat.js';

const DAY = 86_400_000, MINUTE = 60_000;

/** A small fast PRNG (mulberry32), so a seed always gives the same month. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedOptions { from: string; to: string; conversations: number; complaints: number; applications: number; seed?: number; /** Tells apart the records of two seedings in one database. */ tag?: string;
  /** The share of conversation days with a line the assistant missed (low confidence or out of scope); none when absent. */ missed?: number }

export interface SeededHistory { at: Date; by: string; status?: string; note?: string }
export interface SeededComplaint {
  code: string; category: string; department: string; description: string; photos: string[]; privacy: 'named' | 'confidential' | 'anonymous';
  consentToContact: boolean; lang: 'ar' | 'en'; status: string; createdAt: Date; updatedAt: Date; deadline: Date; history: SeededHistory[];
  flaggedForSupervisor: boolean; via: string; idempotencyKey: string; source?: { channel: string; user: string };
}
export interface SeededApplication {
  code: string; service: string; applicant: { name: string; phone: string }; lang: 'ar' | 'en'; status: string; missingDocuments: string[];
  createdAt: Date; updatedAt: Date; expectedBy: string; history: SeededHistory[];
}
export interface SeededHandoff {
  conversation: string; openKey: string; channel: string; user: string; reason: string; lang: string; status: string; heldBy?: string;
  queuedAt: Date; takenAt?: Date; closedAt?: Date; closedBy?: string; outcome?: string; notes: unknown[]; outOfHours: boolean; updatedAt: Date;
}
export interface SeededLine { conversation: string; from: string; text: string; at: Date; staff?: string; intent?: string; confidence?: number; service?: string; confidential?: boolean }
export interface Activity {
  complaints: SeededComplaint[];
  applications: SeededApplication[];
  handoffs: SeededHandoff[];
  messages: SeededLine[];
  conversationDays: { _id: string; day: string; channel: string; conversation: string }[];
  ratings: { _id: string; kind: string; channel: string; department?: string; staff?: string; score: number; answeredAt: Date; day: string }[];
  /** Comments after some of the ratings (a confidential complaint's among them). */
  comments?: { _id: string; kind: string; channel: string; department?: string; staff?: string; score: number; text: string; at: Date; day: string; confidential: boolean }[];
}

const REASONS = ['requested', 'legal-question', 'form-help', 'misunderstood'];
const AGENTS = ['amal', 'omar', 'salma'];

/** What the month holds, in memory (the test computes its expectations from this, the script inserts it). */
export function monthOfActivity(content: Pick<Content, 'categories' | 'services' | 'municipality'>, o: SeedOptions): Activity {
  const rnd = random(o.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const tz = content.municipality.timezone;
  const days = daysBetween(o.from, o.to);
  const moment = (day: string) => new Date(dayStart(day, tz).getTime() + Math.floor(rnd() * DAY));
  const tag = o.tag ?? 'S';
  // A sequence of its own, so asking for missed lines leaves every other seeded record as it was.
  const missRnd = random((o.seed ?? 7) + 1000);
  const MISSED = ['وين بقدر ادفع فاتورة المي', 'وين بقدر ادفع فاتوره المي؟', 'بدي اعرف شو صار بطلبي', 'in which office do i renew', 'شو رأيكم بالطقس', 'zzqx plorf', 'كم سعر الرخصه', 'الحفرة لسا ما انصلحت'];
  const a: Activity = { complaints: [], applications: [], handoffs: [], messages: [], conversationDays: [], ratings: [] };

  for (let i = 0; i < o.complaints; i++) {
    const category = pick(content.categories);
    const createdAt = moment(pick(days));
    const deadline = new Date(createdAt.getTime() + category.deadlineDays * DAY);
    const history: SeededHistory[] = [{ at: createdAt, by: 'citizen', status: 'received' }];
    let status = 'received';
    const r = rnd();
    if (r < 0.2) { status = 'in-progress'; history.push({ at: new Date(createdAt.getTime() + 3 * 3_600_000), by: 'omar', status }); }
    else if (r < 0.75) {
      // Resolved within twice the category's deadline: some on time, some late.
      const resolvedAt = new Date(createdAt.getTime() + Math.floor(rnd() * 2 * category.deadlineDays * DAY));
      status = 'resolved';
      history.push({ at: resolvedAt, by: 'omar', status });
      const answer = rnd();
      if (answer < 0.2) { status = 'reopened'; history.push({ at: new Date(resolvedAt.getTime() + 3_600_000), by: 'citizen', status, note: 'citizen says it is not fixed' }); }
      else if (answer < 0.6) { status = 'closed'; history.push({ at: new Date(resolvedAt.getTime() + 3_600_000), by: 'citizen', status }); }
    }
    const privacy = pick(['named', 'named', 'confidential', 'anonymous'] as const);
    const user = `seed-${i % 500}`;
    const resolvedBy = history.find((h) => h.status === 'resolved');
    if (resolvedBy && privacy !== 'anonymous' && rnd() < 0.5) {
      const answeredAt = new Date(resolvedBy.at.getTime() + 2 * 3_600_000);
      const rating = { _id: `rate-${tag}-c${i}`, kind: 'complaint', channel: 'telegram', department: category.department, staff: resolvedBy.by, score: 1 + Math.floor(rnd() * 5), answeredAt, day: dayOf(answeredAt, tz) };
      a.ratings.push(rating);
      if (rnd() < 0.15) (a.comments ??= []).push({ _id: rating._id, kind: 'complaint', channel: 'telegram', department: category.department, staff: resolvedBy.by, score: rating.score,
        text: rating.score >= 4 ? 'شكراً، تم الإصلاح بسرعة' : 'تأخر الإصلاح كثيراً', at: new Date(answeredAt.getTime() + 60_000), day: dayOf(new Date(answeredAt.getTime() + 60_000), tz), confidential: privacy === 'confidential' });
    }
    a.complaints.push({
      code: `C-${tag}${String(i).padStart(6, '0')}`, category: category.id, department: category.department, description: `seeded complaint ${i}`, photos: [],
      privacy, consentToContact: privacy !== 'anonymous', lang: rnd() < 0.8 ? 'ar' : 'en', status, createdAt, updatedAt: history.at(-1)!.at, deadline, history,
      flaggedForSupervisor: status === 'reopened', via: 'telegram', idempotencyKey: `seed:${tag}:${i}`, ...(privacy === 'anonymous' ? {} : { source: { channel: 'telegram', user } }),
    });
  }

  for (let i = 0; i < o.applications; i++) {
    const service = pick(content.services);
    const createdAt = moment(pick(days));
    const expectedBy = dayOf(new Date(createdAt.getTime() + service.duration.days * DAY), tz);
    const history: SeededHistory[] = [{ at: createdAt, by: 'salma', status: 'received' }];
    let status = 'received';
    if (rnd() < 0.65) {
      status = rnd() < 0.85 ? 'approved' : 'rejected';
      history.push({ at: new Date(createdAt.getTime() + Math.floor(rnd() * 2 * Math.max(1, service.duration.days) * DAY)), by: 'salma', status });
    }
    a.applications.push({ code: `A-${tag}${String(i).padStart(6, '0')}`, service: service.id, applicant: { name: 'مواطن', phone: '0910000000' }, lang: 'ar', status,
      missingDocuments: [], createdAt, updatedAt: history.at(-1)!.at, expectedBy, history });
  }

  for (let i = 0; i < o.conversations; i++) {
    const channel = pick(CHANNELS);
    const conversation = `${channel}:seed-${tag}-${i}`;
    const active = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(days)))].sort();
    for (const day of active) {
      const at = moment(day);
      a.conversationDays.push({ _id: `${day}|${conversation}`, day, channel, conversation });
      a.messages.push({ conversation, from: 'citizen', text: 'السلام عليكم', at, intent: 'greeting', confidence: 0.9 });
      a.messages.push({ conversation, from: 'bot', text: 'أهلاً بك', at: new Date(at.getTime() + 1000) });
      if (rnd() < 0.4) a.messages.push({ conversation, from: 'citizen', text: 'شو الأوراق المطلوبة؟', at: new Date(at.getTime() + 2000), intent: 'service-info', confidence: 0.8, service: pick(content.services).id });
      if (o.missed && missRnd() < o.missed) {
        const text = MISSED[Math.floor(missRnd() * MISSED.length)]!;
        a.messages.push({ conversation, from: 'citizen', text: missRnd() < 0.5 ? text : `${text} ${1 + Math.floor(missRnd() * 40)}`, at: new Date(at.getTime() + 3000),
          ...(missRnd() < 0.3 ? { intent: 'out-of-scope', confidence: 0.9 } : { intent: 'fees', confidence: Math.floor(missRnd() * 30) / 100 }), ...(missRnd() < 0.1 ? { confidential: true } : {}) });
      }
    }
    if (rnd() < 0.2) {
      const queuedAt = new Date(a.messages.at(-2)!.at.getTime() + MINUTE);
      const h: SeededHandoff = { conversation, openKey: `closed:seed-${tag}-${i}`, channel, user: `seed-${tag}-${i}`, reason: pick(REASONS), lang: 'ar', status: 'queued',
        queuedAt, notes: [], outOfHours: false, updatedAt: queuedAt };
      if (rnd() < 0.8) {
        const staff = pick(AGENTS);
        h.takenAt = new Date(queuedAt.getTime() + (1 + Math.floor(rnd() * 60)) * MINUTE);
        h.status = 'closed'; h.heldBy = staff; h.closedBy = staff; h.outcome = 'answered';
        h.closedAt = new Date(h.takenAt.getTime() + 20 * MINUTE); h.updatedAt = h.closedAt;
        if (rnd() < 0.6) a.ratings.push({ _id: `rate-${tag}-h${i}`, kind: 'handoff', channel, staff, score: 1 + Math.floor(rnd() * 5), answeredAt: h.closedAt, day: dayOf(h.closedAt, tz) });
        a.messages.push({ conversation, from: 'staff', staff, text: 'معك موظف البلدية', at: new Date(h.takenAt.getTime() + Math.floor(rnd() * 10) * MINUTE) });
      } else {
        h.openKey = conversation;
      }
      a.handoffs.push(h);
    }
  }
  return a;
}

async function insertAll(connection: Connection, name: string, docs: object[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 2000) await connection.collection(name).insertMany(docs.slice(i, i + 2000) as never[], { ordered: false });
}

export async function insertActivity(connection: Connection, a: Activity): Promise<void> {
  await insertAll(connection, 'complaints', a.complaints);
  await insertAll(connection, 'applications', a.applications);
  await insertAll(connection, 'handoffs', a.handoffs);
  await insertAll(connection, 'messages', a.messages);
  await insertAll(connection, CONVERSATION_DAYS, a.conversationDays);
  await insertAll(connection, ANSWERS, a.ratings);
  if (a.comments?.length) await insertAll(connection, COMMENTS, a.comments);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [uri, conversations = '3000', complaints = '1500'] = process.argv.slice(2);
  if (!uri) { console.error('usage: npx tsx scripts/seed-reports.ts MONGODB_URI [conversations] [complaints]'); process.exit(2); }
  const { loadContent } = await import('../src/content/load.js');
  const { connectDatabase } = await import('../src/db/connection.js');
  const root = path.resolve(fileURLToPath(import.meta.url), '../..');
  const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
  const db = await connectDatabase(uri);
  const today = dayOf(new Date(), content.municipality.timezone);
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  const activity = monthOfActivity(content, { from, to: today, conversations: +conversations, complaints: +complaints, applications: Math.round(+complaints / 3) });
  await insertActivity(db.connection, activity);
  console.log(`seeded ${from}..${today}: ${activity.conversationDays.length} conversation days, ${activity.complaints.length} complaints, ${activity.applications.length} applications, ${activity.handoffs.length} handoffs`);
  await db.close();
}
