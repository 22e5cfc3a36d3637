// Wiring of the staff console and handoff: stores → domain → conversation flows + HTTP router. Called by main.ts.
import { createConsoleStores, type Stores } from './stores.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import type { Connection } from 'mongoose';
import type { ChannelOverview } from '../shared/channel-overview.js';
import type { Nafidha } from './compose.js';
import type { Mount } from './channels.js';
import type { Config } from '../config.js';
import type { Content } from '../content/load.js';
import { handoffFlows } from '../conversation/handoff-flows.js';
import type { Flows } from '../conversation/respond.js';
import { MongoAuditLog } from '../db/audit.js';
import type { Database } from '../db/connection.js';
import { MongoStaffStore } from '../db/staff.js';
import { ApplicationService, type ApplicationStore } from '../domain/applications.js';
import { ComplaintService, type ComplaintStore } from '../domain/complaints.js';
import { HandoffService, OUTCOMES, type CitizenOutbox, type HandoffTexts } from '../domain/handoff.js';
import type { NotificationTexts } from '../domain/notification-texts.js';
import { atLeast, ensureFirstAdmin, type Role } from '../domain/staff.js';
import { APPLICATION_STATUSES, COMPLAINT_STATUSES } from '../shared/statuses.js';
import type { TranscriptStore } from '../domain/transcript.js';
import { authRoutes, consoleSession, SESSION_HOURS } from '../http/auth.js';
import { consoleSessionStore } from '../db/console-sessions.js';
import { consoleApi } from '../http/console-api.js';
import { channelsApi } from '../http/console-channels.js';
import { consoleMediaApi } from '../http/console-media.js';
import { ConsoleEvents } from '../http/console-events.js';
import { recordsApi } from '../http/console-records.js';
import { bookingsApi } from '../http/console-bookings.js';
import type { BookingService } from '../domain/bookings.js';
import { jsonBody } from '../http/input.js';
import { sendDailyDigests } from '../domain/digest.js';
import { escalateOverdue } from '../domain/escalation.js';
import { alertsApi } from '../http/console-alerts.js';
import { staffAdminApi } from '../http/console-staff.js';

