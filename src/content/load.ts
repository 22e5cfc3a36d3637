import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import {
  ComplaintCategories, Departments, Counts, ServiceGroups, type CountForms, type ServiceGroup, Intent, Municipality, Service, Aspects, Replies, REPLY_KEYS, Commands, CannedReplies, Booking, Holidays,
  type CannedReply, type Booking as BookingT, type Holiday,
  type ComplaintCategory, type Department, type Municipality as MunicipalityT, type Service as ServiceT,
  type Intent as IntentT, type Aspects as AspectsT, type Replies as RepliesT, type Commands as CommandsT,
} from './schema.js';
import { NotificationTexts } from './notifications.js';
import { checkLanguages } from './languages.js';

export interface Content {
  municipality: MunicipalityT;
  departments: Department[];
  services: ServiceT[];
  categories: ComplaintCategory[];
  intents: IntentT[];
  aspects: AspectsT;
  commands: CommandsT;
  replies: RepliesT;
  /** What citizens read about their records (knowledge/notifications.yaml). */
  notifications: NotificationTexts;
  /** The console's starting set of ready answers (knowledge/canned-replies.yaml). */
  canned: CannedReply[];
  /** Appointments each branch takes (knowledge/booking.yaml). */
  booking: BookingT;
  /** Public holidays (knowledge/holidays.yaml). */
  holidays: Holiday[];
  /** Counted words in their grammatical numbers (knowledge/counts.yaml). */
  counts: Record<string, CountForms>;
  /** The services menu's areas (knowledge/service-groups.yaml). */
  serviceGroups: ServiceGroup[];
}

/** The content format this assistant reads; every file says which one it is written in. */
export const CONTENT_VERSION = 1;

/**
 * A content error names the file, the entry and the field, and says what to do, so a maintainer can fix it
 * without reading code. Raised by `loadContent`, before anything else starts.
 */
export class ContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`The content is invalid; nothing was started. Fix these in the files named (${problems.length}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ContentError';
  }
}

export const REQUIRED_INTENTS = [
  'greeting', 'thanks', 'goodbye', 'menu', 'list-services', 'service-info', 'complaint-file', 'suggestion',
  'status-check', 'human-agent', 'legal-question', 'form-help', 'office-info', 'accessibility', 'appointment-book',
  'cancel', 'out-of-scope',
] as const;

function fieldPath(p: PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') || '(top level)';
}

function parseFile<T>(file: string, schema: z.ZodType<T>, problems: string[], label = ''): T | undefined {
  const rel = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${rel}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${rel}: (top level): expected a YAML mapping; start the file with "version: ${CONTENT_VERSION}"`);
    return undefined;
  }
  const { version, ...rest } = raw as Record<string, unknown>;
  if (version !== CONTENT_VERSION) {
    problems.push(`${rel}: field version: ${version === undefined ? 'missing' : `is ${JSON.stringify(version)}`}; this assistant reads version ${CONTENT_VERSION}: put "version: ${CONTENT_VERSION}" at the top of the file`);
    return undefined;
  }
  raw = rest;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues.slice(0, 20)) {
    const entry = entryName(raw, issue.path);
    problems.push(`${rel}${label}${entry}: field ${fieldPath(issue.path)}: ${issue.message}`);
  }
  return undefined;
}

// Names the list entry an error is in by its id, when it has one ("entry 'roads'").
function entryName(raw: unknown, p: PropertyKey[]): string {
  if (p.length >= 2 && typeof p[1] === 'number' && raw && typeof raw === 'object') {
    const list = (raw as Record<string, unknown>)[String(p[0])];
    const item = Array.isArray(list) ? list[p[1]] : undefined;
    // Entries are named by their id, or in booking.yaml and holidays.yaml by their branch or date.
    const key = item && typeof item === 'object' ? (['id', 'branch', 'date'] as const).find((k) => k in item) : undefined;
    if (key) return ` (entry '${String((item as Record<string, unknown>)[key])}')`;
  }
  return '';
}

