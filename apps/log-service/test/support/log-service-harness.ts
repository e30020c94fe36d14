import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '@wirehook/config';
import { attemptSubject, encodeMessage, type AttemptRecordedMessage } from '@wirehook/contracts';
import { DeliveryLogRepository } from '@wirehook/delivery-logs';
import { capturingLogger, type LogLine, type TestServers } from '@wirehook/testing';
import { LogServiceModule } from '../../src/app.module';
import { LogServiceConfig } from '../../src/config/log-service.config';

/** log-service booted in this process against the test servers, as main.ts boots it. */
export interface LogServiceHarness {
  app: INestApplication;
  /** Base URL of its health endpoints. */
  baseUrl: string;
  repository: DeliveryLogRepository;
  /** A connection of the test's own, to publish attempt records and inspect the stream. */
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Every JSON log line the app wrote. */
  logs: LogLine[];
  /** Publishes attempt records as the dispatcher does (message id = attempt key, unless `messageIdSuffix`). */
  publish(records: AttemptRecordedMessage[], messageIdSuffix?: string): Promise<void>;
  /** Status code of GET /health/ready. */
  readiness(): Promise<number>;
  close(): Promise<void>;
}

/** Boots log-service (HTTP health and NATS request/reply handlers) with its logs captured. */
export async function startLogService(servers: TestServers, env: Record<string, string> = {}): Promise<LogServiceHarness> {
  const config = loadConfig(LogServiceConfig, {
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    LOG_WRITE_MAX_WAIT_MS: '50',
    ...env,
  });
  const { logger, lines: logs } = capturingLogger('log-service');
  const app = await NestFactory.create(LogServiceModule.forRoot(config, logger), { logger: false });
  app.enableShutdownHooks();
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    options: { servers: [servers.natsUrl], queue: 'log-service', name: 'log-service-rpc' },
  });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const nc = await connect({ servers: servers.natsUrl });
  const js = jetstream(nc);
  return {
    app,
    baseUrl,
    repository: app.get(DeliveryLogRepository),
    nc,
    js,
    jsm: await jetstreamManager(nc),
    logs,
    async publish(records, messageIdSuffix = '') {
      for (const record of records) {
        await js.publish(attemptSubject(record.tenantId), encodeMessage(record), { msgID: `${record.deliveryId}_${record.attempt}${messageIdSuffix}` });
      }
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
