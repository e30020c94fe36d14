import mongoose, { type Connection } from 'mongoose';

/** Injection token of the process's mongoose connection. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

/**
 * Opens a mongoose connection with the configured write concern. Collections are never
 * created implicitly by mongoose (indexes are created explicitly at boot), which keeps us on
 * plain MongoDB commands that every MongoDB-wire server supports.
 */
export async function connectMongo(uri: string, writeConcern: string): Promise<Connection> {
  const w = /^\d+$/.test(writeConcern) ? Number(writeConcern) : ('majority' as const);
  return mongoose
    .createConnection(uri, {
      writeConcern: { w },
      autoCreate: false,
      autoIndex: false,
      serverSelectionTimeoutMS: 10_000,
    })
    .asPromise();
}

/** Pings MongoDB, failing within `timeoutMs`. */
export async function pingMongo(connection: Connection, timeoutMs = 2000): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  await db.admin().command({ ping: 1 }, { timeoutMS: timeoutMs });
}