import { MongoReports } from '../db/reports.js';
import { misunderstood, MongoLabels } from '../db/misunderstood.js';
import { reportsApi } from '../http/console-reports.js';
import { misunderstoodApi } from '../http/console-misunderstood.js';
import { createRequire } from 'node:module';
import { SatisfactionService } from '../domain/satisfaction.js';
import { satisfactionFlows } from '../conversation/flows/satisfaction.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIR = path.resolve(here, '../../handoff-console');
// The dashboard's chart library, served from the installed package (no CDN).
/** Leaflet (the complaint map) is served from node_modules: the console loads nothing from other sites. */
const LEAFLET_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** The complaints and applications the console works on (main.ts passes the app's own); built here when absent. */
export interface ConsoleRecords {
  complaints: ComplaintService;
  applications: ApplicationService;
  texts: NotificationTexts;
  /** Searches the domain services do not offer (lists, a citizen's earlier records); read-only here. */
  complaintStore?: ComplaintStore;
  applicationStore?: ApplicationStore;
}

export interface ConsoleDeps {
  connection: Connection;
  /** The repositories, made once (src/app/stores.ts). */
  stores: Stores;
  content: Content;
  knowledgeDir: string;
  /** The citizen-facing sentences (assistant.phrases). */
  phrases: HandoffTexts;
  transcripts: TranscriptStore;
  /** Where staff messages to citizens go: the notification dispatcher (nafidha.dispatcher), which sends them at once. */
  outbox: CitizenOutbox;
  records: ConsoleRecords;
  sessionSecret?: string;
  publicUrl?: string;
  log?: (line: string) => void;
  now?: () => Date;
  /** The clock staff hours are checked against (tests); real time when absent. */
  staffClock?: () => Date;
  /** How often the live feed polls the database. */
  pollMs?: number;
  /** Sign-in attempts per minute per IP and username. */
  signInLimit?: number;
  /** This instance's channels (the admins' Channels view): nafidha.channels.overview. */
  channels?: () => ChannelOverview;
  /** Appointments (nafidha.bookings): the day view, booking for callers. */
  bookings?: BookingService;
  /** How often passed deadlines are escalated (every minute when absent). */
  escalateMs?: number;
  /** Local time (HH:MM) from which each department's daily digest is made (07:00 when absent). */
  digestAt?: string;
}

export interface Console {
  router: Router;
  flows: Required<Pick<Flows, 'handoff' | 'relay' | 'cancel'>>;
  handoffs: HandoffService;
  staff: MongoStaffStore;
  audit: MongoAuditLog;
  events: ConsoleEvents;
  satisfaction: SatisfactionService;
  /** One escalation pass (the periodic job's): how many complaints were newly alerted. */
  escalate(): Promise<number>;
  /** One pass of the daily digest job: how many department digests it made. */
  digest(): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createConsole(deps: ConsoleDeps): Console {
  const log = deps.log ?? ((l: string) => console.log(l));
  const { connection, content } = deps;
  const { staff, audit, canned, handoffs: handoffStore } = deps.stores;
  const handoffs = new HandoffService({
    store: handoffStore, transcripts: deps.transcripts, outbox: deps.outbox, texts: deps.phrases, now: deps.now,
    staffHours: { hours: content.municipality.staffHours, timeZone: content.municipality.timezone, clock: deps.staffClock },
    departments: content.departments.map((d) => d.id),
    isStaff: async (username) => { const a = await staff.find(username); return !!a && !a.disabled; },
  });
  const records = { complaintStore: deps.stores.complaints, applicationStore: deps.stores.applications, ...deps.records };
  const limits = deps.stores.limits.signIn;
  const session = consoleSession({ sessions: consoleSessionStore(connection, SESSION_HOURS * 3600), secret: deps.sessionSecret, publicUrl: deps.publicUrl, log });
  // A live feed stays open only while its session lives and its account may still watch at the role it opened with.
  const mayWatch = async (v: { sessionId: string; username: string; role: Role }) => {
    const account = await staff.find(v.username);
    return !!account && !account.disabled && atLeast(account.role, v.role) && await session.alive(v.sessionId);
  };
  const events = new ConsoleEvents({ handoffs: handoffStore, lines: deps.stores.consoleFeed, mayWatch }, { intervalMs: deps.pollMs, now: deps.now, log, audit: (e) => audit.record(e), labels: content });

  const catalog = () => ({
    services: content.services.map((s) => ({ id: s.id, name: s.name })),
    categories: content.categories.map((c) => ({ id: c.id, name: c.name, department: c.department })),
    departments: content.departments.map((d) => ({ id: d.id, name: d.name })),
    complaintStatuses: COMPLAINT_STATUSES, applicationStatuses: APPLICATION_STATUSES, outcomes: OUTCOMES.slice(0, 4),
    statusNames: records.texts.statuses, bounds: content.municipality.bounds, languages: content.municipality.languages,
  });
  const templates = deps.stores.templates;
  const satisfaction = new SatisfactionService({ store: deps.stores.satisfaction, outbox: deps.outbox, texts: deps.phrases, timeZone: content.municipality.timezone, now: deps.now });
  const rec = recordsApi({ ...records, content, phrases: deps.phrases, staff, audit, media: deps.stores.media, now: deps.now, afterResolved: (c, by) => satisfaction.afterComplaint(c, by) });

  const api = express.Router();
  api.use(jsonBody('64kb'));
  api.use((_req, res, next) => { res.set('cache-control', 'no-store'); next(); });
  api.use(authRoutes({ staff, audit: (e) => audit.record(e), limitStore: limits, signInLimit: deps.signInLimit, onSignOut: (id) => events.endSession(id) }));
  api.use(consoleApi({ staff, handoffs, transcripts: deps.transcripts, canned, audit, events, earlier: rec.earlier, catalog, labels: content,
    templates: (user, since) => templates.latest(20, { user, since }), afterClose: (h) => satisfaction.afterHandoff(h) }));
  api.use(channelsApi({ staff, overview: deps.channels, templates }));
  api.use(consoleMediaApi({ staff, handoffs, media: deps.stores.media, audit }));
  api.use(rec.router);
  const { alerts, alertsSeen, digests } = createConsoleStores(connection);
  const departmentIds = content.departments.map((d) => d.id);
  api.use(alertsApi({ staff, alerts, seen: alertsSeen, digests, departments: departmentIds, timeZone: content.municipality.timezone, now: deps.now }));
  const calendar = { timeZone: content.municipality.timezone, holidays: content.holidays.map((h) => h.date),
    ...(content.municipality.staffHours?.length ? { workingDays: [...new Set(content.municipality.staffHours.flatMap((h) => h.days))] } : {}) };
  const digest = () => sendDailyDigests({ complaints: records.complaintStore, digests, departments: departmentIds, calendar, sendAt: deps.digestAt ?? '07:00', now: deps.now });
  api.use(staffAdminApi({ staff, audit, departments: content.departments.map((d) => d.id) }));
  const escalate = () => escalateOverdue({ complaints: records.complaintStore, alerts, departments: content.departments.map((d) => d.id), now: deps.now });
  api.use(reportsApi({ staff, reports: new MongoReports(connection, deps.now, deps.stores), content, audit, now: deps.now }));
  api.use(misunderstoodApi({ source: { groups: (p, o) => misunderstood(connection, p, o), labels: new MongoLabels(connection) }, staff, content, audit, now: deps.now }));
  if (deps.bookings) api.use(bookingsApi({ bookings: deps.bookings, content, staff, audit }));
  api.use((_req, res) => { res.status(404).json({ error: 'no such console API route' }); });

  const router = express.Router();
  router.use(session.middleware);
  router.use('/api', api);
  router.get('/receipt/:code', ...rec.receipt);
  router.get('/decision/:code', ...rec.decision);
  router.use('/vendor/leaflet', express.static(LEAFLET_DIR, { index: false, dotfiles: 'ignore', extensions: false }));
  router.get('/vendor/chart.umd.min.js', (_req, res) => { res.sendFile(CHART_JS, { maxAge: '1d' }); });
  router.use(express.static(CONSOLE_DIR, { index: 'index.html', dotfiles: 'ignore', extensions: false }));

  let sweeper: NodeJS.Timeout | undefined;
  let escalator: NodeJS.Timeout | undefined;
  return {
    router, handoffs, staff, audit, events, satisfaction, escalate, digest,
    flows: handoffFlows(handoffs, content.commands),
    async start() {
      await ensureFirstAdmin(staff, log);
      await canned.seed(content.canned);
      await deps.stores.complaints.queues.ensureBuilt();
      await deps.stores.complaints.days.ensureBuilt();
      events.start();
      sweeper = setInterval(() => { void session.sweep().catch(() => undefined); void limits.sweep().catch(() => undefined); }, 10 * 60_000);
      sweeper.unref();
      const runEscalation = () => {
        void escalate().catch((err: Error) => log(`console: escalating overdue complaints failed: ${err.name}`))
          .then(() => digest()).catch((err: Error) => log(`console: the daily digests failed: ${err.name}`));
      };
      runEscalation();
      escalator = setInterval(runEscalation, deps.escalateMs ?? 60_000);
      escalator.unref();
    },
    async stop() {
      clearInterval(escalator);
      clearInterval(sweeper);
      events.stop();
    },
  };
}

/** The console for the composed app: its handoff flows join the assistant; its router is to be mounted at /console (`mount`). As main.ts does. */
export function attachConsole(nafidha: Nafidha, o: { db: Database; content: Content; config: Pick<Config, 'knowledgeDir' | 'sessionSecret' | 'publicUrl'>; log?: (line: string) => void; staffClock?: () => Date; pollMs?: number; signInLimit?: number; channels?: { overview(): ChannelOverview }; escalateMs?: number; digestAt?: string; now?: () => Date }): Console & { mount: Mount } {
  const staffConsole = createConsole({
    connection: o.db.connection, stores: nafidha.stores, content: o.content, knowledgeDir: o.config.knowledgeDir, phrases: nafidha.kernel.phrases,
    transcripts: nafidha.transcripts, outbox: nafidha.dispatcher, records: { complaints: nafidha.complaints, applications: nafidha.applications, texts: nafidha.texts },
    sessionSecret: o.config.sessionSecret, publicUrl: o.config.publicUrl, log: o.log, staffClock: o.staffClock, pollMs: o.pollMs, signInLimit: o.signInLimit,
    channels: () => (o.channels ?? nafidha.channels).overview(), escalateMs: o.escalateMs, digestAt: o.digestAt, now: o.now,
    bookings: nafidha.bookings,
  });
  nafidha.kernel.use(staffConsole.flows);
  nafidha.kernel.use(satisfactionFlows(staffConsole.satisfaction, nafidha.kernel.phrases));
  return Object.assign(staffConsole, { mount: { path: '/console', router: staffConsole.router } });
}
