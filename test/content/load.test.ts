import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError, loadContent } from '../../src/content/load.js';

const root = path.resolve(import.meta.dirname, '../..');

function copyContent(): { knowledge: string; intents: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-content-'));
  fs.cpSync(path.join(root, 'knowledge'), path.join(dir, 'knowledge'), { recursive: true });
  fs.cpSync(path.join(root, 'intents'), path.join(dir, 'intents'), { recursive: true });
  return { knowledge: path.join(dir, 'knowledge'), intents: path.join(dir, 'intents') };
}

function problemsOf(fn: () => unknown): string[] {
  try { fn(); } catch (err) { if (err instanceof ContentError) return err.problems; throw err; }
  return [];
}

describe('content files', () => {
  it('the shipped municipality loads with every catalog service and intent', () => {
    const c = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
    expect(c.services).toHaveLength(22);
    expect(c.intents.length).toBeGreaterThanOrEqual(17);
    for (const i of c.intents) expect(Object.values(i.examples).flat().length).toBeGreaterThanOrEqual(15);
  });

  it('a broken service file is refused with the file, the entry and the field named', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'services', 'building-permit.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^department: .*$/m, 'department: 42'));
    const problems = problemsOf(() => loadContent(dir.knowledge, dir.intents));
    expect(problems.join('\n')).toMatch(/services\/building-permit\.yaml: field department: /);
  });

  it('a category routed to an unknown department is refused, naming the entry', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'complaint-categories.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('department: public-works', 'department: roads-dept'));
    const problems = problemsOf(() => loadContent(dir.knowledge, dir.intents));
    expect(problems.join('\n')).toContain("complaint-categories.yaml (entry 'roads'): field department: no department 'roads-dept'");
  });

  it('the same example under two intents is refused', () => {
    const dir = copyContent();
    fs.appendFileSync(path.join(dir.intents, 'thanks.yaml'), '');
    const greet = path.join(dir.intents, 'greeting.yaml');
    fs.writeFileSync(greet, fs.readFileSync(greet, 'utf8').replace(/^  en:\n/m, '  en:\n    - thank you so much dear\n'));
    const thanks = path.join(dir.intents, 'thanks.yaml');
    fs.writeFileSync(thanks, fs.readFileSync(thanks, 'utf8').replace(/^  en:\n/m, '  en:\n    - thank you so much dear\n'));
    expect(problemsOf(() => loadContent(dir.knowledge, dir.intents)).join('\n')).toContain('is also an example of');
  });

  it('a missing reply sentence is refused', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'replies.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^goodbye:\n(?:  .*\n)+/m, ''));
    expect(problemsOf(() => loadContent(dir.knowledge, dir.intents)).join('\n')).toMatch(/replies\.yaml: field goodbye: missing: add this reply/);
  });
});

describe('the services menu areas and the digit style (issue 15)', () => {
  it('a service in no area, or in two, is refused naming the service', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'service-groups.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('services: [electricity-subscription, prepaid-electricity, water-subscription]', 'services: [electricity-subscription, prepaid-electricity, building-permit]'));
    const problems = problemsOf(() => loadContent(dir.knowledge, dir.intents)).join('\n');
    expect(problems).toContain("service 'building-permit' is already in group 'building-land'");
    expect(problems).toContain("service 'water-subscription' is in no group");
  });

  it('a digit style other than western or arabic-indic is refused', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'municipality.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('digits: western', 'digits: eastern'));
    expect(problemsOf(() => loadContent(dir.knowledge, dir.intents)).join('\n')).toMatch(/municipality\.yaml: field digits: /);
  });

  it('a counted word without {n} where the number goes is refused', () => {
    const dir = copyContent();
    const file = path.join(dir.knowledge, 'counts.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('few: "{n} أيام"', 'few: "أيام"'));
    expect(problemsOf(() => loadContent(dir.knowledge, dir.intents)).join('\n')).toMatch(/counts\.yaml: field counts\.day\.ar\.few: put \{n\}/);
  });
});
