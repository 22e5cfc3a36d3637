// Recounts the dashboard's counters from the records:  npm run counters:rebuild
// (MONGODB_URI: the municipality's database). Prints how many records were read and counter documents written.
import { loadConfig } from '../config.js';
import { loadContent } from '../content/load.js';
import { connectDatabase } from '../db/connection.js';
import { rebuildCounters } from '../db/rebuild-counters.js';

const config = loadConfig();
if (!config.mongodbUri) {
  process.stderr.write('MONGODB_URI is not set: it must point at the municipality\'s database (the one the server uses).\n');
  process.exit(2);
}
const content = loadContent(config.knowledgeDir, config.intentsDir);
const db = await connectDatabase(config.mongodbUri);
try {
  const t = Date.now();
  const { records, documents } = await rebuildCounters(db.connection, content.municipality.timezone);
  console.log(`counters rebuilt from ${records} records: ${documents} documents in ${((Date.now() - t) / 1000).toFixed(1)} s`);
} finally {
  await db.close();
}
