import type { Connection } from 'mongoose';
import { MongoAlertsSeen, MongoAlertStore } from '../db/alerts.js';
import { MongoAuditLog } from '../db/audit.js';
import { MongoDigestStore } from '../db/digests.js';
import { MongoBookingStore } from '../db/bookings.js';
import { MongoCannedReplies } from '../db/canned-replies.js';
import { MongoChannelWindows } from '../db/channel-windows.js';
import { MongoChatStates } from '../db/chat-states.js';
import { MongoCloudIdentities } from '../db/channel-windows.js';
import { MongoConsoleFeed } from '../db/console-feed.js';
import { MongoLookupThrottleStore } from '../db/lookup-throttle.js';
import { MongoMediaStore } from '../db/media.js';
import { MongoOutboxStore } from '../db/notifications.js';
import { MongoRateLimitStore } from '../db/rate-limits.js';
import { MongoStaffStore } from '../db/staff.js';
import { MongoSuggestionStore } from '../db/suggestions.js';
import { MongoTemplateDeliveries } from '../db/template-deliveries.js';
import { MongoTranscriptStore } from '../db/transcripts.js';
import { MongoWebChatKeys } from '../db/webchat-keys.js';
import { CountedApplicationStore, CountedComplaintStore, CountedHandoffStore, CountedSatisfactionStore } from '../db/counted-stores.js';
import { MongoReportCounters } from '../db/report-counters.js';
import { MongoConversationDays } from '../db/conversation-days.js';

/**
 * Every repository, made once per database connection; the rest of the wiring takes them from here. Records the
 * dashboard counts are kept in stores that also update its counters, by days of `timeZone` (the municipality's).
 */
export function createStores(connection: Connection, timeZone = 'UTC') {
  const counters = new MongoReportCounters(connection, (line) => console.log(line));
  const counting = { counters, timeZone };
  const conversationDays = new MongoConversationDays(connection, timeZone, counters, (line) => console.log(line));
  return {
    connection,
    counters,
    conversationDays,
    /** Resolves when the dashboard counts this process wrote behind are stored (its own reads, shutdown, tests). */
    async settled() { await conversationDays.settled(); await counters.settled(); },
    complaints: new CountedComplaintStore(connection, counting),
    applications: new CountedApplicationStore(connection, counting),
    satisfaction: new CountedSatisfactionStore(connection, counting),
    suggestions: new MongoSuggestionStore(connection),
    bookings: new MongoBookingStore(connection),
    transcripts: new MongoTranscriptStore(connection),
    chatStates: new MongoChatStates(connection),
    outbox: new MongoOutboxStore(connection),
    media: new MongoMediaStore(connection),
    lookupThrottle: new MongoLookupThrottleStore(connection),
    staff: new MongoStaffStore(connection),
    audit: new MongoAuditLog(connection),
    canned: new MongoCannedReplies(connection),
    handoffs: new CountedHandoffStore(connection, counting),
    consoleFeed: new MongoConsoleFeed(connection),
    templates: new MongoTemplateDeliveries(connection),
    windows: new MongoChannelWindows(connection),
    identities: new MongoCloudIdentities(connection),
    webchatKeys: new MongoWebChatKeys(connection),
    /** Counters of attempts (sign-in, uploads) under a prefix of their own. */
    limits: {
      signIn: new MongoRateLimitStore(connection, 'sign-in:'),
      uploadPerChat: new MongoRateLimitStore(connection, 'upload-chat:'),
      uploadPerAddress: new MongoRateLimitStore(connection, 'upload-ip:'),
    },
  };
}

export type Stores = ReturnType<typeof createStores>;

/**
 * The console's own repositories: overdue alerts (whose index documents are built when the store is made), what
 * each person has seen of them, and the department digests. Made by the console, not by every command-line tool.
 */
export function createConsoleStores(connection: Connection) {
  return { alerts: new MongoAlertStore(connection), alertsSeen: new MongoAlertsSeen(connection), digests: new MongoDigestStore(connection) };
}
