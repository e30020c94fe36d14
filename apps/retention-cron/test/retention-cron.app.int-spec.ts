import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
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
import { capturingLogger, eventually, startTestServers, type LogLine, type TestServers } from '@wirehook/testing';
import mongoose, { type Connection } from 'mongoose';
import { RetentionCronModule } from '../src/app.module';
import { RETENTION_CRON_REQUIRED_COLLECTIONS } from '../src/collections';
import { RetentionCronConfig } from '../src/config/retention-cron.config';
import { RetentionLeaseRepository } from '../src/lease/retention-lease.repository';
import { clearCollections, logCollectionsOf, seedDeliveries, storedLogs, type LogCollections, type SeedSpec } from './support/delivery-log-seed';

/** retention-cron booted in this process as main.ts boots it: HTTP, NATS request/reply, scheduler. */
async function bootApp(servers: TestServers, env: Record<string, string>): Promise<{ app: INestApplication; baseUrl: string; lines: LogLine[] }> {
  const config = loadConfig(RetentionCronConfig, { NATS_URL: servers.natsUrl, MONGODB_URI: servers.mongoUri, MONGODB_WRITE_CONCERN: '1', ...env });
  const { logger, lines } = capturingLogger('retention-cron');
  const app = await NestFactory.create(RetentionCronModule.forRoot(config, logger), { logger: false });
  await startRpcHandlers(app, config, 'retention-cron', 'retention-cron');
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, lines };
}

/** Collects the run summaries published on NATS. */
function collectEvents(nc: NatsConnection): { events: RetentionRunSummaryMessage[]; subscription: Subscription } {
  const events: RetentionRunSummaryMessage[] = [];
  const subscription = nc.subscribe(RetentionSubjects.runCompleted, {
    callback: (_error, message) => {
      events.push(decodeMessage(RetentionRunSummaryMessage, message.data));
    },
  });
  return { events, subscription };
}

