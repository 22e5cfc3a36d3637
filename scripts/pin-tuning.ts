// Finds, for each value of the understanding Tuning, sentences of the development sets whose reading changes when
// the value moves: the candidates for test/understanding/tuning.test.ts. `npx tsx scripts/pin-tuning.ts [group.key]`
import fs from 'node:fs';
import path from 'node:path';
import { loadContent } from '../src/content/load.js';
import { Understander, type Understanding } from '../src/understanding/understand.js';
import { TUNING, tuned, type Tuning } from '../src/understanding/tuning.js';

const root = path.resolve(import.meta.dirname, '..');
const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
const rows = ['dev.jsonl', 'labelled.jsonl'].flatMap((f) => fs.readFileSync(path.join(root, 'test/data', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; intent: string; service: string | null; category: string | null }));
const only = process.argv[2];

export const reading = (u: Understanding, minConfidence = TUNING.respond.minConfidence) =>
  [u.intent, u.service ?? '-', u.category ?? '-', u.serviceChoices.join(',') || '-', u.alternative?.intent ?? '-', u.confidence >= minConfidence ? 'understood' : 'unsure', u.confidence >= 0.8 ? 'sure' : '-'].join(' ');

const base = new Understander(content);
const baseReadings = rows.map((r) => reading(base.understand(r.text)));
const right = (r: typeof rows[number], u: Understanding) => u.intent === r.intent && (u.service ?? null) === r.service && (r.intent !== 'complaint-file' || (u.category ?? null) === r.category);

for (const group of Object.keys(TUNING) as Array<keyof Tuning>) {
  for (const [key, value] of Object.entries(TUNING[group]) as Array<[string, number]>) {
    if (only && only !== `${group}.${key}`) continue;
    const moves = process.env.MOVES ? process.env.MOVES.split(",").map(Number) : Number.isInteger(value) && value >= 1 ? [value - 1, value + 1, value - 2, value + 3] : [value * 0.5, value * 1.5, value * 0.25, value * 2, Math.min(1, value + 0.3)];
    const found: string[] = [];
    for (const moved of moves) {
      const u = new Understander(content, tuned({ [group]: { [key]: moved } } as never));
      const flips = rows.map((r, i) => ({ r, i, after: u.understand(r.text) })).filter(({ i, after }) => reading(after) !== baseReadings[i]);
      const best = flips.find(({ r, i }) => right(r, base.understand(r.text)) && !right(r, flips.find((f) => f.i === i)!.after)) ?? flips[0];
      if (best) found.push(`  ${moved}: ${flips.length} flips, e.g. ${JSON.stringify(best.r.text)}\n      ${baseReadings[best.i]}  →  ${reading(best.after)}`);
      if (found.length >= 2) break;
    }
    console.log(`${group}.${key} = ${value}\n${found.join('\n') || '  (no flip found)'}`);
  }
}
