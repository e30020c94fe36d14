import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import type { WebhookEventPublisher } from '@wirehook/publisher';
import { eventually, type ApiClient, type HttpsReceiver, type ReceivedRequest, type TestServers } from '@wirehook/testing';
import type { EmbeddedRun } from './support/embedded-run';
import { RunningSystem } from './support/running-system';

/** The time config-api promises for a change to reach the dispatcher. */
const PROPAGATION_BOUND_MS = 1000;
const PLATFORM_COLLECTIONS = [
  'tenants',
  'api_keys',
  'endpoints',
  'platform_settings',
  'deliveries',
  'delivery_attempts',
  'retention_policies',
  'retention_leases',
];
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const headersOf = (request: ReceivedRequest) => Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));

describe('configuration changes reach deliveries, and secrets stay secret', () => {
  let system: RunningSystem;
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let run: EmbeddedRun;
  let admin: ApiClient;
  let publisher: WebhookEventPublisher;
  const canaries = {
    bearer: `canary-bearer-${randomBytes(8).toString('hex')}`,
    header: `canary-header-${randomBytes(8).toString('hex')}`,
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  };

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-configuration-changes', { LOG_LEVEL: 'trace' });
    ({ servers, receiver, run, publisher } = system);
    ({ admin } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function createWebhook(body: Record<string, unknown>): Promise<string> {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', body);
    expect(created.status).toBe(201);
    await wait(PROPAGATION_BOUND_MS);
    return created.body.data.id;
  }

  it('pausing stops deliveries and a URL change redirects them, within a second', async () => {
    const id = await createWebhook({ url: receiver.url('/change/a'), events: ['order.*'] });
    await createWebhook({ url: receiver.url('/change/sentinel'), events: ['sentinel.*'] });
    await publisher.publish('acme', { event: 'order.created', data: { n: 1 } });
    await eventually(() => receiver.requestsTo('/change/a').length === 1);

    expect((await admin.request('PATCH', `/api/v1/webhooks/${id}`, { active: false })).status).toBe(200);
    await wait(PROPAGATION_BOUND_MS);
    await publisher.publish('acme', { event: 'order.created', data: { n: 2 } });
    await publisher.publish('acme', { event: 'sentinel.ping', data: {} });
    await eventually(() => receiver.requestsTo('/change/sentinel').length === 1);
    await wait(200);
    expect(receiver.requestsTo('/change/a')).toHaveLength(1);

    expect((await admin.request('PATCH', `/api/v1/webhooks/${id}`, { active: true, url: receiver.url('/change/b') })).status).toBe(200);
    await wait(PROPAGATION_BOUND_MS);
    await publisher.publish('acme', { event: 'order.created', data: { n: 3 } });
    await eventually(() => receiver.requestsTo('/change/b').length === 1);
    expect(JSON.parse(receiver.requestsTo('/change/b')[0].body).data).toEqual({ n: 3 });
    expect(receiver.requestsTo('/change/a')).toHaveLength(1);
  });

  it('signs with both secrets during the grace period and with the new one after it', async () => {
    const id = await createWebhook({ url: receiver.url('/rotation'), events: ['rotation.*'] });
    const original = (await admin.get<{ data: { secret: string } }>(`/api/v1/webhooks/${id}/secret`)).body.data.secret;
    const rotated = await admin.post<{ data: { secret: string } }>(`/api/v1/webhooks/${id}/secret/rotate`, { grace_period_seconds: 3 });
    const rotatedAt = Date.now();
    await wait(PROPAGATION_BOUND_MS);

    await publisher.publish('acme', { event: 'rotation.during', data: {} });
    const [during] = await eventually(() => (receiver.requestsTo('/rotation').length === 1 ? receiver.requestsTo('/rotation') : undefined));
    expect(headersOf(during)['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [original, rotated.body.data.secret]) expect(() => new Webhook(secret).verify(during.body, headersOf(during))).not.toThrow();

    // The grace period is the behaviour under test: let it pass.
    await wait(Math.max(0, rotatedAt + 3500 - Date.now()));
    await publisher.publish('acme', { event: 'rotation.after', data: {} });
    const after = (await eventually(() => (receiver.requestsTo('/rotation').length === 2 ? receiver.requestsTo('/rotation') : undefined)))[1];
    expect(headersOf(after)['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.body.data.secret).verify(after.body, headersOf(after))).not.toThrow();
    expect(() => new Webhook(original).verify(after.body, headersOf(after))).toThrow();
  });

  it('keeps configured secrets out of MongoDB and out of every log line', async () => {
    const id = await createWebhook({
      url: receiver.url('/canary'),
      events: ['canary.*'],
      secret: canaries.secret,
      auth: { type: 'bearer', token: canaries.bearer },
      headers: { 'X-Canary': canaries.header },
    });
    await publisher.publish('acme', { event: 'canary.sent', data: {} });
    const [request] = await eventually(() => (receiver.requestsTo('/canary').length === 1 ? receiver.requestsTo('/canary') : undefined));
    // The receiver does get them: that is what they are for.
    expect(request.headers.authorization).toBe(`Bearer ${canaries.bearer}`);
    expect(request.headers['x-canary']).toBe(canaries.header);
    expect(() => new Webhook(canaries.secret).verify(request.body, headersOf(request))).not.toThrow();
    await eventually(
      async () =>
        (await admin.get<{ data: Array<{ status: string }> }>(`/api/v1/webhooks/${id}/logs`)).body.data.filter((row) => row.status !== 'pending').length === 1,
    );

    const client = await MongoClient.connect(servers.mongoUri);
    const dump: string[] = [];
    try {
      const db = client.db();
      // Every collection the platform writes (the MongoDB-wire server has no listCollections).
      for (const name of PLATFORM_COLLECTIONS) dump.push(JSON.stringify(await db.collection(name).find().toArray()));
    } finally {
      await client.close();
    }
    const mongoText = dump.join('\n');
    expect(mongoText).toContain('[redacted]');
    expect(mongoText).toContain('enc:v1:');
    expect(run.output).toContain('attempt finished');
    const secretBytes = canaries.secret.slice('whsec_'.length);
    for (const canary of [canaries.bearer, canaries.header, canaries.secret, secretBytes]) {
      expect(mongoText.includes(canary)).toBe(false);
      expect(run.output.includes(canary)).toBe(false);
    }
  });
});
