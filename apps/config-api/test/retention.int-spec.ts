import { execFileSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { connectMongo, migrateIndexes } from '@wirehook/mongo';
import { DELIVERIES_COLLECTION, DELIVERY_LOG_COLLECTIONS, DeliveryLogs } from '@wirehook/delivery-logs';
import { ApiClient, buildAttemptRecord, compileApp, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';

const ROOT = resolve(__dirname, '..', '..', '..');
const DAY_MS = 24 * 60 * 60 * 1000;

type Body = { data: Record<string, unknown>; error: { code: string; message: string; fields?: Record<string, string[]> } };

/**
 * The real retention-cron, compiled as `npm run build` does (into a folder of this test's own)
 * and run as a process, after the migrations a deployment runs first: retention-cron's own
 * command, and the delivery logs' indexes (log-service's, which this test does not start).
 */
async function startRetentionCron(servers: TestServers): Promise<{ process: ChildProcess; output: () => string; stop(): Promise<void> }> {
  const compiled = compileApp('retention-cron');
  const env = {
    NATS_URL: servers.natsUrl,
    MONGODB_URI: servers.mongoUri,
    MONGODB_WRITE_CONCERN: '1',
    LOG_LEVEL: 'warn',
  };
  execFileSync(process.execPath, [compiled.entry('src/migrate.js')], { env: { ...env, NODE_PATH: join(ROOT, 'node_modules') }, stdio: 'pipe' });
  const connection = await connectMongo(servers.mongoUri, '1');
  await migrateIndexes(connection, DELIVERY_LOG_COLLECTIONS).finally(() => connection.close());
  const port = await freePort();
  const child = compiled.spawn('src/main.js', [], { ...env, PORT: String(port), RETENTION_SCHEDULE: 'off', RETENTION_BATCH_PAUSE_MS: '0' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`retention-cron exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      compiled.remove();
    },
  };
}

describe('config-api retention routes, answered by retention-cron', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let retentionCron: Awaited<ReturnType<typeof startRetentionCron>>;
  let connection: Connection;
  let logs: DeliveryLogs;
  let admin: ApiClient;
  let viewer: ApiClient;
  let otherViewer: ApiClient;

  beforeAll(async () => {
    servers = await startTestServers('config-api-retention');
    retentionCron = await startRetentionCron(servers);
    api = await startConfigApi(servers, { RPC_TIMEOUT_MS: '2000' });
    ({ admin, viewer } = await api.tenant('acme'));
    ({ viewer: otherViewer } = await api.tenant('globex'));
    connection = await mongoose.createConnection(servers.mongoUri, { autoCreate: false, autoIndex: false }).asPromise();
    logs = new DeliveryLogs(connection, { maxTimeMs: 5000 });
  });

  afterAll(async () => {
    await connection?.close();
    await api?.close();
    await retentionCron?.stop();
    await servers?.stop();
  });

  it('shows the defaults, lets an admin set and remove an override, per tenant', async () => {
    const initial = await viewer.get<Body>('/api/v1/retention');
    expect(initial.status).toBe(200);
    expect(initial.body.data).toEqual({
      tenant_id: 'acme',
      success_days: 30,
      failed_days: 90,
      source: 'default',
      defaults: { success_days: 30, failed_days: 90 },
      updated_at: null,
    });
    const set = await admin.request<Body>('PUT', '/api/v1/retention', { success_days: 7, failed_days: 14 });
    expect(set.status).toBe(200);
    expect(set.body.data).toMatchObject({ tenant_id: 'acme', success_days: 7, failed_days: 14, source: 'tenant' });
    expect((await viewer.get<Body>('/api/v1/retention')).body.data).toEqual(set.body.data);
    // Another tenant keeps the defaults.
    expect((await otherViewer.get<Body>('/api/v1/retention')).body.data).toMatchObject({ tenant_id: 'globex', source: 'default' });
    const reset = await admin.request<Body>('DELETE', '/api/v1/retention');
    expect(reset.status).toBe(200);
    expect(reset.body.data).toMatchObject({ source: 'default', success_days: 30, failed_days: 90 });
  });

  it('refuses bad policies naming each field, and changes by viewers or the operator', async () => {
    const bad = await admin.request<Body>('PUT', '/api/v1/retention', { success_days: 0, failed_days: 400, keep: 'forever' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.message).toContain('success_days must be an integer between 1 and 365');
    expect(bad.body.error.message).toContain('failed_days must be an integer between 1 and 365');
    expect(bad.body.error.message).toContain('keep');
    const shorter = await admin.request<Body>('PUT', '/api/v1/retention', { success_days: 60, failed_days: 30 });
    expect(shorter.status).toBe(400);
    expect(shorter.body.error.fields?.failed_days).toEqual(['failed_days must be at least success_days (failures are kept at least as long as successes)']);
    expect((await viewer.request<Body>('PUT', '/api/v1/retention', { success_days: 7, failed_days: 7 })).status).toBe(403);
    expect((await viewer.request<Body>('DELETE', '/api/v1/retention')).status).toBe(403);
    expect((await api.operator.get<Body>('/api/v1/retention')).status).toBe(403);
  });

  it('runs retention for the operator, dry or not, and answers 409 while another run holds the lease', async () => {
    const records = [
      buildAttemptRecord({ tenantId: 'acme' }),
      buildAttemptRecord({ tenantId: 'acme', status: 'failed' }),
      buildAttemptRecord({ tenantId: 'globex' }),
    ];
    await logs.recorder.record(records);
    const deliveries = connection.collection(DELIVERIES_COLLECTION);
    await deliveries.updateMany({}, { $set: { updatedAt: new Date(Date.now() - 40 * DAY_MS) } });

    expect((await admin.post<Body>('/api/v1/retention/runs', { dry_run: true })).status).toBe(403);
    const missing = await api.operator.post<Body>('/api/v1/retention/runs', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('dry_run must be true or false');

    const dry = await api.operator.post<Body>('/api/v1/retention/runs', { dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({
      dry_run: true,
      result: 'completed',
      trigger: 'rpc',
      tenants: { acme: { deliveries: 1, attempts: 1 }, globex: { deliveries: 1, attempts: 1 } },
    });
    expect(await deliveries.countDocuments()).toBe(3);

    const real = await api.operator.post<Body>('/api/v1/retention/runs', { dry_run: false });
    expect(real.status).toBe(200);
    expect(real.body.data).toMatchObject({ dry_run: false, result: 'completed', deleted: { deliveries: 2, attempts: 2 } });
    expect((await deliveries.find({}).toArray()).map((delivery) => delivery._id)).toEqual([records[1].deliveryId]);

    // Another replica's run holds the lease.
    const leases = connection.collection<{ _id: string; holder: string; acquiredAt: Date; expiresAt: Date }>('retention_leases');
    await leases.insertOne({ _id: 'retention', holder: 'pod-z:1:other', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    const busy = await api.operator.post<Body>('/api/v1/retention/runs', { dry_run: false });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'retention_run_in_progress', message: expect.stringContaining('pod-z:1:other') });
    await leases.deleteMany({});
  });

  it('answers 503 when retention-cron does not answer', async () => {
    await retentionCron.stop();
    const answer = await viewer.get<Body>('/api/v1/retention');
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('retention_service_unavailable');
  });
});
