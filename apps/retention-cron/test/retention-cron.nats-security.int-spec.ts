import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import mongoose from 'mongoose';
import { startRpcHandlers } from '@wirehook/bootstrap';
import { loadConfig } from '@wirehook/config';
import { migrateIndexes } from '@wirehook/mongo';
import {
  RetentionRpcPatterns,
  RetentionRunSummaryMessage,
  RetentionSubjects,
  decodeMessage,
  type RetentionPolicyView,
  type RunRetentionReply,
} from '@wirehook/contracts';
import { NatsAccessError, NatsModule, connectNats, nestNatsOptions } from '@wirehook/nats';
import {
  capturingLogger,
  eventually,
  startSecuredNatsServer,
  startTestServers,
  untrustedNatsCreds,
  type SecuredNatsServer,
  type TestServers,
} from '@wirehook/testing';
import { RetentionCronModule } from '../src/app.module';
import { RETENTION_CRON_REQUIRED_COLLECTIONS } from '../src/collections';
import { RetentionCronConfig } from '../src/config/retention-cron.config';

describe('retention-cron against a NATS that requires a .creds login and mutual TLS', () => {
  let nats: SecuredNatsServer;
  // For MongoDB; the NATS server it starts as well stands unused.
  let servers: TestServers;
  let env: Record<string, string>;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth: 'creds', mutualTls: true });
    servers = await startTestServers('retention-cron-nats-security');
    const connection = await mongoose.createConnection(servers.mongoUri, { autoCreate: false, autoIndex: false }).asPromise();
    await migrateIndexes(connection, RETENTION_CRON_REQUIRED_COLLECTIONS);
    await connection.close();
    env = { ...nats.env, MONGODB_URI: servers.mongoUri, MONGODB_WRITE_CONCERN: '1', RETENTION_SCHEDULE: 'off' };
  });

  afterAll(async () => {
    await servers?.stop();
    await nats?.stop();
  });

  describe('booted as main.ts boots it, with the NATS_* settings in its environment', () => {
    let app: INestApplication;
    let baseUrl: string;
    let client: ClientProxy;

    beforeAll(async () => {
      const config = loadConfig(RetentionCronConfig, env);
      const { logger } = capturingLogger('retention-cron');
      app = await NestFactory.create(RetentionCronModule.forRoot(config, logger), { logger: false });
      await startRpcHandlers(app, config, 'retention-cron', 'retention-cron');
      await app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      client = ClientProxyFactory.create({ transport: Transport.NATS, options: nestNatsOptions(nats.settings, 'test-client') });
      await client.connect();
    });

    afterAll(async () => {
      await client?.close();
      await app?.close();
    });

    it('is ready, answers requests over NATS and publishes its run summaries', async () => {
      expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
      const ask = <T>(pattern: string, payload: object) => firstValueFrom(client.send<T>(pattern, payload));
      expect(await ask<RetentionPolicyView>(RetentionRpcPatterns.getPolicy, { tenantId: 'acme' })).toMatchObject({ tenant_id: 'acme', source: 'default' });

      const observer = await connectNats(nats.settings, 'summary-observer');
      try {
        const summaries: RetentionRunSummaryMessage[] = [];
        observer.subscribe(RetentionSubjects.runCompleted, {
          callback: (_error, message) => {
            summaries.push(decodeMessage(RetentionRunSummaryMessage, message.data));
          },
        });
        await observer.flush();
        expect(await ask<RunRetentionReply>(RetentionRpcPatterns.run, { dryRun: true, waitMs: 10_000 })).toMatchObject({
          state: 'finished',
          summary: { result: 'completed' },
        });
        await eventually(() => summaries.length === 1);
      } finally {
        await observer.close();
      }
    });
  });

  it('does not boot with a .creds file NATS refuses, and says so', async () => {
    const credsFile = join(mkdtempSync(join(tmpdir(), 'wirehook-untrusted-')), 'stranger.creds');
    writeFileSync(credsFile, await untrustedNatsCreds());
    const config = loadConfig(RetentionCronConfig, { ...env, NATS_CREDS_FILE: credsFile });
    const booting = NestFactory.createApplicationContext(NatsModule.forRoot(config, 'retention-cron'), { logger: false, abortOnError: false });
    await expect(booting).rejects.toThrow(NatsAccessError);
    await expect(booting).rejects.toThrow(`NATS at ${nats.url} refused the login with the user JWT of the .creds file: Authorization Violation`);
  });
});
