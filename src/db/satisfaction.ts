import type { Connection } from 'mongoose';
import type { SatisfactionAnswer, SatisfactionComment, SatisfactionQuestion, SatisfactionStore } from '../domain/satisfaction.js';
import { isDuplicateKey } from './duplicate-key.js';

// Questions and answers live apart, each written once by a unique _id (the question's key, the answer's token):
// asked once and answered once without a read-then-write, which FerretDB would not make atomic.

const QUESTIONS = 'satisfaction_questions';
export const ANSWERS = 'satisfaction_answers';
export const COMMENTS = 'satisfaction_comments';

type QuestionDoc = Omit<SatisfactionQuestion, 'key'> & { _id: string };
type AnswerDoc = Omit<SatisfactionAnswer, 'token'> & { _id: string };

import type { CsatRow } from '../domain/report-figures.js';

export type { CsatRow };

export class MongoSatisfactionStore implements SatisfactionStore {
  private readonly ready: Promise<unknown>;

  constructor(private readonly connection: Connection) {
    this.ready = this.questions.createIndex({ token: 1 }, { unique: true });
  }

  private get questions() { return this.connection.collection<QuestionDoc>(QUESTIONS); }
  private get answers() { return this.connection.collection<AnswerDoc>(ANSWERS); }

  async ask(q: SatisfactionQuestion): Promise<'asked' | 'already'> {
    await this.ready;
    const { key, ...rest } = q;
    try {
      await this.questions.insertOne({ _id: key, ...rest });
      return 'asked';
    } catch (err) {
      if (isDuplicateKey(err)) return 'already';
      throw err;
    }
  }

  async question(token: string): Promise<SatisfactionQuestion | null> {
    const doc = await this.questions.findOne({ token });
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { key: _id, ...rest };
  }

  async comment(c: SatisfactionComment): Promise<'stored' | 'already'> {
    const { token, ...rest } = c;
    try {
      await this.connection.collection<Omit<SatisfactionComment, 'token'> & { _id: string }>(COMMENTS).insertOne({ _id: token, ...rest });
      return 'stored';
    } catch (err) {
      if (isDuplicateKey(err)) return 'already';
      throw err;
    }
  }

  async answer(a: SatisfactionAnswer): Promise<'stored' | 'already'> {
    const { token, ...rest } = a;
    try {
      await this.answers.insertOne({ _id: token, ...rest });
      return 'stored';
    } catch (err) {
      if (isDuplicateKey(err)) return 'already';
      throw err;
    }
  }
}

/**
 * Ratings of a period by channel, department or staff member: answers per (group, score) counted by the database,
 * then the average and the share of 4s and 5s worked out from those few rows.
 */
export async function csatBy(connection: Connection, by: 'channel' | 'department' | 'staff', from: string, to: string, departments?: string[]): Promise<CsatRow[]> {
  const match: Record<string, unknown> = { day: { $gte: from, $lte: to } };
  if (departments) match.department = { $in: departments };
  const rows = await connection.collection(ANSWERS).aggregate<{ _id: { key?: string; score: number }; n: number }>([
    { $match: match }, { $group: { _id: { key: `$${by}`, score: '$score' }, n: { $sum: 1 } } },
  ]).toArray();
  const out = new Map<string, CsatRow & { sum: number }>();
  for (const r of rows) {
    const key = r._id.key ?? '';
    const row = out.get(key) ?? { key, answers: 0, average: 0, satisfied: 0, sum: 0 };
    row.answers += r.n;
    row.sum += r.n * r._id.score;
    if (r._id.score >= 4) row.satisfied += r.n;
    out.set(key, row);
  }
  return [...out.values()].map(({ sum, ...r }) => ({ ...r, average: Math.round((sum / r.answers) * 100) / 100 })).sort((a, b) => a.key.localeCompare(b.key));
}
