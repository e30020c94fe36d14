import { MongoClient } from 'mongodb';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import { AppProcess, appEnvironment, migrateDatabase } from './support/app-process';

const ENDPOINTS = 4;
const EVENTS = 250;
const PER_ENDPOINT_CONCURRENCY = 5;
const KILLS = 3;

describe('kill -9 of the dispatcher during 1,000 deliveries loses nothing', () => {
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let nc: NatsConnection;
  const apps: AppProcess[] = [];
  let dispatcher: AppProcess;
  let env: Record<string, string>;
  let dispatcherPort: number;

  beforeAll(async () => {
    servers = await startTestServers('e2e-crash-safety');
    await migrateDatabase(servers.mongoUri);
    const certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    // Slow enough that every kill lands while deliveries are in flight.
    receiver.respondWith(() => ({ status: 200, delayMs: 40 }));
    env = appEnvironment(servers, certificates.caFile, {
      // Work a killed dispatcher held comes back after this long.
      DELIVERY_ACK_WAIT_MS: '4000',
      LOG_LEVEL: 'warn',
    });
    const apiPort = await freePort();
    apps.push(AppProcess.start('config-api', { ...env, PORT: String(apiPort) }), AppProcess.start('log-service', { ...env, PORT: String(await freePort()) }));
    dispatcherPort = await freePort();
    dispatcher = AppProcess.start('dispatcher', { ...env, PORT: String(dispatcherPort) });
    await Promise.all([...apps, dispatcher].map((app) => app.started()));

    const operator = new ApiClient(`http://127.0.0.1:${apiPort}`, env.ADMIN_API_KEY);
    await operator.post('/api/v1/tenants', { id: 'crash', name: 'Crash' });
    const admin = operator.withKey((await operator.post<{ data: { key: string } }>('/api/v1/tenants/crash/api-keys', { role: 'admin' })).body.data.key);
    for (let i = 0; i < ENDPOINTS; i += 1) {
      const created = await admin.post('/api/v1/webhooks', {
        url: receiver.url(`/crash/${i}`),
        events: ['crash.*'],
        max_concurrency: PER_ENDPOINT_CONCURRENCY,
      });
      expect(created.status).toBe(201);
    }
    nc = await connect({ servers: servers.natsUrl });
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all([...apps, dispatcher].map((app) => app?.stop()));
    await receiver?.stop();
    await servers?.stop();
  });

  it('delivers every event at least once, duplicates only what was in flight, and logs every delivery as success', async () => {
    // The configuration reaches the dispatcher through the KV bucket: wait for the first delivery.
    const publisher = new WebhookEventPublisher(nc);
    await publisher.publish('crash', { id: 'crash-0', event: 'crash.test', data: { n: 0 } });
    await eventually(() => receiver.requests.length === ENDPOINTS, { timeoutMs: 20_000 });
    for (let n = 1; n < EVENTS; n += 1) await publisher.publish('crash', { id: `crash-${n}`, event: 'crash.test', data: { n } });

    const total = ENDPOINTS * EVENTS;
    for (let kill = 1; kill <= KILLS; kill += 1) {
      await eventually(() => receiver.requests.length >= (total * kill) / (KILLS + 2), { timeoutMs: 60_000 });
      dispatcher.child.kill('SIGKILL');
      await dispatcher.exited;
      dispatcher = AppProcess.start('dispatcher', { ...env, PORT: String(dispatcherPort) });
      await dispatcher.started();
    }

    const unique = () => new Set(receiver.requests.map((request) => String(request.headers['webhook-id'])));
    await eventually(() => unique().size === total, { timeoutMs: 120_000, intervalMs: 250 });
    const duplicates = receiver.requests.length - total;
    process.stdout.write(`crash safety: ${total} deliveries, ${receiver.requests.length} requests, ${duplicates} duplicates after ${KILLS} kills\n`);
    // At most what one dispatcher can have in flight, per kill.
    expect(duplicates).toBeLessThanOrEqual(KILLS * ENDPOINTS * PER_ENDPOINT_CONCURRENCY);

    const client = await MongoClient.connect(servers.mongoUri);
    try {
      const deliveries = client.db().collection('deliveries');
      await eventually(async () => (await deliveries.countDocuments({ tenantId: 'crash', status: 'success' })) === total, {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      expect(await deliveries.countDocuments({ tenantId: 'crash' })).toBe(total);
    } finally {
      await client.close();
    }
  });
});
