import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent } from '../../src/content/load.js';
import { REPLY_KEYS } from '../../src/content/reply-keys.js';
import { Replies } from '../../src/content/schema.js';

// Content cannot break the assistant at run time: whatever the code says must be in the files, with the
// placeholders the code fills in, and a broken file stops `npm run check-content` and start-up before the
// database is touched.

const root = path.resolve(import.meta.dirname, '../..');
const shipped = YAML.parse(fs.readFileSync(path.join(root, 'knowledge/replies.yaml'), 'utf8')) as Record<string, unknown>;
const { version: _version, ...replies } = shipped;

function copyContent(): { knowledge: string; intents: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-check-'));
  fs.cpSync(path.join(root, 'knowledge'), path.join(dir, 'knowledge'), { recursive: true });
  fs.cpSync(path.join(root, 'intents'), path.join(dir, 'intents'), { recursive: true });
  return { knowledge: path.join(dir, 'knowledge'), intents: path.join(dir, 'intents') };
}

function problemsOf(knowledge: string, intents: string): string[] {
  try { loadContent(knowledge, intents); } catch (err) { if (err instanceof ContentError) return err.problems; throw err; }
  return [];
}

function issues(r: unknown): string[] {
  const result = Replies.safeParse(r);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the reply check derived from the key table', () => {
  it('the shipped replies pass', () => {
    expect(issues(replies)).toEqual([]);
  });

  it.each(Object.keys(REPLY_KEYS))('deleting %s is refused, naming the key', (key) => {
    const { [key]: _gone, ...rest } = replies;
    expect(issues(rest)).toEqual([`${key}: missing: add this reply with its ar and en texts`]);
  });

  const withPlaceholders = Object.entries(REPLY_KEYS).filter(([, names]) => names.length);
  it.each(withPlaceholders)('a misspelt placeholder in %s is refused, naming the key, the language and the right names', (key, names) => {
    const entry = replies[key] as { ar: string; en: string };
    const wrong = { ...replies, [key]: { ...entry, en: entry.en.replace(`{${names[0]}}`, `{${names[0]}x}`) } };
    const found = issues(wrong);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`${key}.en: placeholder {${names[0]}x} is never filled in: use {${names[0]}}`);
  });
});

describe('npm run check-content and start-up', () => {
  const broken = copyContent();
  const file = path.join(broken.knowledge, 'replies.yaml');
  // The receipt loses its key (the complaint would be stored and the citizen told nothing), and a notification
  // placeholder is misspelt (it would reach the citizen as written).
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^complaint\.receipt:\n(  .*\n)+/m, ''));
  const notifications = path.join(broken.knowledge, 'notifications.yaml');
  fs.writeFileSync(notifications, fs.readFileSync(notifications, 'utf8').replace('{code}', '{kode}'));

  it('the loader names both problems with file, entry and field', () => {
    const problems = problemsOf(broken.knowledge, broken.intents).join('\n');
    expect(problems).toMatch(/replies\.yaml: field complaint\.receipt: missing: add this reply/);
    expect(problems).toMatch(/notifications\.yaml: field messages\.[a-z.-]+\.(ar|en): placeholder \{kode\} is never filled in: use [^\n]*\{code\}/);
  });

  it('npm run check-content fails and says so', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/check-content.ts', broken.knowledge, broken.intents], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('complaint.receipt');
    expect(run.stderr).toContain('{kode}');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/check-content.ts'], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^content OK: 22 services/);
  });

  it('start-up stops on it before touching the database', () => {
    // The database address is wrong on purpose: had start-up reached it, the error would name MONGODB_URI.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root, encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, KNOWLEDGE_DIR: broken.knowledge, INTENTS_DIR: broken.intents, MONGODB_URI: 'mongodb://127.0.0.1:1/never', PORT: '0' },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('complaint.receipt');
    expect(run.stderr + run.stdout).not.toContain('MONGODB_URI');
  });

  it('a file without its format version is refused, saying what to write', () => {
    const c = copyContent();
    const f = path.join(c.knowledge, 'departments.yaml');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^version: 1\n/m, ''));
    expect(problemsOf(c.knowledge, c.intents).join('\n')).toMatch(/departments\.yaml: field version: missing; this assistant reads version 1: put "version: 1" at the top/);
  });
});
