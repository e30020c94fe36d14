import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { IsOptional, IsString } from 'class-validator';
import { SecretBox } from '@wirehook/secret-box';
import { loadConfig } from '@wirehook/config';
import { KvBucketNames, endpointConfigKey, tenantConfigKey } from '@wirehook/contracts';
import { ApiClient, HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { endpointSnapshot } from './support/endpoint-snapshots';

class NatsTestEnvironment {
  @IsOptional()
  @IsString()
  NATS_URL?: string;
}

// A NATS server given by NATS_URL is shared, not this test's to stop: the outage test then does not run.
const itWithOwnNats = loadConfig(NatsTestEnvironment).NATS_URL ? it.skip : it;

type Body = { success: boolean; data: Record<string, unknown> & { id: string }; error: { code: string; message: string; fields?: Record<string, string[]> } };

describe('config-api configuration', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let nc: NatsConnection;
  let receiver: HttpsReceiver;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    servers = await startTestServers('config-api-configuration');
    api = await startConfigApi(servers, { MAX_WEBHOOKS_PER_TENANT: '3' });
    nc = await connect({ servers: servers.natsUrl });
    receiver = await HttpsReceiver.start(createTestCertificates());
    ({ admin, viewer } = await api.tenant('acme'));
  });

  afterAll(async () => {
    await receiver?.stop();
    await nc?.close();
    await api?.close();
    await servers?.stop();
  });

  const bucket = () => new Kvm(nc).open(KvBucketNames.config);
  const snapshotOf = (tenantId: string, id: string) => endpointSnapshot(nc, tenantId, id);

  it('creates, reads, updates and deletes a webhook, replicating each change', async () => {
    const created = await admin.post<Body>('/api/v1/webhooks', {
      url: receiver.url('/crm'),
      events: ['resume.*'],
      description: 'CRM sync',
      auth: { type: 'bearer', token: 'canary-bearer-token' },
      headers: { 'X-Team': 'canary-header-value' },
      timeout_ms: 5000,
      retry: { policy: 'quick' },
      max_concurrency: 4,
      rate_limit: 20,
      tenant_field: 'companyId',
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(created.body.data).toMatchObject({
      url: receiver.url('/crm'),
      events: ['resume.*'],
      active: true,
      auth: { type: 'bearer', token: '********' },
      headers: { 'x-team': '********' },
      secret: '********',
      timeout_ms: 5000,
      retry: { policy: 'quick' },
      max_concurrency: 4,
      rate_limit: 20,
      tenant_field: 'companyId',
    });
    expect(JSON.stringify(created.body)).not.toMatch(/canary/);

    const snapshot = await snapshotOf('acme', id);
    expect(snapshot).toMatchObject({ id, tenantId: 'acme', active: true, events: ['resume.*'], retryScheduleMs: [200, 400, 800], maxConcurrency: 4 });
    expect(JSON.stringify(snapshot)).not.toMatch(/canary/);

    expect((await viewer.get<Body>(`/api/v1/webhooks/${id}`)).body.data.description).toBe('CRM sync');
    const paused = await admin.request<Body>('PATCH', `/api/v1/webhooks/${id}`, { active: false, events: ['*'] });
    expect(paused.status).toBe(200);
    expect(paused.body.data).toMatchObject({ active: false, events: ['*'], description: 'CRM sync' });
    expect(await snapshotOf('acme', id)).toMatchObject({ active: false, events: ['*'] });

    expect((await admin.request('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/webhooks/${id}`)).status).toBe(404);
    expect(await snapshotOf('acme', id)).toBeUndefined();
  });

  it('refuses unsafe or malformed URLs with a message for each rule', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://example.com/x', /must use https/],
      ['https://user:pw@localhost/x', /user name or password/],
      ['not a url', /absolute URL/],
      [`https://localhost/${'a'.repeat(2100)}`, /2048 characters/],
      ['https://169.254.169.254/latest', /cloud metadata/],
      ['https://10.0.0.1/x', /private or reserved range/],
      ['https://[fd00::1]/x', /private or reserved range/],
    ];
    for (const [url, message] of cases) {
      const answer = await admin.post<Body>('/api/v1/webhooks', { url, events: ['a.b'] });
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body.error.message).toMatch(message);
      expect(answer.body.error.fields).toHaveProperty('url');
    }
  });

  it('refuses reserved custom headers and bad auth', async () => {
    for (const name of ['Host', 'Content-Type', 'webhook-id', 'X-Webhook-Signature', 'Authorization']) {
      const answer = await admin.post<Body>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'], headers: { [name]: 'x' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(name);
    }
    const noToken = await admin.post<Body>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'], auth: { type: 'bearer' } });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.message).toMatch(/auth\.token/);
  });

  it('limits the number of webhooks per tenant', async () => {
    const { admin: limited } = await api.tenant('limited');
    for (let i = 0; i < 3; i += 1) expect((await limited.post('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'] })).status).toBe(201);
    const refused = await limited.post<Body>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'webhook_limit_reached', message: expect.stringMatching(/maximum of 3/) });
    const listed = await limited.get<{ data: unknown[]; pagination: Record<string, number> }>('/api/v1/webhooks?per_page=2&page=2');
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.pagination).toEqual({ current_page: 2, per_page: 2, total: 3, last_page: 2 });
  });

  it('rotates the secret and keeps the previous one signing for the grace period', async () => {
    const created = await admin.post<Body>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'] });
    const id = created.body.data.id;
    const original = (await admin.get<{ data: { secret: string } }>(`/api/v1/webhooks/${id}/secret`)).body.data.secret;
    const rotated = await admin.post<{ data: { secret: string; previous_secret_expires_at: string } }>(`/api/v1/webhooks/${id}/secret/rotate`, {
      grace_period_seconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).toMatch(/^whsec_/);
    expect(rotated.body.data.secret).not.toBe(original);
    expect(Date.parse(rotated.body.data.previous_secret_expires_at) - Date.now()).toBeGreaterThan(3500_000);
    expect((await admin.get<{ data: { secret: string } }>(`/api/v1/webhooks/${id}/secret`)).body.data.secret).toBe(rotated.body.data.secret);

    const box = SecretBox.fromBase64(api.encryptionKey);
    const snapshot = await snapshotOf('acme', id);
    expect(snapshot?.secrets.map((secret) => box.decrypt(secret.encrypted))).toEqual([rotated.body.data.secret, original]);
    for (let i = 0; i < 11; i += 1) await admin.post(`/api/v1/webhooks/${id}/secret/rotate`, {});
    expect((await snapshotOf('acme', id))?.secrets).toHaveLength(11);
    expect((await viewer.post(`/api/v1/webhooks/${id}/secret/rotate`, {})).status).toBe(403);
    expect((await viewer.get(`/api/v1/webhooks/${id}/secret`)).status).toBe(403);
  });

  it('tells a tenant key its tenant and role', async () => {
    const asAdmin = await admin.get<{ data: Record<string, unknown> }>('/api/v1/me');
    expect(asAdmin.body.data).toEqual({ tenant_id: 'acme', role: 'admin', key_id: expect.stringMatching(/\S/) });
    const asViewer = await viewer.get<{ data: Record<string, unknown> }>('/api/v1/me');
    expect(asViewer.body.data).toMatchObject({ tenant_id: 'acme', role: 'viewer' });
    expect(asViewer.body.data.key_id).not.toBe(asAdmin.body.data.key_id);
  });

  it('manages tenants and revokes keys at once', async () => {
    const { admin: tenantAdmin, adminKeyId } = await api.tenant('tobedeleted');
    expect((await api.operator.request<Body>('PATCH', '/api/v1/tenants/tobedeleted', { name: 'Renamed' })).body.data.name).toBe('Renamed');
    const keys = await api.operator.get<{ data: Array<Record<string, unknown>> }>('/api/v1/tenants/tobedeleted/api-keys');
    expect(keys.body.data).toHaveLength(2);
    expect(keys.body.data[0]).not.toHaveProperty('key');
    expect(keys.body.data.map((key) => key.prefix)).toEqual([expect.stringMatching(/^whk_/), expect.stringMatching(/^whk_/)]);

    expect((await tenantAdmin.get('/api/v1/webhooks')).status).toBe(200);
    const lastUsedAt = async () => {
      const listed = await api.operator.get<{ data: Array<{ id: string; last_used_at: string | null }> }>('/api/v1/tenants/tobedeleted/api-keys');
      return listed.body.data.find((key) => key.id === adminKeyId)?.last_used_at;
    };
    const firstUse = await eventually(lastUsedAt);
    // Within a minute of the recorded use, further requests do not write it again.
    expect((await tenantAdmin.get('/api/v1/webhooks')).status).toBe(200);
    await new Promise((done) => setTimeout(done, 200));
    expect(await lastUsedAt()).toBe(firstUse);
    expect((await api.operator.request('DELETE', `/api/v1/tenants/tobedeleted/api-keys/${adminKeyId}`)).status).toBe(204);
    expect((await tenantAdmin.get('/api/v1/webhooks')).status).toBe(401);

    expect((await (await bucket()).get(tenantConfigKey('tobedeleted')))?.operation).toBe('PUT');
    expect((await api.operator.request('DELETE', '/api/v1/tenants/tobedeleted')).status).toBe(204);
    expect((await api.operator.get('/api/v1/tenants/tobedeleted')).status).toBe(404);
    expect((await (await bucket()).get(tenantConfigKey('tobedeleted')))?.operation).not.toBe('PUT');
    const duplicate = await api.operator.post<Body>('/api/v1/tenants', { id: 'acme', name: 'again' });
    expect(duplicate.status).toBe(409);
  });

  it('accepts events over HTTP once, and says why it refuses one', async () => {
    const first = await admin.request<Body>('POST', '/api/v1/events', { event: 'order.created', data: { orderId: 1 } });
    expect(first.status).toBe(202);
    const withKey = (key: string) =>
      fetch(`${api.baseUrl}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ event: 'order.created', data: { orderId: 2 } }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as Body }));
    const once = await withKey('order-2');
    const again = await withKey('order-2');
    expect(once).toMatchObject({ status: 202, body: { data: { event_id: 'order-2', duplicate: false } } });
    expect(again).toMatchObject({ status: 202, body: { data: { event_id: 'order-2', duplicate: true } } });

    const tooLarge = await admin.post<Body>('/api/v1/events', { event: 'order.created', data: { blob: 'x'.repeat(300 * 1024) } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toMatch(/at most 262144 bytes/);
    expect(tooLarge.body.error.message).not.toContain('DELIVERY_MAX_PAYLOAD_BYTES');
    const hugeBody = await admin.post<Body>('/api/v1/events', { event: 'order.created', data: { blob: 'x'.repeat(600 * 1024) } });
    expect(hugeBody.status).toBe(413);
    const badType = await admin.post<Body>('/api/v1/events', { event: 'not valid!', data: [] });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/event must be/);
    expect(badType.body.error.message).toMatch(/data/);
  });

  it('echoes what the test receiver gets', async () => {
    const echoed = await new ApiClient(api.baseUrl).post('/api/v1/webhook-receiver', { event: 'a.b', data: { x: 1 } });
    expect(echoed).toEqual({ status: 200, body: { received: true, message: 'Webhook received successfully', payload: { event: 'a.b', data: { x: 1 } } } });
  });

  it('repairs the replicated configuration at boot', async () => {
    const created = await admin.post<Body>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'] });
    const key = endpointConfigKey('acme', created.body.data.id);
    await (await bucket()).delete(key);
    await (await bucket()).put(endpointConfigKey('acme', 'ep_000000000000000000000999'), '{}');
    const second = await startConfigApi(servers, { CONFIG_ENCRYPTION_KEY: api.encryptionKey });
    try {
      await eventually(async () => (await snapshotOf('acme', created.body.data.id))?.id === created.body.data.id);
      expect((await (await bucket()).get(endpointConfigKey('acme', 'ep_000000000000000000000999')))?.operation).not.toBe('PUT');
    } finally {
      await second.close();
    }
  });

  // Last: it stops this file's NATS server.
  itWithOwnNats('answers 503 with a clear message while NATS is unavailable', async () => {
    await nc.close();
    await servers.natsServer?.stop();
    const refused = await admin.post<Body>('/api/v1/events', { id: 'while-down', event: 'order.created', data: {} });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'event_bus_unavailable', message: expect.stringMatching(/NATS is unavailable.*retry with the same id/) });
  });
});
