import MongoStore from 'connect-mongo';
import type { Store } from 'express-session';
import type { Connection } from 'mongoose';

// Where console sessions live: connect-mongo's store in `console_sessions`, plus the two reads the console needs
// beyond express-session's (sweeping expired sessions, and asking whether one is still alive).

const COLLECTION = 'console_sessions';

export interface ConsoleSessionStore {
  store: Store;
  /** Deletes expired sessions (no TTL index: FerretDB has none). */
  sweep(): Promise<void>;
  /** Whether a session exists and has not expired: one lookup by _id, which FerretDB answers from its index. */
  alive(sessionId: string): Promise<boolean>;
}

export function consoleSessionStore(connection: Connection, ttlSeconds: number): ConsoleSessionStore {
  const client = connection.getClient();
  const collection = () => client.db(connection.name).collection<{ _id: string; expires: Date }>(COLLECTION);
  const store = MongoStore.create({ client, dbName: connection.name, collectionName: COLLECTION, autoRemove: 'disabled', ttl: ttlSeconds, stringify: false });
  return {
    store,
    async sweep() { await collection().deleteMany({ expires: { $lt: new Date() } }); },
    async alive(sessionId) { return (await collection().countDocuments({ _id: sessionId, expires: { $gt: new Date() } }, { limit: 1 })) > 0; },
  };
}
