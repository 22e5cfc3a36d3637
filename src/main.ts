import fs from 'node:fs';
// Composition root: config → content → database → domain → conversation → HTTP + channels.
import http from 'node:http';
import { loadConfig } from './config.js';
import { ContentError, loadContent } from './content/load.js';
import { connectDatabase, DatabaseUnreachable, type Database } from './db/connection.js';
import { embeddedUriFile, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';

const log = (line: string) => console.log(`[nafidha] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  // Content first: a broken file stops start-up before the database is touched. It loads synchronously, so the
  // connection below is not timed out by it.
  const content = loadContent(config.knowledgeDir, config.intentsDir);
  log(`content: ${content.services.length} services, ${content.intents.length} intents, ${content.categories.length} complaint categories (${config.knowledgeDir})`);
  const given = config.mongodbUri ? await connectOrExplain(config.mongodbUri, undefined) : undefined;

  let embedded: EmbeddedDatabase | undefined;
  let db: Database;
  if (given) db = given;
  else {
    embedded = await startEmbeddedDatabase(config.dataDir, log);
    log(`database: embedded ${embedded.kind}, data in ${config.dataDir}, at ${embedded.uri} (npm run staff uses it while this runs)`);
    fs.writeFileSync(embeddedUriFile(config.dataDir), embedded.uri);
    db = await connectOrExplain(embedded.uri, embedded);
  }
  // The rest (botkit, telegraf, express, ...) takes seconds to load: loaded once the database answered, so a wrong
  // MONGODB_URI is reported at once.
  const [{ composeNafidha }, { attachConsole }, { channelTable }] = await Promise.all([
    import('./app/compose.js'), import('./app/console.js'), import('./app/channels.js')]);
  const nafidha = composeNafidha({ config, content, db, log, channels: channelTable(config) });
  // console & handoff
  const staffConsole = attachConsole(nafidha, { db, content, config, log });

  const server = http.createServer(nafidha.app([staffConsole.mount]));
  nafidha.webchat.attach(server, '/chat/ws');
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  nafidha.start();
  await nafidha.channels.start();
  await staffConsole.start(); // console & handoff
  log(`web chat: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);

  // Stops within seconds whatever state the database is in: each step is bounded, and a deadline forces the exit.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) { log(`${signal} again: exiting now`); process.exit(1); }
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => { log('shutdown took too long: exiting'); process.exit(1); }, 4_000).unref();
    server.close();
    server.closeAllConnections();
    const step = async (what: () => Promise<unknown>) => { await what().catch((err: unknown) => log(`shutdown: ${err instanceof Error ? err.message : err}`)); };
    await step(() => nafidha.stop());
    await step(() => staffConsole.stop()); // console & handoff
    await step(() => db.close());
    await step(async () => { fs.rmSync(embeddedUriFile(config.dataDir), { force: true }); await embedded?.stop(); });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Connects, or ends start-up with one line that says which setting is wrong and what to do. */
async function connectOrExplain(uri: string, embedded: EmbeddedDatabase | undefined): Promise<Database> {
  try {
    return await connectDatabase(uri, { log });
  } catch (err) {
    if (!(err instanceof DatabaseUnreachable)) throw err;
    await embedded?.stop();
    const fix = err.malformed
      ? 'set it to a URI like mongodb://127.0.0.1:27017/nafidha, or unset it to use the embedded database'
      : 'start that MongoDB server or correct MONGODB_URI, or unset it to use the embedded database';
    throw new StartupError(embedded ? `the embedded database did not answer: ${err.message}` : `MONGODB_URI: ${err.message}; ${fix}.`);
  }
}

/** A start-up failure the operator can fix; printed as its one-line message, without a stack trace. */
class StartupError extends Error {}

main().catch((err) => {
  console.error(err instanceof StartupError ? `[nafidha] ${err.message}` : err instanceof ContentError ? err.message : err);
  process.exit(1);
});
