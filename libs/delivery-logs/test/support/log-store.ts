import type { Connection } from 'mongoose';
import { connectMongo, migrateIndexes } from '@wirehook/mongo';
import { recordCommands, startTestServers, type SentCommand, type TestServers } from '@wirehook/testing';
import { DELIVERY_LOG_COLLECTIONS, DeliveryLogs } from '../../src';

/** The delivery logs on a migrated database of the test file's own, with every command the driver sends recorded. */
export interface LogStore {
  servers: TestServers;
  connection: Connection;
  logs: DeliveryLogs;
  commands: SentCommand[];
  /** Empties every log collection. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLogStore(name: string): Promise<LogStore> {
  const servers = await startTestServers(name);
  const connection = await connectMongo(servers.mongoUri, '1', { monitorCommands: true });
  await migrateIndexes(connection, DELIVERY_LOG_COLLECTIONS);
  const commands = recordCommands(connection);
  return {
    servers,
    connection,
    logs: new DeliveryLogs(connection, { maxTimeMs: 4000 }),
    commands,
    async clear() {
      for (const { collection } of DELIVERY_LOG_COLLECTIONS) await connection.collection(collection).deleteMany({});
    },
    async stop() {
      await connection.close();
      await servers.stop();
    },
  };
}