describe('retention-cron app: requests over NATS, events, metrics, schedule and shutdown', () => {
  let servers: TestServers;
  let connection: Connection;
  let logs: LogCollections;
  let leases: RetentionLeaseRepository;
  let nc: NatsConnection;
  let client: ClientProxy;

  beforeAll(async () => {
    servers = await startTestServers('retention-cron-app');
    connection = await mongoose.createConnection(servers.mongoUri, { autoCreate: false, autoIndex: false }).asPromise();
    // As a deployment does before it starts the app.
    await migrateIndexes(connection, RETENTION_CRON_REQUIRED_COLLECTIONS);
    logs = logCollectionsOf(connection);
    leases = new RetentionLeaseRepository(connection);
    nc = await connect({ servers: servers.natsUrl });
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [servers.natsUrl] } });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await nc?.close();
    await connection?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await clearCollections(logs, [leases.leases]);
  });

  const ask = <T>(pattern: string, payload: object) => firstValueFrom(client.send<T>(pattern, payload));

  describe('with scheduled runs off', () => {
    let app: INestApplication;
    let baseUrl: string;
    let lines: LogLine[];

    beforeAll(async () => {
      ({ app, baseUrl, lines } = await bootApp(servers, { RETENTION_SCHEDULE: 'off', RETENTION_BATCH_SIZE: '5', RETENTION_BATCH_PAUSE_MS: '0' }));
    });

    afterAll(async () => {
      await app?.close();
    });

    it('answers policy requests: defaults, an override, validation, and back to defaults', async () => {
      expect(await ask<RetentionPolicyView>(RetentionRpcPatterns.getPolicy, { tenantId: 'acme' })).toEqual({
        tenant_id: 'acme',
        success_days: 30,
        failed_days: 90,
        source: 'default',
        defaults: { success_days: 30, failed_days: 90 },
        updated_at: null,
      });
      const set = await ask<RetentionPolicyView>(RetentionRpcPatterns.setPolicy, { tenantId: 'acme', successDays: 7, failedDays: 21 });
      expect(set).toMatchObject({ source: 'tenant', success_days: 7, failed_days: 21 });
      expect(Date.parse(set.updated_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(await ask<RetentionPolicyView>(RetentionRpcPatterns.getPolicy, { tenantId: 'acme' })).toEqual(set);
      await expect(ask(RetentionRpcPatterns.setPolicy, { tenantId: 'acme', successDays: 30, failedDays: 7 })).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('failedDays must be at least successDays'),
      });
      await expect(ask(RetentionRpcPatterns.setPolicy, { tenantId: 'acme', successDays: 0, failedDays: 400 })).rejects.toMatchObject({
        message: expect.stringMatching(/successDays must be an integer between 1 and 365.*failedDays must be an integer between 1 and 365/),
      });
      expect(await ask<RetentionPolicyView>(RetentionRpcPatterns.resetPolicy, { tenantId: 'acme' })).toMatchObject({ source: 'default', success_days: 30 });
    });

    it('runs on request, publishes the summary on NATS and counts it in the metrics', async () => {
      await seedDeliveries(logs, [
        ...Array.from({ length: 12 }, (): SeedSpec => ({ tenantId: 'acme', status: 'success', ageDays: 40 })),
        { tenantId: 'globex', status: 'failed', ageDays: 100, attempts: 4 },
        { tenantId: 'globex', status: 'success', ageDays: 3 },
      ]);
      const { events, subscription } = collectEvents(nc);
      try {
        const dry = await ask<RunRetentionReply>(RetentionRpcPatterns.run, { dryRun: true, waitMs: 10_000 });
        expect(dry).toMatchObject({
          state: 'finished',
          summary: { dryRun: true, result: 'completed', trigger: 'rpc', batches: 4, deleted: { deliveries: 13, attempts: 28 } },
        });
        expect((await storedLogs(logs)).deliveries).toHaveLength(14);
        const real = await ask<RunRetentionReply>(RetentionRpcPatterns.run, { dryRun: false, waitMs: 10_000 });
        expect(real).toMatchObject({
          state: 'finished',
          summary: { dryRun: false, result: 'completed', tenants: { acme: { deliveries: 12, attempts: 24 }, globex: { deliveries: 1, attempts: 4 } } },
        });
        expect((await storedLogs(logs)).deliveries).toHaveLength(1);
        await eventually(() => events.length === 2);
        expect(events.map((event) => [event.dryRun, event.deleted.deliveries])).toEqual([
          [true, 13],
          [false, 13],
        ]);
      } finally {
        subscription.unsubscribe();
      }
      const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(metrics).toContain('wirehook_retention_runs_total{result="completed",dry_run="true"} 1');
      expect(metrics).toContain('wirehook_retention_runs_total{result="completed",dry_run="false"} 1');
      expect(metrics).toContain('wirehook_retention_runs_total{result="skipped",dry_run="false"} 0');
      expect(metrics).toContain('wirehook_retention_deleted_total{kind="deliveries"} 13');
      expect(metrics).toContain('wirehook_retention_deleted_total{kind="attempts"} 28');
      expect(metrics).toContain('wirehook_retention_run_duration_seconds_count{dry_run="false"} 1');
      expect(metrics).toMatch(/wirehook_retention_last_run_timestamp_seconds \d{10}/);
      expect(lines.filter((line) => line.msg === 'retention run finished')).toHaveLength(2);
    });

    it('answers at once that a run is still going when asked not to wait, and publishes its summary when it ends', async () => {
      await seedDeliveries(
        logs,
        Array.from({ length: 6 }, (): SeedSpec => ({ tenantId: 'acme', status: 'success', ageDays: 40 })),
      );
      const { events, subscription } = collectEvents(nc);
      try {
        const reply = await ask<RunRetentionReply>(RetentionRpcPatterns.run, { dryRun: false, waitMs: 0 });
        expect(reply).toMatchObject({ state: 'running', dryRun: false, runId: expect.any(String) });
        const runId = reply.state === 'running' ? reply.runId : '';
        const event = await eventually(() => events.find((candidate) => candidate.runId === runId));
        expect(event).toMatchObject({ result: 'completed', deleted: { deliveries: 6, attempts: 12 } });
      } finally {
        subscription.unsubscribe();
      }
    });

    it('answers validation errors for run requests and refuses the run while another holds the lease', async () => {
      await expect(ask(RetentionRpcPatterns.run, { dryRun: 'yes', waitMs: 10 })).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('dryRun must be true or false'),
      });
      await leases.acquire('pod-b:7:other-run', 60_000);
      expect(await ask<RunRetentionReply>(RetentionRpcPatterns.run, { dryRun: false, waitMs: 10_000 })).toMatchObject({
        state: 'finished',
        summary: { result: 'skipped', reason: expect.stringContaining('pod-b:7:other-run') },
      });
    });
  });

  it('runs on its schedule, and a shutdown mid-run stops between batches and gives the lease up', async () => {
    await seedDeliveries(
      logs,
      Array.from({ length: 60 }, (): SeedSpec => ({ tenantId: 'acme', status: 'success', ageDays: 40, attempts: 1 })),
    );
    const { events, subscription } = collectEvents(nc);
    // Every second, in small slow batches, so the shutdown lands in the middle of a run.
    const { app, lines } = await bootApp(servers, { RETENTION_SCHEDULE: '* * * * * *', RETENTION_BATCH_SIZE: '2', RETENTION_BATCH_PAUSE_MS: '100' });
    let closed = false;
    try {
      await eventually(async () => (await logs.deliveries.countDocuments()) <= 56, { timeoutMs: 15_000 });
      expect(await leases.current()).toMatchObject({ holder: expect.stringContaining(`:${process.pid}:`) });
      await app.close();
      closed = true;
      const finished = lines.filter((line) => line.msg === 'retention run finished');
      expect(finished.at(-1)).toMatchObject({ trigger: 'schedule', result: 'aborted' });
      expect(await leases.current()).toBeNull();
      const left = await storedLogs(logs);
      expect(left.deliveries.length).toBeGreaterThan(0);
      expect(left.orphanAttempts).toEqual([]);
      // The aborted run's summary was published before the NATS connection closed.
      await eventually(() => events.some((event) => event.result === 'aborted' && event.trigger === 'schedule'));
    } finally {
      subscription.unsubscribe();
      if (!closed) await app.close();
    }
  });
});
