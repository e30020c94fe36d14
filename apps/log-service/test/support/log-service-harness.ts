import type { AddressInfo } from 'node:net';
import type { Collection, Connection } from 'mongoose';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MONGO_CONNECTION, connectMongo, migrateIndexes } from '@wirehook/mongo';
import { startRpcHandlers } from '@wirehook/bootstrap';
import { loadConfig } from '@wirehook/config';
import { attemptIdOf, attemptSubject, encodeMessage, type AttemptRecordedMessage } from '@wirehook/contracts';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import { capturingLogger, type LogLine, type TestServers } from '@wirehook/testing';
import { LogServiceModule } from '../../src/app.module';
import { LOG_SERVICE_COLLECTIONS } from '../../src/collections';
import { LogServiceConfig } from '../../src/config/log-service.config';

/** log-service booted in this process against the test servers, as main.ts boots it. */
export interface LogServiceHarness {
  app: INestApplication;
  /** Base URL of its health endpoints. */
  baseUrl: string;
  logs: DeliveryLogs;
  /** A connection of the test's own, to publish attempt records and inspect the stream. */
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Every JSON log line the app wrote. */
  lines: LogLine[];
  /** Publishes attempt records as the dispatcher does (message id = attempt key, unless `messageIdSuffix`). */
  publish(records: AttemptRecordedMessage[], messageIdSuffix?: string): Promise<void>;
  /** A collection of the app's database, read and cleared as it is (not through the app). */
  collection(name: string): Collection;
  /** Status code of GET /health/ready. */
  readiness(): Promise<number>;
  close(): Promise<void>;
}

/** Runs log-service's migration (its migrate command's work) on the test database. */
export async function migrateLogService(servers: TestServers): Promise<void> {
  const connection = await connectMongo(servers.mongoUri, '1');
  try {
    await migrateIndexes(connection, LOG_SERVICE_COLLECTIONS);
  } finally {
    await connection.close();
  }
}

/**
 * Boots log-service (HTTP health and NATS request/reply handlers) with its logs captured, after
 * migrating the database as a deployment does (`migrate: false` boots on the database as it is).
 */
export async function startLogService(servers: TestServers, env: Record<string, string> = {}, options: { migrate?: boolean } = {}): Promise<LogServiceHarness> {
  const config = loadConfig(LogServiceConfig, {
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    LOG_WRITE_MAX_WAIT_MS: '50',
    ...env,
  });
  if (options.migrate ?? true) await migrateLogService(servers);
  const { logger, lines } = capturingLogger('log-service');
  const app = await NestFactory.create(LogServiceModule.forRoot(config, logger), { logger: false });
  app.enableShutdownHooks();
  await startRpcHandlers(app, config, 'log-service', 'log-service');
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const nc = await connect({ servers: servers.natsUrl });
  const js = jetstream(nc);
  return {
    app,
    baseUrl,
    logs: app.get(DeliveryLogs),
    nc,
    js,
    jsm: await jetstreamManager(nc),
    lines,
    async publish(records, messageIdSuffix = '') {
      for (const record of records) {
        await js.publish(attemptSubject(record.tenantId), encodeMessage(record), { msgID: `${attemptIdOf(record)}${messageIdSuffix}` });
      }
    },
    collection(name) {
      return app.get<Connection>(MONGO_CONNECTION).collection(name);
    },
    async readiness() {
      return (await fetch(`${baseUrl}/health/ready`)).status;
    },
    async close() {
      await nc.close();
      await app.close();
    },
  };
}
