import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '@wirehook/config';
import { migrateIndexes } from '@wirehook/mongo';
import { capturingLogger, type LogLine } from '@wirehook/testing';
import { RETENTION_CRON_REQUIRED_COLLECTIONS } from '../../src/collections';
import { RetentionCronConfig } from '../../src/config/retention-cron.config';
import { RetentionPolicyRepository } from '../../src/policies/retention-policy.repository';
import { createRetentionComponents, type RetentionComponents } from '../../src/retention/retention-components';
import type { RunListener } from '../../src/retention/retention-runner.service';
import { logCollectionsOf, type LogCollections } from './delivery-log-seed';

/** One wire command the driver sent, for observing what actually reached MongoDB. */
export interface ObservedCommand {
  name: string;
  command: Record<string, unknown>;
  at: number;
}

/** A retention runner as one replica would have it: its own MongoDB connection, config and logs. */
export interface RetentionReplica extends RetentionComponents {
  config: RetentionCronConfig;
  connection: Connection;
  logs: LogCollections;
  policyRepository: RetentionPolicyRepository;
  lines: LogLine[];
  commands: ObservedCommand[];
  close(): Promise<void>;
}

/**
 * Builds a replica's retention components exactly as the app does, on a connection that
 * records every command sent (command monitoring, as a MongoDB profiler would see them). The
 * database is migrated first (retention-cron's collections and the delivery logs), as a
 * deployment does before it starts the apps; those commands are not recorded.
 */
export async function startReplica(mongoUri: string, env: Record<string, string> = {}, listeners: RunListener[] = []): Promise<RetentionReplica> {
  const config = loadConfig(RetentionCronConfig, { MONGODB_URI: mongoUri, MONGODB_WRITE_CONCERN: '1', RETENTION_BATCH_PAUSE_MS: '0', ...env });
  const connection = await mongoose
    .createConnection(config.MONGODB_URI, { writeConcern: { w: 1 }, autoCreate: false, autoIndex: false, monitorCommands: true })
    .asPromise();
  await migrateIndexes(connection, RETENTION_CRON_REQUIRED_COLLECTIONS);
  const commands: ObservedCommand[] = [];
  connection.getClient().on('commandStarted', (event) => {
    commands.push({ name: event.commandName, command: event.command as Record<string, unknown>, at: Date.now() });
  });
  const { logger, lines } = capturingLogger('retention-cron');
  const components = await createRetentionComponents(connection, config, logger, listeners);
  return {
    ...components,
    config,
    connection,
    logs: logCollectionsOf(connection),
    policyRepository: new RetentionPolicyRepository(connection),
    lines,
    commands,
    close: () => connection.close(),
  };
}
