import mongoose, { type Connection } from 'mongoose';

export interface Database {
  connection: Connection;
  /** Commands sent to the server since start (driver command monitoring), for the benchmark. */
  commands(): number;
  /** A real round trip to the server: true when it answered within `ms`. */
  ping(ms?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Start-up could not reach the database. `reason` is one line and never holds the URI's credentials. */
export class DatabaseUnreachable extends Error {
  constructor(readonly reason: string, readonly hosts: string | undefined, readonly malformed: boolean) {
    super(malformed ? `not a MongoDB connection string (${reason})` : `no MongoDB server answered at ${hosts ?? 'the given address'} (${reason})`);
    this.name = 'DatabaseUnreachable';
  }
}

// While the server is gone every operation errors within ~2 s instead of hanging (the driver's default is 30 s),
// and the driver keeps looking for it every second, so the same connection works again as soon as it returns.
// The socket timeout only bounds an operation on a server that stopped answering (a killed one refuses at once);
// it is long so that slow but healthy work is not cut off: a 5 MB photo, index builds at start-up and the
// dashboard's figures on a busy FerretDB took over 5 s here. The connect timeout (also the heartbeat's) is
// longer still: a refused connection fails at once anyway, and a busy event loop must not mark a healthy server down.
const FAIL_FAST = {
  serverSelectionTimeoutMS: 2_000,
  connectTimeoutMS: 10_000,
  socketTimeoutMS: 30_000,
  heartbeatFrequencyMS: 1_000,
  // Commands are only buffered before the first connection (mongoose ≥ 8); that wait is bounded too.
  bufferTimeoutMS: 2_000,
} as const;

const UNAVAILABLE = new Set(['MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError',
  'MongoNotConnectedError', 'MongoPoolClearedError', 'MongoTopologyClosedError', 'PoolClearedOnNetworkError']);

/** True when an error means "the database is not reachable right now" rather than a fault of the request or the code. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { name?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (UNAVAILABLE.has(e.name ?? '') || /buffering timed out/.test(e.message ?? '')) return true;
  }
  return false;
}

/** The host list of a MongoDB URI, without user name or password. */
function hostsOf(uri: string): string | undefined {
  return /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1];
}

function oneLine(err: unknown, uri: string): string {
  const text = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 200);
  return uri && text.includes(uri) ? 'see the MongoDB connection string format' : text;
}

export async function connectDatabase(uri: string, o: { log?: (line: string) => void } = {}): Promise<Database> {
  try {
    // Parses the string only (no connection), so a malformed one is told apart from a server that does not answer.
    new mongoose.mongo.MongoClient(uri);
  } catch (err) {
    throw new DatabaseUnreachable(oneLine(err, uri), undefined, true);
  }
  const connection = mongoose.createConnection(uri, { ...FAIL_FAST, monitorCommands: true, autoIndex: true });
  let count = 0;
  connection.getClient().on('commandStarted', () => { count++; });
  let opened = false;
  // Without a listener an 'error' event would end the process; an outage is logged and survived instead.
  connection.on('error', (err) => { if (opened) o.log?.(`database error: ${oneLine(err, uri)}`); });
  try {
    await connection.asPromise();
    opened = true;
  } catch (err) {
    await connection.close(true).catch(() => undefined);
    throw new DatabaseUnreachable(oneLine(err, uri), hostsOf(uri), false);
  }
  connection.on('disconnected', () => o.log?.('database: connection lost; requests fail fast until it returns'));
  connection.on('reconnected', () => o.log?.('database: connection back'));
  return {
    connection,
    commands: () => count,
    async ping(ms = 1_500) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
      const answered = connection.getClient().db('admin').command({ ping: 1 }).then(() => true, () => false);
      try { return await Promise.race([answered, late]); } finally { clearTimeout(timer); }
    },
    close: () => connection.close(),
  };
}
