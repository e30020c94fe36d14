import { eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { clearCollections, expectedLogs, seedDeliveries, storedLogs, type SeedSpec } from './support/delivery-log-seed';
import { startReplica, type RetentionReplica } from './support/retention-harness';

describe('one retention runner deletes at a time across replicas', () => {
  let servers: TestServers;
  let first: RetentionReplica;
  let second: RetentionReplica;

  beforeAll(async () => {
    servers = await startTestServers('retention-lease');
    // Two replicas, each with its own connection, as two pods would have.
    const env = { RETENTION_BATCH_SIZE: '10', RETENTION_BATCH_PAUSE_MS: '30', RETENTION_LEASE_TTL_MS: '5000' };
    first = await startReplica(servers.mongoUri, env);
    second = await startReplica(servers.mongoUri, env);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await clearCollections(first.logs, [first.lease.leases]);
  });

  async function seedExpired(expiredCount: number) {
    const expired: SeedSpec[] = Array.from({ length: expiredCount }, (_, index) => ({
      tenantId: index % 2 ? 'acme' : 'globex',
      status: 'success',
      ageDays: 40,
    }));
    const fresh: SeedSpec[] = Array.from({ length: 10 }, () => ({ tenantId: 'acme', status: 'success', ageDays: 1 }));
    const seeded = await seedDeliveries(first.logs, [...expired, ...fresh]);
    return { kept: seeded.slice(expiredCount) };
  }

  it('lets only one of two runners started together delete; the other skips', async () => {
    const { kept } = await seedExpired(100);
    first.commands.length = 0;
    second.commands.length = 0;
    const summaries = await Promise.all([first.runner.run({ dryRun: false, trigger: 'schedule' }), second.runner.run({ dryRun: false, trigger: 'schedule' })]);
    const winner = summaries.find((summary) => summary.result === 'completed');
    const loser = summaries.find((summary) => summary.result === 'skipped');
    expect(winner).toMatchObject({ batches: 10, deleted: { deliveries: 100, attempts: 200 } });
    expect(loser).toMatchObject({ batches: 0, deleted: { deliveries: 0, attempts: 0 }, tenants: {} });
    expect(loser?.reason).toContain(`another runner holds the lease (`);
    expect(loser?.reason).toContain(winner?.runId);
    // The skipping replica sent no delete to the delivery logs at all.
    const loserReplica = summaries[0] === loser ? first : second;
    expect(loserReplica.commands.filter((command) => command.name === 'delete' && command.command.delete !== 'retention_leases')).toEqual([]);
    expect(await storedLogs(first.logs)).toEqual(expectedLogs(kept));
    // The winner gave the lease up at the end: the next run need not wait for it to lapse.
    expect(await first.lease.current()).toBeNull();
  });

  it('skips while a crashed runner still holds the lease, and takes it over once it has lapsed', async () => {
    const { kept } = await seedExpired(20);
    // What a runner killed mid-run leaves behind: its lease, no longer renewed.
    await first.lease.leases.create({ _id: 'retention', holder: 'pod-a:1234:crashed-run', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 1500) });
    const skipped = await first.runner.run({ dryRun: false, trigger: 'schedule' });
    expect(skipped).toMatchObject({ result: 'skipped', batches: 0 });
    expect(skipped.reason).toContain('pod-a:1234:crashed-run');
    expect((await storedLogs(first.logs)).deliveries).toHaveLength(30);
    const completed = await eventually(async () => {
      const summary = await second.runner.run({ dryRun: false, trigger: 'schedule' });
      return summary.result === 'completed' && summary;
    });
    expect(completed.deleted).toEqual({ deliveries: 20, attempts: 40 });
    expect(await storedLogs(first.logs)).toEqual(expectedLogs(kept));
  });

  it('stops deleting when another runner has taken its lease, and leaves that lease alone', async () => {
    await seedExpired(100);
    const run = first.runner.run({ dryRun: false, trigger: 'schedule' });
    // As soon as the first batch is gone, another runner takes over (as after a long stall of this one).
    await eventually(async () => (await first.logs.deliveries.countDocuments()) < 110, { intervalMs: 5 });
    await first.lease.leases.updateOne({ _id: 'retention' }, { $set: { holder: 'pod-b:99:other-run', expiresAt: new Date(Date.now() + 60_000) } });
    const summary = await run;
    expect(summary.result).toBe('failed');
    expect(summary.reason).toContain('lost the lease to another runner');
    expect(summary.deleted.deliveries).toBeGreaterThan(0);
    expect(summary.deleted.deliveries).toBeLessThan(100);
    expect(await first.lease.current()).toMatchObject({ holder: 'pod-b:99:other-run' });
    expect((await storedLogs(first.logs)).orphanAttempts).toEqual([]);
  });

  it('finishes deliveries whose attempts a crashed batch had already deleted', async () => {
    const seeded = await seedDeliveries(first.logs, [
      ...Array.from({ length: 6 }, (): SeedSpec => ({ tenantId: 'acme', status: 'failed', ageDays: 100, attempts: 3 })),
      { tenantId: 'acme', status: 'failed', ageDays: 10, attempts: 3 },
    ]);
    // A batch that died between its two deletes: some attempts gone, their deliveries still there.
    await first.logs.attempts.deleteMany({ _id: { $in: [...seeded[0].attemptIds, ...seeded[1].attemptIds, seeded[2].attemptIds[0]] as unknown as never[] } });
    const summary = await second.runner.run({ dryRun: false, trigger: 'schedule' });
    expect(summary).toMatchObject({ result: 'completed', deleted: { deliveries: 6, attempts: 18 - 7 } });
    expect(await storedLogs(first.logs)).toEqual(expectedLogs([seeded[6]]));
  });
});
