// Composition root: config → content → database → domain → conversation → HTTP + channels.
import http from 'node:http';
import { loadConfig } from './config.js';
import { ContentError, loadContent } from './content/load.js';
import { createAssistant } from './conversation/assistant.js';
import { MongoBotStorage } from './db/bot-storage.js';
import { connectDatabase } from './db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { MongoTranscriptStore } from './db/transcripts.js';
import { createApp } from './http/server.js';
import { Understander } from './understanding/understand.js';

const log = (line: string) => console.log(`[nafidha] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  const content = loadContent(config.knowledgeDir, config.intentsDir);
  log(`content: ${content.services.length} services, ${content.intents.length} intents, ${content.categories.length} complaint categories (${config.knowledgeDir})`);

  let embedded: EmbeddedDatabase | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedDatabase(config.dataDir, log);
    uri = embedded.uri;
    log(`database: embedded ${embedded.kind}, data in ${config.dataDir}`);
  }
  const db = await connectDatabase(uri);

  const understander = new Understander(content);
  const assistant = createAssistant({ content, understander, storage: new MongoBotStorage(db.connection), transcripts: new MongoTranscriptStore(db.connection), log });

  const app = createApp({ assistant });
  const server = http.createServer(app);
  assistant.startWebSocket(server, '/chat/ws');
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  log(`web chat: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);

  const stop = async () => {
    log('shutting down');
    server.close();
    await db.close().catch(() => undefined);
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof ContentError ? err.message : err);
  process.exit(1);
});
