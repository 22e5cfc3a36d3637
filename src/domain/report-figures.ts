import type { Period } from './report-period.js';
import type { ReportScope } from './reports.js';
import { normalize } from '../text/normalize.js';

// What the dashboard shows, as the database computes it (db/reports.ts, db/misunderstood.ts implement these).

export interface DepartmentSla { department: string; filed: number; finished: number; onTime: number; late: number; openOverdue: number }
export interface ComplaintFigures {
  byCategory: { department: string; category: string; n: number }[];
  sla: DepartmentSla[];
  /** Open complaints past their deadline now, whenever filed. */
  backlog: { department: string; n: number }[];
  /** Open complaints whose deadline's day was over, at the end of each day of the period. */
  backlogByDay: { day: string; department: string; n: number }[];
  medianResolveMs?: number;
  /** Complaints resolved at least once, and of those the ones the citizen reopened ("was it fixed? — no"). */
  resolved: number;
  reopened: number;
}
export interface ApplicationFigures {
  byService: { service: string; n: number }[];
  sla: { department: string; filed: number; finished: number; onTime: number; late: number; openOverdue: number }[];
}
export interface AssistantFigures {
  conversations: number;
  withHandoff: number;
  handoffs: number;
  byReason: { reason: string; n: number }[];
  medianTakeMs?: number;
  medianFirstResponseMs?: number;
}

export interface CsatRow { key: string; answers: number; average: number; satisfied: number }

/** The figures of one scope (period, branch, department). */
export interface ReportSource {
  conversationsByDay(p: Period): Promise<{ day: string; channel: string; n: number }[]>;
  complaints(scope: ReportScope, now: Date): Promise<ComplaintFigures>;
  applications(scope: ReportScope, departmentOf: (service: string) => string, now: Date): Promise<ApplicationFigures>;
  assistant(p: Period): Promise<AssistantFigures>;
  csat(by: 'channel' | 'department' | 'staff', scope: ReportScope): Promise<CsatRow[]>;
  /** Ratings per day (the row's key is the day). */
  csatByDay(scope: ReportScope): Promise<CsatRow[]>;
  /** Citizens' questions about a service, per day and service (limited to the scope's services). */
  questionsByDay(scope: ReportScope): Promise<{ day: string; service: string; n: number }[]>;
  /** Citizens' comments after their ratings, newest first (at most `limit`). */
  comments(scope: ReportScope, limit: number): Promise<RatingComment[]>;
}

export interface RatingComment { at: Date; kind: string; channel: string; department: string; staff: string; score: number | null; text: string; confidential: boolean }

export interface MisunderstoodGroup {
  key: string;
  count: number;
  /** The most frequent spellings, most frequent first. */
  texts: string[];
  /** The assistant's most frequent guess for these lines. */
  guess: string;
  /** A conversation it came from and when, as staff are shown it (web chat ids hashed). */
  sample?: { conversation: string; at: Date };
}

export interface Label { key: string; text: string; intent: string; service: string | null; by: string; at: Date }

/** The grouping key: normalised, without digits or punctuation, spaces collapsed. */
export function similarKey(text: string): string {
  return normalize(text).replace(/[\p{N}\p{P}\p{S}]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** What the assistant did not understand, grouped, and the labels maintainers gave the groups. */
export interface MisunderstoodSource {
  groups(p: Period, o: { limit: number; low?: number; shown: (conversation: string) => string }): Promise<MisunderstoodGroup[]>;
  labels: { save(label: Label): Promise<void>; list(limit?: number): Promise<Label[]> };
}