function yamlFiles(dir: string, problems: string[]): string[] {
  if (!fs.existsSync(dir)) {
    problems.push(`${dir}: folder not found`);
    return [];
  }
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

export function loadContent(knowledgeDir: string, intentsDir: string): Content {
  const problems: string[] = [];
  const k = (f: string) => path.join(knowledgeDir, f);
  const municipality = parseFile(k('municipality.yaml'), Municipality, problems);
  const departments = parseFile(k('departments.yaml'), Departments, problems)?.departments ?? [];
  const categories = parseFile(k('complaint-categories.yaml'), ComplaintCategories, problems)?.categories ?? [];
  const replies = parseFile(k('replies.yaml'), Replies, problems);
  const notifications = parseFile(k('notifications.yaml'), NotificationTexts, problems);
  const canned = parseFile(k('canned-replies.yaml'), CannedReplies, problems)?.replies ?? [];
  const booking = parseFile(k('booking.yaml'), Booking, problems);
  const holidays = parseFile(k('holidays.yaml'), Holidays, problems)?.holidays ?? [];
  const counts = parseFile(k('counts.yaml'), Counts, problems)?.counts ?? {};
  const serviceGroups = parseFile(k('service-groups.yaml'), ServiceGroups, problems)?.groups ?? [];

  const services: ServiceT[] = [];
  for (const file of yamlFiles(k('services'), problems)) {
    const s = parseFile(file, Service, problems);
    if (!s) continue;
    const expected = path.basename(file).replace(/\.ya?ml$/, '');
    if (s.id !== expected) problems.push(`${file}: field id: is '${s.id}' but the file is named '${expected}'`);
    services.push(s);
  }

  const intents: IntentT[] = [];
  let aspects: AspectsT | undefined;
  let commands: CommandsT | undefined;
  for (const file of yamlFiles(intentsDir, problems)) {
    if (path.basename(file).startsWith('aspects.')) {
      aspects = parseFile(file, Aspects, problems);
      continue;
    }
    if (path.basename(file).startsWith('commands.')) {
      commands = parseFile(file, Commands, problems);
      continue;
    }
    const intent = parseFile(file, Intent, problems);
    if (intent) intents.push(intent);
  }
  if (!aspects) problems.push(`${path.join(intentsDir, 'aspects.yaml')}: file missing or invalid`);
  if (!commands) problems.push(`${path.join(intentsDir, 'commands.yaml')}: file missing or invalid`);

  crossCheck({ municipality, departments, services, categories, intents }, problems);
  if (booking) checkBooking(booking, municipality, services, problems);
  dupes(holidays.map((h) => h.date), 'holidays.yaml', problems);
  checkGroups(serviceGroups, services, problems);
  if (municipality) checkLanguages(knowledgeDir, municipality.languages, problems);
  for (const unit of COUNTED) if (!counts[unit]) problems.push(`counts.yaml: field counts.${unit}: missing: the replies count ${unit}s; add its forms`);
  if (problems.length) throw new ContentError(problems);
  return { municipality: municipality!, departments, services, categories, intents, aspects: aspects!, commands: commands!, replies: replies!, notifications: notifications!, canned, booking: booking!, holidays, counts, serviceGroups };
}

/** The counted words the code uses (Phrasebook.count). */
export const COUNTED = ['character', 'photo', 'minute', 'day', 'document', 'appointment', 'service'] as const;
export type Counted = (typeof COUNTED)[number];

/** Every service in exactly one group of the menu, and no group naming a service that does not exist. */
function checkGroups(groups: ServiceGroup[], services: ServiceT[], problems: string[]): void {
  const known = new Set(services.map((s) => s.id));
  const home = new Map<string, string>();
  dupes(groups.map((g) => g.id), 'service-groups.yaml: groups', problems);
  groups.forEach((g, i) => {
    for (const id of g.services) {
      const at = `service-groups.yaml (entry '${g.id}'): field groups[${i}].services`;
      if (!known.has(id)) problems.push(`${at}: no service '${id}' in knowledge/services/`);
      else if (home.has(id)) problems.push(`${at}: service '${id}' is already in group '${home.get(id)}'; put it in one group only`);
      else home.set(id, g.id);
    }
  });
  for (const s of services) if (!home.has(s.id)) problems.push(`service-groups.yaml: field groups: service '${s.id}' is in no group; add it to one`);
}

/** Every bookable branch and service must exist, once each, and a closure must end after it starts. */
function checkBooking(b: BookingT, m: MunicipalityT | undefined, services: ServiceT[], problems: string[]): void {
  const branches = new Set(m?.branches.map((x) => x.id) ?? []);
  const known = new Set(services.map((s) => s.id));
  dupes(b.branches.map((x) => x.branch), 'booking.yaml: branches', problems);
  b.branches.forEach((entry, i) => {
    const at = `booking.yaml (entry '${entry.branch}'): field branches[${i}]`;
    if (m && !branches.has(entry.branch)) problems.push(`${at}.branch: no branch '${entry.branch}' in municipality.yaml`);
    dupes(entry.services.map((s) => s.service), `booking.yaml (entry '${entry.branch}'): services`, problems);
    entry.services.forEach((s, j) => {
      if (!known.has(s.service)) problems.push(`${at}.services[${j}].service: no service '${s.service}' in knowledge/services/`);
    });
    entry.closures.forEach((c, j) => {
      if (c.to < c.from) problems.push(`${at}.closures[${j}].to: ends (${c.to}) before it starts (${c.from})`);
    });
  });
}

function crossCheck(c: { municipality?: MunicipalityT; departments: Department[]; services: ServiceT[];
  categories: ComplaintCategory[]; intents: IntentT[] }, problems: string[]): void {
  const branches = new Set(c.municipality?.branches.map((b) => b.id) ?? []);
  const departments = new Set(c.departments.map((d) => d.id));
  dupes(c.services.map((s) => s.id), 'services', problems);
  dupes(c.departments.map((d) => d.id), 'departments.yaml', problems);
  dupes(c.categories.map((d) => d.id), 'complaint-categories.yaml', problems);
  for (const d of c.departments) {
    if (c.municipality && !branches.has(d.branch)) problems.push(`departments.yaml (entry '${d.id}'): field branch: no branch '${d.branch}' in municipality.yaml`);
  }
  for (const s of c.services) {
    const at = `services/${s.id}.yaml`;
    if (!departments.has(s.department)) problems.push(`${at}: field department: no department '${s.department}' in departments.yaml`);
    if (!departments.has(s.where.department)) problems.push(`${at}: field where.department: no department '${s.where.department}' in departments.yaml`);
    if (c.municipality && !branches.has(s.where.branch)) problems.push(`${at}: field where.branch: no branch '${s.where.branch}' in municipality.yaml`);
  }
  for (const cat of c.categories) {
    if (!departments.has(cat.department)) problems.push(`complaint-categories.yaml (entry '${cat.id}'): field department: no department '${cat.department}' in departments.yaml`);
  }
  const ids = new Set(c.intents.map((i) => i.id));
  for (const id of REQUIRED_INTENTS) if (!ids.has(id)) problems.push(`intents/${id}.yaml: missing (every catalog intent needs a file)`);
  // One example under two intents teaches the classifier nothing but confusion.
  const seen = new Map<string, string>();
  for (const intent of c.intents) {
    const all = Object.values(intent.examples).flat();
    if (all.length < 15) problems.push(`intents/${intent.id}.yaml: field examples: has ${all.length} examples, needs at least 15`);
    for (const ex of all) {
      const key = ex.trim().toLowerCase();
      const other = seen.get(key);
      if (other && other !== intent.id) problems.push(`intents/${intent.id}.yaml: example "${ex}" is also an example of '${other}'`);
      seen.set(key, intent.id);
    }
  }
}

function dupes(ids: string[], where: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`${where}: id '${id}' appears twice`);
    seen.add(id);
  }
}

export { REPLY_KEYS };
