// Wiring of the staff console and handoff: stores → domain → conversation flows + HTTP router. Called by main.ts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import type { Connection } from 'mongoose';
import type { ChannelOverview } from './channels/overview.js';
import type { Nafidha } from './compose.js';
import type { Config } from './config.js';
import type { Content } from './content/load.js';
import { handoffFlows } from './conversation/handoff-flows.js';
import type { Flows } from './conversation/respond.js';
import { MongoApplicationStore } from './db/applications.js';
import { MongoAuditLog } from './db/audit.js';
import { MongoAlertStore } from './db/alerts.js';
import { escalateOverdue } from './domain/escalation.js';
import { alertsApi } from './http/console-alerts.js';
import { staffAdminApi } from './http/console-staff.js';
import { loadCannedReplies, MongoCannedReplies } from './db/canned-replies.js';
import { MongoComplaintStore } from './db/complaints.js';
import type { Database } from './db/connection.js';
import { MongoConsoleFeed } from './db/console-feed.js';
import { MongoHandoffStore } from './db/handoffs.js';
import { MongoMediaStore } from './db/media.js';
import { MongoOutboxStore } from './db/notifications.js';
import { MongoRateLimitStore } from './db/rate-limits.js';
import { MongoStaffStore } from './db/staff.js';
import { MongoTemplateDeliveries } from './db/template-deliveries.js';
import { ApplicationService, type ApplicationStore } from './domain/applications.js';
import { ComplaintService, type ComplaintStore } from './domain/complaints.js';
import { HandoffService, OUTCOMES, type CitizenOutbox, type HandoffTexts } from './domain/handoff.js';
import { loadNotificationTexts, type NotificationTexts } from './domain/notification-texts.js';
import { atLeast, ensureFirstAdmin, type Role } from './domain/staff.js';
import { APPLICATION_STATUSES, COMPLAINT_STATUSES } from './shared/statuses.js';
import type { TranscriptStore } from './domain/transcript.js';
import { authRoutes, consoleSession } from './http/auth.js';
import { consoleApi } from './http/console-api.js';
import { channelsApi } from './http/console-channels.js';
import { consoleMediaApi } from './http/console-media.js';
import { ConsoleEvents } from './http/console-events.js';
import { recordsApi } from './http/console-records.js';
import { jsonBody } from './http/input.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIR = path.resolve(here, '../handoff-console');
/** Leaflet (the complaint map) is served from node_modules: the console loads nothing from other sites. */
const LEAFLET_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

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
  content: Content;
  knowledgeDir: string;
  /** The citizen-facing sentences (assistant.phrases). */
  phrases: HandoffTexts;
  transcripts: TranscriptStore;
  /** Where staff messages to citizens go: the notification dispatcher (nafidha.dispatcher), which sends them at once. */
  outbox: CitizenOutbox;
  records?: ConsoleRecords;
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
  /** This instance's channels (the admins' Channels view): setUpChannels(...).overview. */
  channels?: () => ChannelOverview;
  /** How often passed deadlines are escalated (every minute when absent). */
  escalateMs?: number;
}

