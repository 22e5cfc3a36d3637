import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

// What citizens read must exist in every language the municipality answers in: with fr in municipality.yaml's
// languages, a reply, a notification text, a canned reply or a counted word without French would reach a French
// writer in English. The schemas accept a missing fr (a municipality without French writes ar/en only), so this
// check reads the files as written, before the English fallback fills the gap.

/** The files whose texts go to citizens, and how their entries are named in a problem. */
const CITIZEN_FILES = ['replies.yaml', 'notifications.yaml', 'canned-replies.yaml', 'counts.yaml'] as const;

export function checkLanguages(knowledgeDir: string, languages: readonly string[], problems: string[]): void {
  for (const lang of languages) {
    if (lang === 'ar' || lang === 'en') continue; // required by the schemas themselves
    for (const name of CITIZEN_FILES) {
      const file = path.join(knowledgeDir, name);
      let raw: unknown;
      try { raw = YAML.parse(fs.readFileSync(file, 'utf8')); } catch { continue; } // its own parse reports it
      if (!raw || typeof raw !== 'object') continue;
      const rel = path.relative(process.cwd(), file) || file;
      for (const missing of missingIn(raw, [], lang)) {
        problems.push(`${rel} (entry '${entryOf(raw, missing)}'): field ${fieldOf(missing)}.${lang}: missing: municipality.yaml lists ${lang} among its languages; add the ${lang} text (same {placeholders} as en)`);
      }
    }
  }
}

// Paths of the texts (objects with ar and en) that have no non-empty `lang`.
function missingIn(value: unknown, at: Array<string | number>, lang: string): Array<Array<string | number>> {
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if ('ar' in v && 'en' in v) {
    const t = v[lang];
    const present = typeof t === 'string' ? t.trim() !== '' : !!t && typeof t === 'object';
    return present ? [] : [at];
  }
  const entries = Array.isArray(value) ? value.map((x, i) => [i, x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => (k === 'version' ? [] : missingIn(x, [...at, k], lang)));
}

// Replies and notifications are named by their key ("welcome", "messages.note"), canned replies by their id.
function entryOf(raw: unknown, at: Array<string | number>): string {
  const list = (raw as Record<string, unknown>)[String(at[0])];
  if (Array.isArray(list) && typeof at[1] === 'number') {
    const item = list[at[1]] as Record<string, unknown> | undefined;
    if (item && typeof item.id === 'string') return item.id;
  }
  if (at[0] === 'counts') return String(at[1]);
  return at.join('.');
}

const fieldOf = (at: Array<string | number>) => at.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k}`)).join('');
