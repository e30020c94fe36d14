import { connect, type NatsConnection } from '@nats-io/transport-node';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import { AppProcess, appEnvironment, migrateDatabase } from './support/app-process';

const EVENTS = 60;
const RECEIVER_DELAY_MS = 1500;

describe('SIGTERM to the dispatcher finishes in-flight deliveries and hands the rest back', () => {
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let nc: NatsConnection;
  let apps: AppProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    servers = await startTestServers('e2e-graceful-shutdown');
    await migrateDatabase(servers.mongoUri);
    const certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    receiver.respondWith(() => ({ status: 200, delayMs: RECEIVER_DELAY_MS }));
    env = appEnvironment(servers, certificates.caFile, {
      SHUTDOWN_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'info',
    });
    nc = await connect({ servers: servers.natsUrl });
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all(apps.map((app) => app.stop()));
    await receiver?.stop();
    await servers?.stop();
  });

  it('exits within the bound, completes what was in flight, and a new dispatcher delivers the rest once', async () => {
    const apiPort = await freePort();
    const configApi = AppProcess.start('config-api', { ...env, PORT: String(apiPort) });
    let dispatcher = AppProcess.start('dispatcher', { ...env, PORT: String(await freePort()) });
    apps = [configApi, dispatcher];
    await Promise.all(apps.map((app) => app.started()));
    const operator = new ApiClient(`http://127.0.0.1:${apiPort}`, env.ADMIN_API_KEY);
    await operator.post('/api/v1/tenants', { id: 'calm', name: 'Calm' });
    const admin = operator.withKey((await operator.post<{ data: { key: string } }>('/api/v1/tenants/calm/api-keys', { role: 'admin' })).body.data.key);
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url('/calm'), events: ['calm.*'], max_concurrency: 5 });
    await eventually(async () => (await admin.post(`/api/v1/webhooks/${created.body.data.id}/test`, {})).status === 200);
    receiver.reset();

    const publisher = new WebhookEventPublisher(nc);
    for (let n = 0; n < EVENTS; n += 1) await publisher.publish('calm', { id: `calm-${n}`, event: 'calm.tick', data: { n } });
    await eventually(() => receiver.requests.length >= 5);

    const stopping = Date.now();
    dispatcher.child.kill('SIGTERM');
    await dispatcher.exited;
    const tookMs = Date.now() - stopping;
    // In flight: at most five requests of 1.5 s each; they finish, nothing new starts.
    expect(tookMs).toBeLessThan(Number(env.SHUTDOWN_TIMEOUT_MS));
    expect(dispatcher.output).toContain('stopping consumers');
    const deliveredBeforeExit = receiver.requests.length;
    expect(deliveredBeforeExit).toBeLessThan(EVENTS);

    dispatcher = AppProcess.start('dispatcher', { ...env, PORT: String(await freePort()) });
    apps.push(dispatcher);
    const unique = () => new Set(receiver.requests.map((request) => String(request.headers['webhook-id'])));
    await eventually(() => unique().size === EVENTS, { timeoutMs: 90_000, intervalMs: 250 });
    // Work finished before the exit is never sent again, and handed-back work is sent once.
    expect(receiver.requests.length).toBe(EVENTS);
  });
});
