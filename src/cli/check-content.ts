// npm run check-content [-- KNOWLEDGE_DIR INTENTS_DIR]: checks a municipality's content files without starting
// anything (no database, no server). Prints what it found, or every problem with file, entry and field; exit 1.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { ContentError, loadContent } from '../content/load.js';

const config = loadConfig();
const [knowledgeArg, intentsArg] = process.argv.slice(2);
const knowledgeDir = knowledgeArg ? path.resolve(knowledgeArg) : config.knowledgeDir;
const intentsDir = intentsArg ? path.resolve(intentsArg) : config.intentsDir;

try {
  const c = loadContent(knowledgeDir, intentsDir);
  const examples = c.intents.reduce((n, i) => n + Object.values(i.examples).flat().length, 0);
  console.log(`content OK: ${c.services.length} services, ${c.categories.length} complaint categories, ${c.departments.length} departments, `
    + `${c.intents.length} intents (${examples} examples), ${Object.keys(c.replies).length} replies, ${c.canned.length} canned replies (${knowledgeDir}, ${intentsDir})`);
} catch (err) {
  console.error(err instanceof ContentError ? err.message : `content could not be read: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
