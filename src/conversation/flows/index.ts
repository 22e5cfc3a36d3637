import type { Content } from '../../content/load.js';
import type { ComplaintService } from '../../domain/complaints.js';
import type { NotificationTexts } from '../../domain/notification-texts.js';
import type { StatusLookup } from '../../domain/status-lookup.js';
import type { SuggestionService } from '../../domain/suggestions.js';
import type { MediaStore } from '../../domain/media.js';
import type { Phrasebook } from '../replies.js';
import type { Flows } from '../respond.js';
import type { BookingService } from '../../domain/bookings.js';
import { BookingFlow } from './booking.js';
import { ComplaintFlow } from './complaint.js';
import { mediaFlow } from './media.js';
import { StatusFlow } from './status.js';
import { SuggestionFlow } from './suggestion.js';
import { givenName, leaveFlow } from '../state.js';

export interface CitizenFlowDeps {
  content: Content;
  phrases: Phrasebook;
  texts: NotificationTexts;
  complaints: ComplaintService;
  suggestions: SuggestionService;
  lookup: StatusLookup;
  media: Pick<MediaStore, 'save' | 'belongsTo' | 'remove'>;
  /** Appointments; without it, asking to book gets the municipality's phone number. */
  bookings?: BookingService;
}

/** Complaints, suggestions and status lookups as conversation flows. */
export function citizenFlows(deps: CitizenFlowDeps): Flows {
  const complaint = new ComplaintFlow(deps);
  const status = new StatusFlow(deps);
  const suggestion = new SuggestionFlow(deps);
  const booking = deps.bookings ? new BookingFlow({ ...deps, bookings: deps.bookings }) : undefined;
  return {
    ...(booking ? { booking: (turn) => booking.start(turn) } : {}),
    complaint: (turn) => complaint.start(turn),
    status: (turn) => status.start(turn),
    suggestion: (turn) => suggestion.start(turn),
    recover: async (turn) => (await complaint.recover(turn)) ?? (await booking?.recover(turn)),
    media: mediaFlow(deps),
    async resume(turn) {
      return (await booking?.resume(turn)) ?? (await status.resume(turn)) ?? (await complaint.resume(turn)) ?? (await suggestion.resume(turn));
    },
    async cancel(turn) {
      // A rating's comment is optional: cancelling it is not cancelling anything.
      if (turn.state.flow?.kind === 'rating-comment') { leaveFlow(turn.state); return false; }
      turn.state.givenName = givenName(turn.state);
      return leaveFlow(turn.state);
    },
  };
}
