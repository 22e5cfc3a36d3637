// Composition root: config → content → database → domain → conversation → HTTP + channels.
import http from 'node:http';
import { composeNafidha } from './compose.js';
import { attachConsole } from './console.js'; // console & handoff
import { setUpChannels } from './channels/start.js';
import { loadConfig } from './config.js';
import { ContentError, loadContent } from './content/load.js';
import { connectDatabase } from './db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';

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
  const nafidha = composeNafidha({ config, content, db, log });

  // channels & console: add senders and mounts here, before the app is built.
  const channels = setUpChannels(config, nafidha, db, log);
  // console & handoff
  const staffConsole = attachConsole(nafidha, { db, content, config, log, channels });

  const server = http.createServer(nafidha.app());
  nafidha.webchat.attach(server, '/chat/ws');
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  nafidha.start();
  await channels.start();
  await staffConsole.start(); // console & handoff
  log(`web chat: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);

  const stop = async () => {
    log('shutting down');
    server.close();
    await channels.stop();
    await nafidha.stop();
    await staffConsole.stop(); // console & handoff
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