export interface Console {
  router: Router;
  flows: Required<Pick<Flows, 'handoff' | 'relay' | 'cancel'>>;
  handoffs: HandoffService;
  staff: MongoStaffStore;
  audit: MongoAuditLog;
  events: ConsoleEvents;
  /** One escalation pass (the periodic job's): how many complaints were newly alerted. */
  escalate(): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function defaultRecords(connection: Connection, content: Content, knowledgeDir: string, now?: () => Date): Required<ConsoleRecords> {
  const complaintStore = new MongoComplaintStore(connection);
  const applicationStore = new MongoApplicationStore(connection);
  const outbox = new MongoOutboxStore(connection);
  const texts = loadNotificationTexts(knowledgeDir);
  return {
    complaintStore, applicationStore, texts,
    complaints: new ComplaintService({ store: complaintStore, outbox, texts, now, rules: { categories: content.categories, municipality: content.municipality, departments: content.departments } }),
    applications: new ApplicationService({ store: applicationStore, outbox, texts, now, rules: { services: content.services, municipality: content.municipality } }),
  };
}

export function createConsole(deps: ConsoleDeps): Console {
  const log = deps.log ?? ((l: string) => console.log(l));
  const { connection, content } = deps;
  const staff = new MongoStaffStore(connection);
  const audit = new MongoAuditLog(connection);
  const canned = new MongoCannedReplies(connection);
  const handoffStore = new MongoHandoffStore(connection);
  const handoffs = new HandoffService({
    store: handoffStore, transcripts: deps.transcripts, outbox: deps.outbox, texts: deps.phrases, now: deps.now,
    staffHours: { hours: content.municipality.staffHours, timeZone: content.municipality.timezone, clock: deps.staffClock },
    departments: content.departments.map((d) => d.id),
    isStaff: async (username) => { const a = await staff.find(username); return !!a && !a.disabled; },
  });
  const records = deps.records
    ? { complaintStore: new MongoComplaintStore(connection), applicationStore: new MongoApplicationStore(connection), ...deps.records }
    : defaultRecords(connection, content, deps.knowledgeDir, deps.now);
  const limits = new MongoRateLimitStore(connection, 'sign-in:');
  const session = consoleSession({ client: connection.getClient(), dbName: connection.name, secret: deps.sessionSecret, publicUrl: deps.publicUrl, log });
  // A live feed stays open only while its session lives and its account may still watch at the role it opened with.
  const mayWatch = async (v: { sessionId: string; username: string; role: Role }) => {
    const account = await staff.find(v.username);
    return !!account && !account.disabled && atLeast(account.role, v.role) && await session.alive(v.sessionId);
  };
  const events = new ConsoleEvents({ handoffs: handoffStore, lines: new MongoConsoleFeed(connection), mayWatch }, { intervalMs: deps.pollMs, now: deps.now, log, audit: (e) => audit.record(e) });

  const catalog = () => ({
    services: content.services.map((s) => ({ id: s.id, name: s.name })),
    categories: content.categories.map((c) => ({ id: c.id, name: c.name, department: c.department })),
    departments: content.departments.map((d) => ({ id: d.id, name: d.name })),
    complaintStatuses: COMPLAINT_STATUSES, applicationStatuses: APPLICATION_STATUSES, outcomes: OUTCOMES.slice(0, 4),
    statusNames: records.texts.statuses, bounds: content.municipality.bounds,
  });
  const templates = new MongoTemplateDeliveries(connection);
  const media = new MongoMediaStore(connection);
  const rec = recordsApi({ ...records, content, phrases: deps.phrases, staff, audit, media, now: deps.now });

  const api = express.Router();
  api.use(jsonBody('64kb'));
  api.use((_req, res, next) => { res.set('cache-control', 'no-store'); next(); });
  api.use(authRoutes({ staff, audit: (e) => audit.record(e), limitStore: limits, signInLimit: deps.signInLimit, onSignOut: (id) => events.endSession(id) }));
  api.use(consoleApi({ staff, handoffs, transcripts: deps.transcripts, canned, audit, events, earlier: rec.earlier, catalog,
    templates: (user, since) => templates.latest(20, { user, since }) }));
  api.use(channelsApi({ staff, overview: deps.channels, templates }));
  api.use(consoleMediaApi({ staff, handoffs, media, audit }));
  api.use(rec.router);
  const alerts = new MongoAlertStore(connection);
  api.use(alertsApi({ staff, alerts }));
  api.use(staffAdminApi({ staff, audit, departments: content.departments.map((d) => d.id) }));
  const escalate = () => escalateOverdue({ complaints: records.complaintStore, alerts, now: deps.now });
  api.use((_req, res) => { res.status(404).json({ error: 'no such console API route' }); });

  const router = express.Router();
  router.use(session.middleware);
  router.use('/api', api);
  router.get('/receipt/:code', ...rec.receipt);
  router.get('/decision/:code', ...rec.decision);
  router.use('/vendor/leaflet', express.static(LEAFLET_DIR, { index: false, dotfiles: 'ignore', extensions: false }));
  router.use(express.static(CONSOLE_DIR, { index: 'index.html', dotfiles: 'ignore', extensions: false }));

  let sweeper: NodeJS.Timeout | undefined;
  let escalator: NodeJS.Timeout | undefined;
  return {
    router, handoffs, staff, audit, events, escalate,
    flows: handoffFlows(handoffs, content.commands),
    async start() {
      await ensureFirstAdmin(staff, log);
      await canned.seed(loadCannedReplies(path.join(deps.knowledgeDir, 'canned-replies.yaml')));
      events.start();
      sweeper = setInterval(() => { void session.sweep().catch(() => undefined); void limits.sweep().catch(() => undefined); }, 10 * 60_000);
      sweeper.unref();
      const runEscalation = () => { void escalate().catch((err: Error) => log(`console: escalating overdue complaints failed: ${err.name}`)); };
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

/** Adds the console to the composed app: handoff flows into the assistant, the router at /console. As main.ts does. */
export function attachConsole(nafidha: Nafidha, o: { db: Database; content: Content; config: Pick<Config, 'knowledgeDir' | 'sessionSecret' | 'publicUrl'>; log?: (line: string) => void; staffClock?: () => Date; pollMs?: number; signInLimit?: number; channels?: { overview(): ChannelOverview }; escalateMs?: number }): Console {
  const staffConsole = createConsole({
    connection: o.db.connection, content: o.content, knowledgeDir: o.config.knowledgeDir, phrases: nafidha.kernel.phrases,
    transcripts: nafidha.transcripts, outbox: nafidha.dispatcher, records: { complaints: nafidha.complaints, applications: nafidha.applications, texts: nafidha.texts },
    sessionSecret: o.config.sessionSecret, publicUrl: o.config.publicUrl, log: o.log, staffClock: o.staffClock, pollMs: o.pollMs, signInLimit: o.signInLimit,
    channels: o.channels && (() => o.channels!.overview()), escalateMs: o.escalateMs,
  });
  nafidha.kernel.use(staffConsole.flows);
  nafidha.mounts.push({ path: '/console', router: staffConsole.router });
  return staffConsole;
}
