// `npm run bench -- --understanding`: the understanding step alone, on one core, for the shipped catalog and for a
// generated catalog of 1,000 services, to show how its cost grows with the catalog.
import fs from 'node:fs';
import type { Content } from '../src/content/load.js';
import type { Service } from '../src/content/schema.js';
import { Understander } from '../src/understanding/understand.js';

// Plausible variants of the shipped services: the same service for another kind of applicant, place or case.
// Each qualifier is [Arabic, English, Arabizi]; its words are new to the catalog, so the vocabulary grows too.
const QUALIFIERS: Array<[string, string, string]> = [
  ['تجاري', 'commercial', 'tijari'], ['سكني', 'residential', 'sakani'], ['زراعي', 'agricultural', 'zira3i'],
  ['صناعي', 'industrial', 'sina3i'], ['سياحي', 'tourism', 'siya7i'], ['مؤقت', 'temporary', 'mu2aqqat'],
  ['مستعجل', 'urgent', 'mista3jil'], ['بدل فاقد', 'replacement', 'badal fa2ed'], ['تجديد', 'renewal', 'tajdeed'],
  ['تعديل', 'amendment', 'ta3deel'], ['نقل ملكية', 'ownership transfer', 'na2l milkiye'], ['للمغتربين', 'for expatriates', 'lil mughtaribeen'],
  ['للشركات', 'for companies', 'lil sharikat'], ['للجمعيات', 'for associations', 'lil jam3iyat'], ['للأجانب', 'for foreign residents', 'lil ajaneb'],
  ['ريفي', 'rural', 'reefi'], ['حضري', 'urban', 'hadari'], ['للمستشفيات', 'for hospitals', 'lil mustashfayat'],
  ['للمدارس', 'for schools', 'lil madares'], ['للمطاعم', 'for restaurants', 'lil mata3em'], ['للفنادق', 'for hotels', 'lil fanade2'],
  ['للمصانع', 'for factories', 'lil masane3'], ['للمخابز', 'for bakeries', 'lil makhabez'], ['للصيدليات', 'for pharmacies', 'lil saydaliyat'],
  ['للورش', 'for workshops', 'lil warash'], ['للمستودعات', 'for warehouses', 'lil mustawda3at'], ['للأسواق', 'for markets', 'lil aswa2'],
  ['لمحطات الوقود', 'for fuel stations', 'lil ma7attat'], ['إلكتروني', 'online', 'electroni'], ['جماعي', 'collective', 'jama3i'],
  ['فردي', 'individual', 'fardi'], ['سنوي', 'annual', 'sanawi'], ['شهري', 'monthly', 'shahri'], ['أولي', 'preliminary', 'awwali'],
  ['نهائي', 'final', 'niha2i'], ['جزئي', 'partial', 'juz2i'], ['استثنائي', 'exceptional', 'istithna2i'],
  ['لذوي الإعاقة', 'for people with disabilities', 'li thawi el i3a2a'], ['للمتقاعدين', 'for retirees', 'lil mutaqa3ideen'],
  ['للطلاب', 'for students', 'lil tullab'], ['المنطقة الشرقية', 'eastern district', 'el mante2a el shar2iye'],
  ['المنطقة الغربية', 'western district', 'el mante2a el gharbiye'], ['وسط البلد', 'city centre', 'wasat el balad'],
  ['الضواحي', 'suburbs', 'el dawa7i'], ['الساحل', 'coastal', 'el sa7el'],
];

/** The shipped services plus generated variants up to `size`, with distinct names and aliases. */
export function generatedCatalog(shipped: Service[], size: number): Service[] {
  const out = [...shipped];
  for (const [ar, en, arabizi] of QUALIFIERS) {
    for (const s of shipped) {
      if (out.length >= size) return out;
      out.push({
        ...s,
        id: `${s.id}-${en.replace(/[^a-z]+/g, '-')}`,
        name: { ar: `${s.name.ar} ${ar}`, en: `${s.name.en} (${en})`, fr: `${s.name.fr} (${en})` },
        aliases: {
          ar: s.aliases.ar.slice(0, 6).map((a) => `${a} ${ar}`),
          en: s.aliases.en.slice(0, 4).flatMap((a) => [`${a} ${en}`, `${en} ${a}`]),
          arabizi: s.aliases.arabizi.slice(0, 4).map((a) => `${a} ${arabizi}`),
          fr: s.aliases.fr.slice(0, 4).map((a) => `${a} ${en}`),
        },
      });
    }
  }
  if (out.length < size) throw new Error(`only ${out.length} variants can be generated; add qualifiers`);
  return out;
}

export interface UnderstandingFigures {
  services: number;
  buildMs: number;
  utterances: number;
  firstPass: { perSecond: number; p50Ms: number; p99Ms: number };
  steady: { classifications: number; perSecond: number; cpuShare: number; p50Ms: number; p99Ms: number; maxMs: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Runs the code once so the first measured pass is not also the JIT's first run (its caches stay cold). */
export function warmUp(content: Content, utterances: string[]): void {
  const understander = new Understander(content);
  for (const u of utterances) understander.understand(u);
}

/** Classifies the utterances once from cold caches, then over and over for `ms`, on this thread only. */
export function measureUnderstanding(content: Content, services: Service[], utterances: string[], ms: number): UnderstandingFigures {
  const t0 = performance.now();
  const understander = new Understander({ ...content, services });
  const buildMs = performance.now() - t0;

  const timeAll = (): number[] => utterances.map((u) => {
    const s = performance.now();
    understander.understand(u);
    return performance.now() - s;
  });
  const first = timeAll();
  const firstTotal = first.reduce((a, b) => a + b, 0);
  first.sort((a, b) => a - b);

  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  // Whole passes over the set, bounded by time (at least one pass).
  do times.push(...timeAll()); while (performance.now() - start < ms);
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return {
    services: services.length, buildMs, utterances: utterances.length,
    firstPass: { perSecond: utterances.length / (firstTotal / 1000), p50Ms: percentile(first, 50), p99Ms: percentile(first, 99) },
    steady: { classifications: times.length, perSecond: times.length / (elapsed / 1000), cpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
      p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1] },
  };
}

/** The labelled utterances of the test suite (what citizens write), without their labels. */
export function labelledUtterances(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
}
