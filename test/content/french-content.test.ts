import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent } from '../../src/content/load.js';
import { Phrasebook } from '../../src/conversation/replies.js';

// A municipality that lists fr among its languages answers French writers in French, so everything citizens read
// must have a French text; one without fr keeps ar/en only and still starts.

const root = path.resolve(import.meta.dirname, '../..');
const CITIZEN_FILES = ['replies.yaml', 'notifications.yaml', 'canned-replies.yaml', 'counts.yaml'];

function copyContent(): { knowledge: string; intents: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-french-'));
  fs.cpSync(path.join(root, 'knowledge'), path.join(dir, 'knowledge'), { recursive: true });
  fs.cpSync(path.join(root, 'intents'), path.join(dir, 'intents'), { recursive: true });
  return { knowledge: path.join(dir, 'knowledge'), intents: path.join(dir, 'intents') };
}

function problemsOf(c: { knowledge: string; intents: string }): string[] {
  try { loadContent(c.knowledge, c.intents); } catch (err) { if (err instanceof ContentError) return err.problems; throw err; }
  return [];
}

/** Rewrites a YAML file of the copy through `change` (the document as plain data). */
function edit(file: string, change: (doc: Record<string, unknown>) => void): void {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(doc);
  fs.writeFileSync(file, YAML.stringify(doc));
}

function withoutFrench(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFrench);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'fr').map(([k, v]) => [k, withoutFrench(v)]));
}

/** Every text object (ar + en) in a document, with its path. */
function texts(value: unknown, at: string[] = []): Array<{ at: string; text: Record<string, unknown> }> {
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if ('ar' in v && 'en' in v) return [{ at: at.join('.'), text: v }];
  return Object.entries(v).flatMap(([k, x]) => texts(x, [...at, k]));
}

describe('French in the shipped content', () => {
  it('the shipped municipality answers in ar, en and fr, and every citizen-facing text has a French one', () => {
    const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
    expect(content.municipality.languages).toEqual(['ar', 'en', 'fr']);
    for (const file of CITIZEN_FILES) {
      const doc = YAML.parse(fs.readFileSync(path.join(root, 'knowledge', file), 'utf8'));
      const all = texts(doc);
      expect(all.length).toBeGreaterThan(5);
      expect(all.filter((t) => typeof t.text.fr !== 'string' && typeof t.text.fr !== 'object').map((t) => `${file}: ${t.at}`)).toEqual([]);
    }
  });

  it('French texts keep the placeholders of the English ones', () => {
    for (const file of ['replies.yaml', 'notifications.yaml', 'canned-replies.yaml']) {
      const doc = YAML.parse(fs.readFileSync(path.join(root, 'knowledge', file), 'utf8'));
      for (const { at, text } of texts(doc)) {
        const names = (s: unknown) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(names(text.fr), `${file}: ${at}`).toEqual(names(text.en));
      }
    }
  });

  it('service and category names have French names, read in French replies', () => {
    const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
    const p = new Phrasebook(content);
    const raw = (f: string) => YAML.parse(fs.readFileSync(path.join(root, 'knowledge', f), 'utf8'));
    for (const s of content.services) expect(raw(`services/${s.id}.yaml`).name.fr, s.id).toBeTruthy();
    for (const c of raw('complaint-categories.yaml').categories) expect(c.name.fr, c.id).toBeTruthy();
    const permit = content.services.find((s) => s.id === 'building-permit')!;
    expect(p.serviceAnswer('fr', permit, 'fees', false).text).toContain('Permis de construire');
    expect(p.serviceAnswer('fr', permit, 'fees', false).text).toContain('💰 Frais :');
    expect(p.count('fr', 'day', 3)).toBe('3 jours');
    expect(p.money('fr', 50)).toBe('50 dinars libyens');
    expect(p.serviceAnswer('fr', permit, 'fees', false).text).toContain("• Frais d'ouverture de dossier : 50 dinars libyens");
  });
});

