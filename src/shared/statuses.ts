import type { Chat } from './chat.js';

export type { Chat };

// The life cycles of what citizens file, shared by the domain modules, their texts and their storage.

export const COMPLAINT_STATUSES = ['received', 'in-progress', 'resolved', 'closed', 'reopened'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const APPLICATION_STATUSES = ['received', 'in-review', 'needs-documents', 'approved', 'delivered', 'rejected'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const SUGGESTION_STATUSES = ['received'] as const;

// An appointment: booked (or requested, for a meeting the office confirms), then kept, missed or cancelled.
export const BOOKING_STATUSES = ['booked', 'requested', 'arrived', 'done', 'no-show', 'cancelled', 'declined'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

export function sameChat(a: Chat | undefined, b: Chat | undefined): boolean {
  return !!a && !!b && a.channel === b.channel && a.user === b.user;
}

/** One line of a record's history: who did what and when. `by` is a staff id, 'citizen' or 'system'. */
export interface HistoryEntry<S extends string = string> {
  at: Date;
  by: string;
  status?: S;
  note?: string;
}
