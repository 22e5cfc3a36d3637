import mongoose, { type Connection } from 'mongoose';

export interface Database {
  connection: Connection;
  /** Commands sent to the server since start (driver command monitoring), for the benchmark. */
  commands(): number;
  close(): Promise<void>;
}

export async function connectDatabase(uri: string): Promise<Database> {
  const connection = mongoose.createConnection(uri, { monitorCommands: true, serverSelectionTimeoutMS: 15_000, autoIndex: true });
  let count = 0;
  connection.getClient().on('commandStarted', () => { count++; });
  await connection.asPromise();
  return {
    connection,
    commands: () => count,
    close: () => connection.close(),
  };
}