describe('a municipality without French', () => {
  it('keeps ar/en only and passes, answering French writers in English', () => {
    const copy = copyContent();
    edit(path.join(copy.knowledge, 'municipality.yaml'), (doc) => { doc.languages = ['ar', 'en']; });
    for (const file of CITIZEN_FILES) edit(path.join(copy.knowledge, file), (doc) => { Object.assign(doc, withoutFrench(doc)); });
    for (const file of CITIZEN_FILES) expect(fs.readFileSync(path.join(copy.knowledge, file), 'utf8')).not.toMatch(/\bfr:/);
    expect(problemsOf(copy)).toEqual([]);
    const content = loadContent(copy.knowledge, copy.intents);
    expect(content.municipality.languages).toEqual(['ar', 'en']);
    // Without a French text, French reads as the English one.
    expect(new Phrasebook(content).t('fr', 'menu')).toBe('How can I help you?');
  });

  it('a municipality file without languages means ar and en', () => {
    const copy = copyContent();
    edit(path.join(copy.knowledge, 'municipality.yaml'), (doc) => { delete doc.languages; });
    edit(path.join(copy.knowledge, 'replies.yaml'), (doc) => { delete (doc.welcome as Record<string, unknown>).fr; });
    expect(problemsOf(copy)).toEqual([]);
    expect(loadContent(copy.knowledge, copy.intents).municipality.languages).toEqual(['ar', 'en']);
  });
});

describe('a municipality with French and a French text missing', () => {
  it('is refused, naming the file, the entry and the field of each one missing', () => {
    const copy = copyContent();
    edit(path.join(copy.knowledge, 'replies.yaml'), (doc) => { delete (doc['complaint.receipt'] as Record<string, unknown>).fr; });
    edit(path.join(copy.knowledge, 'notifications.yaml'), (doc) => {
      delete ((doc.messages as Record<string, Record<string, unknown>>)['booking.reminder']).fr;
      delete ((doc.statuses as Record<string, Record<string, Record<string, unknown>>>).complaint.resolved).fr;
    });
    edit(path.join(copy.knowledge, 'canned-replies.yaml'), (doc) => { delete ((doc.replies as Array<{ text: Record<string, unknown> }>)[1].text).fr; });
    edit(path.join(copy.knowledge, 'counts.yaml'), (doc) => { delete ((doc.counts as Record<string, Record<string, unknown>>).photo).fr; });
    const problems = problemsOf(copy).map((p) => p.replace(/^.*knowledge\//, 'knowledge/'));
    const why = 'missing: municipality.yaml lists fr among its languages; add the fr text (same {placeholders} as en)';
    expect(problems).toEqual([
      `knowledge/replies.yaml (entry 'complaint.receipt'): field complaint.receipt.fr: ${why}`,
      `knowledge/notifications.yaml (entry 'statuses.complaint.resolved'): field statuses.complaint.resolved.fr: ${why}`,
      `knowledge/notifications.yaml (entry 'messages.booking.reminder'): field messages.booking.reminder.fr: ${why}`,
      `knowledge/canned-replies.yaml (entry 'one-moment'): field replies[1].text.fr: ${why}`,
      `knowledge/counts.yaml (entry 'photo'): field counts.photo.fr: ${why}`,
    ]);
  });

  it('an empty French text is as missing as none, and a French placeholder the code does not fill is refused', () => {
    const copy = copyContent();
    edit(path.join(copy.knowledge, 'replies.yaml'), (doc) => {
      (doc.menu as Record<string, unknown>).fr = '  ';
      const receipt = doc['complaint.receipt'] as Record<string, string>;
      receipt.fr = receipt.fr.replace('{code}', '{kode}');
    });
    const problems = problemsOf(copy).join('\n');
    expect(problems).toContain("(entry 'menu'): field menu.fr: missing");
    expect(problems).toContain('complaint.receipt.fr: placeholder {kode} is never filled in');
  });

  it('npm run check-content stops with the problem named, and start-up refuses the same content', () => {
    const copy = copyContent();
    edit(path.join(copy.knowledge, 'replies.yaml'), (doc) => { delete (doc.greeting as Record<string, unknown>).fr; });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/check-content.ts', copy.knowledge, copy.intents], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("replies.yaml (entry 'greeting'): field greeting.fr: missing");
    expect(() => loadContent(copy.knowledge, copy.intents)).toThrow(ContentError);
  });
});
