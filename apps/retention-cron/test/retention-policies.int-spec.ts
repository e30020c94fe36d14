import { buildAttemptRecord, startTestServers, type TestServers } from '@wirehook/testing';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import { clearCollections, expectedLogs, seedDeliveries, storedLogs, type SeedSpec, type SeededDelivery } from './support/delivery-log-seed';
import { startReplica, type RetentionReplica } from './support/retention-harness';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('retention applies each tenant policy to exactly the expired deliveries', () => {
  let servers: TestServers;
  let replica: RetentionReplica;

  beforeAll(async () => {
    servers = await startTestServers('retention-policies');
    // Defaults as in production: successes 30 days, failures 90.
    replica = await startReplica(servers.mongoUri, { RETENTION_BATCH_SIZE: '3' });
  });

  afterAll(async () => {
    await replica?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await clearCollections(replica.logs, [replica.policyRepository.policies, replica.lease.leases]);
  });

  /** Several tenants and policies, each delivery labelled with whether it must survive. */
  async function seedScenario(): Promise<{ kept: SeededDelivery[]; expired: SeededDelivery[] }> {
    await replica.policies.set('acme', { successDays: 7, failedDays: 14 });
    await replica.policies.set('globex', { successDays: 60, failedDays: 120 });
    const plan: Array<SeedSpec & { keep: boolean }> = [
      // acme: 7 days for successes, 14 for failures.
      { tenantId: 'acme', status: 'success', ageDays: 3, keep: true },
      { tenantId: 'acme', status: 'success', ageDays: 10, keep: false },
      { tenantId: 'acme', status: 'success', ageDays: 12, attempts: 3, keep: false },
      { tenantId: 'acme', status: 'failed', ageDays: 10, keep: true },
      { tenantId: 'acme', status: 'failed', ageDays: 20, attempts: 4, keep: false },
      // Still being worked on: never deleted, whatever the age.
      { tenantId: 'acme', status: 'retrying', ageDays: 200, keep: true },
      { tenantId: 'acme', status: 'pending', ageDays: 200, attempts: 0, keep: true },
      // globex: 60 / 120 days.
      { tenantId: 'globex', status: 'success', ageDays: 45, keep: true },
      { tenantId: 'globex', status: 'success', ageDays: 70, keep: false },
      { tenantId: 'globex', status: 'failed', ageDays: 100, keep: true },
      { tenantId: 'globex', status: 'failed', ageDays: 130, keep: false },
      // initech has no override: the defaults, 30 / 90 days.
      { tenantId: 'initech', status: 'success', ageDays: 29, keep: true },
      { tenantId: 'initech', status: 'success', ageDays: 31, keep: false },
      { tenantId: 'initech', status: 'success', ageDays: 40, attempts: 1, keep: false },
      { tenantId: 'initech', status: 'failed', ageDays: 31, keep: true },
      { tenantId: 'initech', status: 'failed', ageDays: 89, keep: true },
      { tenantId: 'initech', status: 'failed', ageDays: 91, keep: false },
      // Created long ago but finished (a manual retry) two days ago: judged by when it ended.
      { tenantId: 'initech', status: 'success', ageDays: 2, createdDaysAgo: 100, keep: true },
    ];
    const seeded = await seedDeliveries(replica.logs, plan);
    return { kept: seeded.filter((_, index) => plan[index].keep), expired: seeded.filter((_, index) => !plan[index].keep) };
  }

  const expectedTenants = { acme: { deliveries: 3, attempts: 9 }, globex: { deliveries: 2, attempts: 4 }, initech: { deliveries: 3, attempts: 5 } };

  it('reports in a dry run exactly what it would delete, per tenant, and deletes nothing', async () => {
    await seedScenario();
    const before = await storedLogs(replica.logs);
    replica.commands.length = 0;
    const summary = await replica.runner.run({ dryRun: true, trigger: 'cli' });
    expect(summary).toMatchObject({ result: 'completed', dryRun: true, tenants: expectedTenants, deleted: { deliveries: 8, attempts: 18 } });
    expect(await storedLogs(replica.logs)).toEqual(before);
    // A dry run takes no lease: it never keeps a real run waiting.
    expect(replica.commands.some((command) => command.command.insert === 'retention_leases' || command.command.update === 'retention_leases')).toBe(false);
  });

  it('deletes expired deliveries with all their attempts and leaves exactly the rest', async () => {
    const { kept, expired } = await seedScenario();
    const summary = await replica.runner.run({ dryRun: false, trigger: 'cli' });
    expect(summary).toMatchObject({ result: 'completed', dryRun: false, tenants: expectedTenants, deleted: { deliveries: 8, attempts: 18 } });
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs(kept));
    expect(expired).toHaveLength(8);
    // Nothing left to do: a second run deletes nothing and needs no batch.
    expect(await replica.runner.run({ dryRun: false, trigger: 'cli' })).toMatchObject({
      result: 'completed',
      batches: 0,
      tenants: {},
      deleted: { deliveries: 0, attempts: 0 },
    });
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs(kept));
  });

  it('writes one structured log line per run with the per-tenant counts', async () => {
    await seedScenario();
    replica.lines.length = 0;
    const summary = await replica.runner.run({ dryRun: false, trigger: 'cli' });
    const lines = replica.lines.filter((line) => line.msg === 'retention run finished');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      runId: summary.runId,
      dryRun: false,
      result: 'completed',
      batches: summary.batches,
      tenants: expectedTenants,
      durationMs: summary.durationMs,
    });
    // Batches hold at most RETENTION_BATCH_SIZE (3) deliveries; acme's 2 expired successes, 1 failure; globex 1 + 1; initech 2 + 1.
    expect(summary.batches).toBe(6);
  });

  it('falls back to the defaults once a tenant override is removed', async () => {
    await replica.policies.set('acme', { successDays: 365, failedDays: 365 });
    const seeded = await seedDeliveries(replica.logs, [
      { tenantId: 'acme', status: 'success', ageDays: 40 },
      { tenantId: 'acme', status: 'failed', ageDays: 40 },
    ]);
    expect((await replica.runner.run({ dryRun: false, trigger: 'cli' })).deleted).toEqual({ deliveries: 0, attempts: 0 });
    expect(await replica.policies.reset('acme')).toMatchObject({ source: 'default', success_days: 30, failed_days: 90, updated_at: null });
    expect((await replica.runner.run({ dryRun: false, trigger: 'cli' })).deleted).toEqual({ deliveries: 1, attempts: 2 });
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs([seeded[1]]));
  });

  it('judges records written by log-service by when they reached their final state', async () => {
    // Created on 2026-03-01 by the builder, written now: recorded today, so kept.
    const records = [buildAttemptRecord({ tenantId: 'umbrella' }), buildAttemptRecord({ tenantId: 'umbrella', status: 'failed' })];
    await new DeliveryLogs(replica.connection, { maxTimeMs: 5000 }).recorder.record(records);
    expect(Date.now() - Date.parse(records[0].deliveryCreatedAt)).toBeGreaterThan(90 * DAY_MS);
    expect((await replica.runner.run({ dryRun: false, trigger: 'cli' })).deleted).toEqual({ deliveries: 0, attempts: 0 });
    // Forty days later the success has expired and the failure is kept for debugging.
    await replica.logs.deliveries.updateMany({ tenantId: 'umbrella' }, { $set: { updatedAt: new Date(Date.now() - 40 * DAY_MS) } });
    expect((await replica.runner.run({ dryRun: false, trigger: 'cli' })).tenants).toEqual({ umbrella: { deliveries: 1, attempts: 1 } });
    const left = await storedLogs(replica.logs);
    expect(left.deliveries).toEqual([records[1].deliveryId]);
    expect(left.attempts).toEqual([`${records[1].deliveryId}_1`]);
  });
});
