// Reads utterances (one per line) on stdin and prints one JSON object per line, using the bot's own understanding.
import readline from 'node:readline';
import { loadConfig } from '../config.js';
import { loadContent } from '../content/load.js';
import { Understander } from '../understanding/understand.js';

const config = loadConfig();
let understander: Understander;
try {
  understander = new Understander(loadContent(config.knowledgeDir, config.intentsDir));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  const text = line.replace(/\r$/, '');
  if (!text.trim()) continue;
  const u = understander.understand(text);
  process.stdout.write(`${JSON.stringify({ text, intent: u.intent, service: u.service, category: u.category, confidence: u.confidence })}\n`);
}
