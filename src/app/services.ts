import type { Content } from '../content/load.js';
import { ApplicationService } from '../domain/applications.js';
import { BookingService } from '../domain/bookings.js';
import { ComplaintService } from '../domain/complaints.js';
import type { Outbox } from '../domain/notifications.js';
import { StatusLookup } from '../domain/status-lookup.js';
import { SuggestionService } from '../domain/suggestions.js';
import type { Stores } from './stores.js';

/**
 * The domain services over the stores, made once. `outbox` is where their messages to citizens go: the
 * dispatcher in the server (sends at once), the stored outbox alone in a command-line tool (the server sends them).
 */
export function createServices(stores: Stores, content: Content, outbox: Outbox = stores.outbox) {
  const texts = content.notifications;
  const holidays = content.holidays.map((h) => h.date);
  return {
    complaints: new ComplaintService({ store: stores.complaints, outbox, texts, rules: { categories: content.categories, municipality: content.municipality, departments: content.departments } }),
    applications: new ApplicationService({ store: stores.applications, outbox, texts, rules: { services: content.services, municipality: content.municipality, holidays } }),
    bookings: new BookingService({ store: stores.bookings, outbox, texts, rules: { booking: content.booking, municipality: content.municipality, services: content.services, holidays } }),
    suggestions: new SuggestionService({ store: stores.suggestions }),
    lookup: new StatusLookup({ complaints: stores.complaints, applications: stores.applications, suggestions: stores.suggestions, bookings: stores.bookings, throttle: stores.lookupThrottle }),
  };
}
