import type { RetentionRunSummaryMessage } from '@wirehook/contracts';
import { compileApp, eventually, startTestServers, watchProcess, type CompiledApp, type TestServers } from '@wirehook/testing';
import { clearCollections, expectedLogs, seedDeliveries, storedLogs, type SeedSpec } from './support/delivery-log-seed';
import { startReplica, type RetentionReplica } from './support/retention-harness';

describe('the run-once command, and a runner killed mid-run', () => {
  let servers: TestServers;
  let compiled: CompiledApp;
  let replica: RetentionReplica;
  let env: Record<string, string>;

  beforeAll(async () => {
    servers = await startTestServers('retention-run-once');
    compiled = compileApp('retention-cron');
    env = { MONGODB_URI: servers.mongoUri, MONGODB_WRITE_CONCERN: '1', LOG_LEVEL: 'debug', RETENTION_LEASE_TTL_MS: '3000' };
    replica = await startReplica(servers.mongoUri, { RETENTION_LEASE_TTL_MS: '3000' });
  });

  afterAll(async () => {
    await replica?.close();
    await servers?.stop();
    compiled?.remove();
  });

  beforeEach(async () => {
    await clearCollections(replica.logs, [replica.lease.leases]);
  });

  async function runOnce(args: string[], extraEnv: Record<string, string> = {}) {
    const watched = watchProcess(compiled.spawn('src/run-once.js', args, { ...env, ...extraEnv }));
    const { code } = await watched.exited;
    return { code, stdout: watched.stdout(), stderr: watched.stderr() };
  }

  it('reports per tenant with --dry-run, then deletes, printing the summary as JSON', async () => {
    const seeded = await seedDeliveries(replica.logs, [
      { tenantId: 'acme', status: 'success', ageDays: 31 },
      { tenantId: 'acme', status: 'failed', ageDays: 91, attempts: 5 },
      { tenantId: 'globex', status: 'success', ageDays: 45, attempts: 1 },
      { tenantId: 'globex', status: 'failed', ageDays: 45 },
    ]);
    const dry = await runOnce(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      trigger: 'cli',
      dryRun: true,
      result: 'completed',
      tenants: { acme: { deliveries: 2, attempts: 7 }, globex: { deliveries: 1, attempts: 1 } },
    });
    expect((await storedLogs(replica.logs)).deliveries).toHaveLength(4);
    // Logs go to stderr, as JSON lines, including the run summary line.
    expect(dry.stderr).toContain('"msg":"retention run finished"');

    const real = await runOnce([]);
    expect(real.code).toBe(0);
    expect((JSON.parse(real.stdout) as RetentionRunSummaryMessage).deleted).toEqual({ deliveries: 3, attempts: 8 });
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs([seeded[3]]));
  });

  it('exits 75 with a skipped summary while another runner holds the lease', async () => {
    await replica.lease.acquire('pod-a:1:long-run', 60_000);
    const result = await runOnce([]);
    expect(result.code).toBe(75);
    expect(JSON.parse(result.stdout)).toMatchObject({ result: 'skipped', reason: expect.stringContaining('pod-a:1:long-run') });
  });

  it('refuses unknown arguments and bad configuration, naming them', async () => {
    const bogus = await runOnce(['--everything']);
    expect(bogus.code).toBe(64);
    expect(bogus.stderr).toContain('unknown argument(s): --everything');
    const badConfig = await runOnce([], { RETENTION_DEFAULT_DAYS: '100', RETENTION_FAILED_DAYS: '30' });
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toContain('RETENTION_FAILED_DAYS must be at least RETENTION_DEFAULT_DAYS');
  });

  it('leaves no orphan when killed mid-run; its lease lapses and the next run finishes the work', async () => {
    const expired: SeedSpec[] = [
      ...Array.from({ length: 120 }, (): SeedSpec => ({ tenantId: 'acme', status: 'success', ageDays: 40, attempts: 3 })),
      ...Array.from({ length: 60 }, (): SeedSpec => ({ tenantId: 'globex', status: 'failed', ageDays: 100 })),
    ];
    const fresh: SeedSpec[] = [
      ...Array.from({ length: 10 }, (): SeedSpec => ({ tenantId: 'acme', status: 'success', ageDays: 2 })),
      ...Array.from({ length: 10 }, (): SeedSpec => ({ tenantId: 'globex', status: 'failed', ageDays: 60 })),
    ];
    const seeded = await seedDeliveries(replica.logs, [...expired, ...fresh]);
    const kept = seeded.slice(expired.length);

    const child = compiled.spawn('src/run-once.js', [], { ...env, RETENTION_BATCH_SIZE: '10', RETENTION_BATCH_PAUSE_MS: '150' });
    const watched = watchProcess(child);
    // Kill it (no chance to clean up) once it has deleted something but not everything.
    await eventually(async () => (await replica.logs.deliveries.countDocuments()) < 200, { timeoutMs: 20_000, intervalMs: 10 });
    child.kill('SIGKILL');
    expect(await watched.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const afterKill = await storedLogs(replica.logs);
    expect(afterKill.deliveries.length).toBeGreaterThan(kept.length);
    expect(afterKill.deliveries.length).toBeLessThan(200);
    // Attempts always go first, so even a kill between a batch's two deletes strands no attempt.
    expect(afterKill.orphanAttempts).toEqual([]);
    // Its lease stays until it lapses: meanwhile other runners skip.
    const lease = await replica.lease.current();
    expect(lease?.holder).toContain(`:${child.pid}:`);
    const skipped = await replica.runner.run({ dryRun: false, trigger: 'schedule' });
    expect(skipped.result).toBe('skipped');

    const finished = await eventually(async () => {
      const summary = await replica.runner.run({ dryRun: false, trigger: 'schedule' });
      return summary.result === 'completed' && summary;
    });
    expect(finished.deleted.deliveries).toBe(afterKill.deliveries.length - kept.length);
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs(kept));
    expect(Date.now()).toBeGreaterThanOrEqual((lease?.expiresAt.getTime() ?? 0) - 100);
  });
});
