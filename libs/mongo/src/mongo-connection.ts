import { HealthCheckError, type HealthIndicatorResult } from '@nestjs/terminus';
import mongoose, { type Connection } from 'mongoose';

/** Injection token of the process's mongoose connection. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

/** How long a write waits for its write concern by default before it fails. */
export const DEFAULT_WRITE_TIMEOUT_MS = 10_000;

export interface MongoConnectionOptions {
  /** `wtimeoutMS` of every write: a write the replica set cannot confirm fails instead of hanging. */
  writeTimeoutMs?: number;
  /** Emit the driver's command events (tests watch what each request sends). */
  monitorCommands?: boolean;
}

/**
 * Opens a mongoose connection with the configured write concern. Collections and indexes are
 * never created implicitly by mongoose (the migrate command creates indexes, see
 * `migrateIndexes`), which keeps us on plain MongoDB commands that every MongoDB-wire server
 * supports.
 */
export async function connectMongo(uri: string, writeConcern: string, options: MongoConnectionOptions = {}): Promise<Connection> {
  const w = /^\d+$/.test(writeConcern) ? Number(writeConcern) : ('majority' as const);
  return mongoose
    .createConnection(uri, {
      writeConcern: { w, wtimeoutMS: options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS },
      autoCreate: false,
      autoIndex: false,
      serverSelectionTimeoutMS: 10_000,
      monitorCommands: options.monitorCommands ?? false,
    })
    .asPromise();
}

/** Pings MongoDB, failing within `timeoutMs`. */
export async function pingMongo(connection: Connection, timeoutMs = 2000): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  await db.admin().command({ ping: 1 }, { timeoutMS: timeoutMs });
}

/**
 * MongoDB answers a ping, and, when the app says so through `refusesWrites`, accepts writes (an
 * app that writes continuously knows before a ping does that a write concern cannot be met).
 */
export async function mongoHealthIndicator(connection: Connection, refusesWrites?: () => boolean): Promise<HealthIndicatorResult> {
  try {
    await pingMongo(connection);
  } catch (error) {
    throw new HealthCheckError('MongoDB is not reachable', { mongodb: { status: 'down', message: (error as Error).message } });
  }
  if (refusesWrites?.()) throw new HealthCheckError('MongoDB refuses writes', { mongodb: { status: 'down', message: 'the last write failed' } });
  return { mongodb: { status: 'up' } };
}
