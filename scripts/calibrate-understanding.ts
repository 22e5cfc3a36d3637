// How far the assistant's confidence can be trusted on wording it has not seen: five-fold cross-validation over the
// intent examples (each fold is held out from training and classified), with a reliability table.
// npx tsx scripts/calibrate-understanding.ts
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/content/load.js';
import { Understander } from '../src/understanding/understand.js';
const c = loadConfig(); const content = loadContent(c.knowledgeDir, c.intentsDir);
const K = 5;
const rows: Array<[number, boolean, string]> = [];
for (let k = 0; k < K; k++) {
  const held: Array<[string, string]> = [];
  const intents = content.intents.map((it) => ({ ...it, examples: Object.fromEntries(Object.entries(it.examples).map(([key, list]) => [key, list.filter((ex, i) => { const h = (i * 7 + key.length) % K === k; if (h) held.push([ex, it.id]); return !h; })])) as typeof it.examples }));
  const u = new Understander({ ...content, intents });
  for (const [t, id] of held) { const r = u.understand(t); rows.push([r.confidence, r.intent === id, id]); }
}
const edges = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01];
let ece = 0; const out: string[] = [];
for (let i = 0; i + 1 < edges.length; i++) {
  const b = rows.filter(([x]) => x >= edges[i] && x < edges[i + 1]);
  if (!b.length) continue;
  const acc = b.filter(([, ok]) => ok).length / b.length, conf = b.reduce((a, [x]) => a + x, 0) / b.length;
  ece += (b.length / rows.length) * Math.abs(acc - conf);
  out.push(`${edges[i]}:${b.length}/${(acc * 100).toFixed(0)}%/c${(conf * 100).toFixed(0)}`);
}
const hi = rows.filter(([x]) => x >= 0.8);
console.log(`intent accuracy out of sample  ${(rows.filter(r=>r[1]).length/rows.length*100).toFixed(1)} expected calibration error ${(ece * 100).toFixed(1)}  answers with confidence ≥ 0.8 right: ${hi.filter(([, ok]) => ok).length}/${hi.length}  ${out.join(' ')}`);
