// Scores the understanding on a labelled JSONL file: npm run eval -- FILE.jsonl [--errors] [--baseline]
import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { loadContent } from '../content/load.js';
import { Baseline } from '../evaluation/baseline.js';
import { evaluateBaseline, keyFigures, sideBySide } from '../evaluation/compare.js';
import { evaluate, report, type Labelled } from '../evaluation/score.js';
import { Understander } from '../understanding/understand.js';

const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: npm run eval -- FILE.jsonl [--errors] [--baseline]');
  process.exit(2);
}
const config = loadConfig();
const content = loadContent(config.knowledgeDir, config.intentsDir);
const understander = new Understander(content);
const data: Labelled[] = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
  try { return JSON.parse(l) as Labelled; } catch { throw new Error(`${file}:${i + 1}: not valid JSON`); }
});
const result = evaluate(understander, data);
console.log(report(result));
const baseline = process.argv.includes('--baseline') ? evaluateBaseline(new Baseline(content), data) : undefined;
if (baseline) console.log(`\nassistant vs baseline (TF-IDF character 2–5 grams + words, logistic regression, same examples):\n${sideBySide(result, baseline)}`);
console.log(`\n${keyFigures(result, baseline)}`);
if (process.argv.includes('--errors')) for (const e of result.errors) console.log(`${e.field}: expected ${e.expected}, got ${e.got}: ${e.text}`);
