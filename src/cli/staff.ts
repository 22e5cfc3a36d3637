// Staff accounts for the console:
//   npm run staff -- create NAME --role agent|supervisor|admin [--department ID]   (prints a one-time password)
//   npm run staff -- disable NAME
//   npm run staff -- enable NAME
//   npm run staff -- reset NAME        (new one-time password)
//   npm run staff -- department NAME ID|none   (the department whose complaints the account works on)
//   npm run staff -- list
import { createStores } from '../app/stores.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { runningEmbeddedUri } from '../db/embedded.js';
import { loadContent } from '../content/load.js';
import { connectDatabase } from '../db/connection.js';
import { generatePassword, hashPassword, newAccount, ROLES, staffUsername, type Role } from '../domain/staff.js';

const USAGE = `usage:
  npm run staff -- create <name> --role <${ROLES.join('|')}> [--department <department id>]
  npm run staff -- disable <name>
  npm run staff -- enable <name>
  npm run staff -- reset <name>
  npm run staff -- department <name> <department id[,another id…]|none>
  npm run staff -- list
MONGODB_URI must point at the municipality's database. Generated passwords must be changed at first sign-in.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, department: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
const [command, rawName, rawDepartment] = positionals;
if (values.help || !command) fail(USAGE);
const config = loadConfig();
// Without MONGODB_URI: the embedded database of the `npm start` running here.
const databaseUri = config.mongodbUri ?? runningEmbeddedUri(config.dataDir);
if (!databaseUri) fail('MONGODB_URI is not set and no `npm start` with its embedded database is running: start it, or set MONGODB_URI to the municipality\'s database.');

// Department ids come from knowledge/departments.yaml; a typo would leave the account seeing nothing.
const departments = loadContent(config.knowledgeDir, config.intentsDir).departments.map((d) => d.id);
const knownDepartment = (id: string | undefined) => {
  if (id && !departments.includes(id)) fail(`unknown department "${id}"; one of: ${departments.join(', ')}`);
  return id;
};

const db = await connectDatabase(databaseUri);
try {
  const { staff, audit } = createStores(db.connection);
  const by = `cli:${process.env.USER ?? 'unknown'}`;
  const name = staffUsername(rawName ?? '');
  if (command === 'list') {
    for (const a of await staff.list()) process.stdout.write(`${a.username}\t${a.role}${a.department ? `\t${a.department}` : ''}${a.disabled ? '\tdisabled' : ''}${a.mustChangePassword ? '\tmust change password' : ''}\n`);
  } else if (!name) {
    fail(`"${rawName ?? ''}" is not a valid username: 2-32 characters, lowercase letters, digits, . _ -\n${USAGE}`);
  } else if (command === 'create') {
    const role = values.role as Role;
    if (!ROLES.includes(role)) fail(`--role must be one of: ${ROLES.join(', ')}`);
    const password = generatePassword();
    if (await staff.create(await newAccount(name, role, password, true, knownDepartment(values.department))) === 'exists') fail(`${name} already exists`);
    await audit.record({ who: by, what: 'staff-created', target: name, detail: role });
    process.stdout.write(`created ${name} (${role})\none-time password: ${password}\n(it must be changed at first sign-in)\n`);
  } else if (command === 'disable' || command === 'enable') {
    if (!(await staff.update(name, { disabled: command === 'disable' }))) fail(`no staff account ${name}`);
    await audit.record({ who: by, what: `staff-${command}d`, target: name });
    process.stdout.write(`${name} ${command}d${command === 'disable' ? ' (signed out on their next request)' : ''}\n`);
  } else if (command === 'department') {
    if (!rawDepartment) fail(USAGE);
    // Several departments are given with commas: the account works on all of them.
    const list = rawDepartment === 'none' ? [] : [...new Set(rawDepartment.split(',').map((d) => d.trim()).filter(Boolean))].map((d) => knownDepartment(d)!);
    const account = await staff.find(name);
    if (!account) fail(`no staff account ${name}`);
    await staff.setDepartments(name, list);
    await audit.record({ who: by, what: 'staff-department', target: name, detail: list.join(',') || 'none' });
    process.stdout.write(`${name} now works on ${list.join(', ') || 'every department (no department)'}\n`);
  } else if (command === 'reset') {
    const password = generatePassword();
    if (!(await staff.update(name, { passwordHash: await hashPassword(password), mustChangePassword: true }))) fail(`no staff account ${name}`);
    await audit.record({ who: by, what: 'staff-password-reset', target: name });
    process.stdout.write(`one-time password for ${name}: ${password}\n`);
  } else {
    fail(USAGE);
  }
} finally {
  await db.close();
}
