import type { Connection } from 'mongoose';
import type { ChannelName, ChannelSender, Reply } from '../../src/shared/message.js';
import { MongoApplicationStore } from '../../src/db/applications.js';
import { MongoComplaintStore } from '../../src/db/complaints.js';
import { MongoLookupThrottleStore } from '../../src/db/lookup-throttle.js';
import { MongoOutboxStore } from '../../src/db/notifications.js';
import { MongoSuggestionStore } from '../../src/db/suggestions.js';
import { ApplicationService, type ApplicationRules } from '../../src/domain/applications.js';
import { ComplaintService, type ComplaintRules } from '../../src/domain/complaints.js';
import { shippedContent } from '../helpers/assistant.js';
import { StatusLookup, type ThrottleLimits } from '../../src/domain/status-lookup.js';
import { SuggestionService } from '../../src/domain/suggestions.js';
import { testDatabase } from '../helpers/db.js';

/** A fresh database on the test server; drop() removes it and closes the connection. */
export async function openDatabase(name: string) {
  const db = await testDatabase(name);
  return { uri: db.uri, connection: db.connection, drop: db.close };
}

// Small in-memory knowledge, so these tests do not depend on the knowledge files being finished.
export const categories = [
  { id: 'roads', name: { ar: 'الطرق والأرصفة', en: 'Roads and pavements', fr: 'Routes et trottoirs' }, department: 'public-works', deadlineDays: 10,
    examples: ['حفرة بالشارع', 'pothole', 'broken road', 'رصيف مكسور', 'damaged sidewalk'] },
  { id: 'street-lighting', name: { ar: 'إنارة الشوارع', en: 'Street lighting', fr: 'Éclairage public' }, department: 'electrical-maintenance', deadlineDays: 3,
    examples: ['عمود إنارة طافي', 'street light out', 'dark street', 'الشارع مظلم', 'lamp post not working'] },
  { id: 'staff-conduct', name: { ar: 'سلوك الموظفين', en: 'Staff conduct', fr: 'Comportement du personnel' }, department: 'citizen-office', deadlineDays: 5,
    examples: ['موظف طلب رشوة', 'bribe', 'rude employee', 'محسوبية', 'تأخير متعمد'] },
];
export const departments = [
  { id: 'public-works', name: { ar: 'الأشغال العامة', en: 'Public Works', fr: 'Travaux publics' } },
  { id: 'electrical-maintenance', name: { ar: 'الصيانة الكهربائية', en: 'Electrical Maintenance', fr: 'Maintenance électrique' } },
  { id: 'citizen-office', name: { ar: 'مكتب خدمة المواطن', en: "Citizens' Office", fr: 'Bureau des citoyens' } },
  { id: 'sanitation', name: { ar: 'النظافة', en: 'Sanitation', fr: 'Propreté' } },
];
export const municipality = {
  timezone: 'Africa/Tripoli',
  bounds: { north: 32.937, south: 32.803, east: 13.26, west: 13.1 },
  staffHours: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu'] as ('sun' | 'mon' | 'tue' | 'wed' | 'thu')[], open: '08:00', close: '15:00' }],
};
export const complaintRules: ComplaintRules = { categories, municipality, departments };
export const applicationRules: ApplicationRules = {
  services: [{ id: 'building-permit', duration: { days: 30 } }, { id: 'residence-certificate', duration: { days: 2 } }],
  municipality,
};
export const texts = shippedContent().content.notifications;

/** A pin in the middle of town. */
export const townCentre = { lat: 32.8712, lon: 13.1806 };

/** A channel that keeps what it was asked to send; it can be told to be unreachable for a number of sends. */
export class RecordingSender implements ChannelSender {
  readonly sent: { user: string; reply: Reply }[] = [];
  unreachableFor = 0;
  constructor(readonly channel: ChannelName) {}
  async send(user: string, reply: Reply): Promise<void> {
    if (this.unreachableFor > 0) {
      this.unreachableFor--;
      throw new Error('channel unreachable');
    }
    this.sent.push({ user, reply });
  }
}

/** Every store and service wired to one database connection, as the server wires them. */
export function wire(connection: Connection, options: { now?: () => Date; limits?: ThrottleLimits } = {}) {
  const stores = {
    complaints: new MongoComplaintStore(connection),
    applications: new MongoApplicationStore(connection),
    suggestions: new MongoSuggestionStore(connection),
    outbox: new MongoOutboxStore(connection),
    throttle: new MongoLookupThrottleStore(connection),
  };
  return {
    stores,
    complaints: new ComplaintService({ store: stores.complaints, outbox: stores.outbox, rules: complaintRules, texts, now: options.now }),
    applications: new ApplicationService({ store: stores.applications, outbox: stores.outbox, rules: applicationRules, texts, now: options.now }),
    suggestions: new SuggestionService({ store: stores.suggestions, now: options.now }),
    lookup: new StatusLookup({ ...stores, now: options.now, limits: options.limits }),
  };
}
