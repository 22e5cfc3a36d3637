// Registers and updates counter applications (معاملات) until the staff console can:
//   npm run application -- create --service building-permit --name "..." --phone "..." [--telegram CHAT_ID] [--lang en]
//   npm run application -- status A-XXXXX-XXXXX --set needs-documents --missing "title deed;ID copy" [--note ..]
//   npm run application -- status A-XXXXX-XXXXX --set rejected --reason "..."
//   npm run application -- show A-XXXXX-XXXXX
import { createServices } from '../app/services.js';
import { createStores } from '../app/stores.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { runningEmbeddedUri } from '../db/embedded.js';
import type { ChannelName } from '../shared/message.js';
import { connectDatabase } from '../db/connection.js';
import { loadContent } from '../content/load.js';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../shared/statuses.js';
import { parseTrackingCode } from '../domain/tracking-code.js';

const USAGE = `usage:
  npm run application -- create --service <service id> --name "<applicant>" --phone "<phone>"
                                [--channel telegram|whatsapp|whatsapp-cloud|web --user <chat id>] [--lang ar|en] [--by <staff>] [--note ..]
  npm run application -- status <code> --set <${APPLICATION_STATUSES.join('|')}> [--note ..] [--missing "a;b"] [--reason ..] [--by <staff>]
  npm run application -- show <code>
MONGODB_URI must point at the municipality's database.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

// Only the files this tool needs: a half-edited intent file must not stop the counter.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    service: { type: 'string' }, name: { type: 'string' }, phone: { type: 'string' }, channel: { type: 'string' },
    user: { type: 'string' }, lang: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' },
    set: { type: 'string' }, missing: { type: 'string' }, reason: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  },
});
const [command, codeArg] = positionals;
if (values.help || !command) fail(USAGE);

const config = loadConfig();
// Without MONGODB_URI: the embedded database of the `npm start` running here.
const databaseUri = config.mongodbUri ?? runningEmbeddedUri(config.dataDir);
if (!databaseUri) fail('MONGODB_URI is not set and no `npm start` with its embedded database is running: start it, or set MONGODB_URI to the municipality\'s database.');
// The same content check as the server's: a broken file is reported before the database is touched.
const content = loadContent(config.knowledgeDir, config.intentsDir);
const { services } = content;

const db = await connectDatabase(databaseUri);
const stores = createStores(db.connection, content.municipality.timezone);
try {
  const { applications } = createServices(stores, content);
  const by = values.by ?? process.env.USER ?? 'counter';

  if (command === 'create') {
    if (!values.service || !values.name || !values.phone) fail(`create needs --service, --name and --phone\n${USAGE}`);
    if (!!values.channel !== !!values.user) fail('--channel and --user go together');
    const lang = values.lang === 'en' ? 'en' : 'ar';
    const result = await applications.createApplication({
      service: values.service, name: values.name, phone: values.phone, by, note: values.note, lang,
      ...(values.channel && values.user ? { chat: { channel: values.channel as ChannelName, user: values.user } } : {}),
    });
    if (!result.ok) {
      const known = result.problems.includes('unknown-service') ? `\nservices: ${services.map((s) => s.id).join(', ')}` : '';
      fail(`not created: ${result.problems.join(', ')}${known}`);
    }
    const a = result.application;
    process.stdout.write(`code: ${a.code}\nservice: ${a.service}\nexpected by: ${a.expectedBy}\n`);
  } else if (command === 'status' || command === 'show') {
    const parsed = parseTrackingCode(codeArg ?? '');
    if (!parsed.ok || parsed.kind !== 'application') fail(`"${codeArg ?? ''}" is not an application code (${parsed.ok ? 'not an application' : parsed.problem})`);
    if (command === 'show') {
      const a = await applications.find(parsed.code);
      if (!a) fail(`no application ${parsed.code}`);
      process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
    } else {
      const status = values.set as ApplicationStatus;
      if (!APPLICATION_STATUSES.includes(status)) fail(`--set must be one of: ${APPLICATION_STATUSES.join(', ')}`);
      const result = await applications.changeStatus(parsed.code, {
        status, by, note: values.note, reason: values.reason,
        missingDocuments: values.missing?.split(';').map((d) => d.trim()).filter(Boolean),
      });
      if (!result.ok) fail(`not changed: ${result.reason}`);
      const a = result.application;
      process.stdout.write(`code: ${a.code}\nstatus: ${a.status}\nexpected by: ${a.expectedBy}\n${a.applicant.chat ? 'the applicant will be notified on their chat\n' : ''}`);
    }
  } else {
    fail(USAGE);
  }
} finally {
  await stores.counters.settled();
  await db.close();
}
