import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { AttemptLogView, DeliveryLogView, LogDetailView } from '@wirehook/contracts';
import type { WebhookEventPublisher } from '@wirehook/publisher';
import { eventually, type ApiClient, type HttpsReceiver, type TestServers } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import type { EmbeddedRun } from './support/embedded-run';
import { RunningSystem } from './support/running-system';

type ListBody<T> = { data: T[]; pagination: { total: number } };
const FAILURE_BODY = JSON.stringify({ error: 'database is locked', trace: 'at saveOrder (orders.js:42:7)' });

describe('delivery logs: a failed delivery shows what a person needs to debug it', () => {
  let system: RunningSystem;
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let run: EmbeddedRun;
  let admin: ApiClient;
  let publisher: WebhookEventPublisher;
  const canaries = {
    bearer: `canary-bearer-${randomBytes(8).toString('hex')}`,
    custom: `canary-custom-${randomBytes(8).toString('hex')}`,
    authHeader: `canary-auth-header-${randomBytes(8).toString('hex')}`,
  };

  beforeAll(async () => {
    // Every log line the apps can write, to look for secrets in.
    system = await RunningSystem.start('e2e-delivery-logs-debugging', { LOG_LEVEL: 'trace' });
    ({ servers, receiver, run, publisher } = system);
    receiver.respondWith((request) =>
      request.path === '/failing'
        ? { status: 500, body: FAILURE_BODY, headers: { 'content-type': 'application/json', 'x-request-id': 'req-7' } }
        : { status: 200, body: 'ok' },
    );
    ({ admin } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function createWebhook(body: Record<string, unknown>): Promise<string> {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', body);
    if (created.status !== 201) throw new Error(`creating a webhook answered ${created.status}: ${JSON.stringify(created.body)}`);
    return created.body.data.id;
  }

  /**
   * Publishes until an event reaches the new webhook's logs: the dispatcher learns of a webhook
   * through the KV bucket within a moment, and an event published before that matches nothing.
   */
  async function publishUntilAttempted(webhookId: string, event: string, identifiers: Record<string, string>): Promise<string> {
    return eventually(
      async () => {
        const { eventId } = await publisher.publish('acme', { event, data: { orderId: identifiers.orderId, total: 42.5 }, identifiers });
        const logged = await eventually(
          async () => (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs`)).body.data.some((row) => row.event_id === eventId),
          { timeoutMs: 3000 },
        ).catch(() => false);
        return logged ? eventId : undefined;
      },
      { timeoutMs: 20_000 },
    );
  }

  it('keeps every attempt of a failing endpoint with the response it returned, the error, the payload sent and redacted headers', async () => {
    const webhookId = await createWebhook({
      url: receiver.url('/failing'),
      events: ['order.*'],
      description: 'Order sync',
      auth: { type: 'bearer', token: canaries.bearer },
      headers: { 'X-Tenant-Key': canaries.custom },
      retry: { schedule_ms: [100, 100] },
    });
    const eventId = await publishUntilAttempted(webhookId, 'order.created', { orderId: 'o-42' });
    const deliveries = await eventually(
      async () => {
        const body = (await admin.get<ListBody<DeliveryLogView>>(`/api/v1/webhooks/${webhookId}/logs?view=deliveries&status=failed`)).body;
        const mine = body.data.filter((row) => row.event_id === eventId);
        return mine.length === 1 ? mine : undefined;
      },
      { timeoutMs: 20_000 },
    );
    // One delivery, retried twice by the endpoint's schedule.
    expect(deliveries[0]).toMatchObject({
      webhook_id: webhookId,
      webhook_name: 'Order sync',
      event: 'order.created',
      attempts: 3,
      retry_count: 2,
      http_status: 500,
      identifiers: { orderId: 'o-42' },
    });
    const requests = receiver.requestsTo('/failing').filter((request) => request.headers['webhook-id'] === deliveries[0].id);
    expect(requests).toHaveLength(3);

    const attempts = (await admin.get<ListBody<AttemptLogView>>(`/api/v1/deliveries?webhook_id=${webhookId}&sort=created_at`)).body.data.filter(
      (row) => row.event_id === eventId,
    );
    expect(attempts.map((row) => [row.attempt, row.status, row.http_status])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'failed', 500],
    ]);

    const detail = (await admin.get<{ data: LogDetailView }>(`/api/v1/logs/${deliveries[0].last_attempt_id}`)).body.data;
    const sent = requests[2];
    expect(detail).toMatchObject({
      delivery_id: deliveries[0].id,
      attempt: 3,
      trigger: 'auto',
      status: 'failed',
      http_status: 500,
      error_code: 'http_status',
      error: 'the endpoint answered HTTP 500',
      response_body: FAILURE_BODY,
      response: {
        status: 500,
        body: FAILURE_BODY,
        body_truncated: false,
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-request-id': 'req-7' }),
      },
      request_payload: JSON.parse(sent.body),
      request: { method: 'POST', url: receiver.url('/failing'), body: sent.body },
      identifiers: { orderId: 'o-42' },
      delivery: { id: deliveries[0].id, status: 'failed', attempts: 3, next_attempt_at: null },
    });
    expect(detail.duration_ms).toEqual(expect.any(Number));
    expect(detail.request.headers).toMatchObject({
      authorization: '[redacted]',
      'x-tenant-key': '[redacted]',
      'webhook-id': sent.headers['webhook-id'],
      'webhook-signature': sent.headers['webhook-signature'],
      'x-webhook-event': 'order.created',
    });
    expect(detail.timeline.map((entry) => [entry.attempt, entry.status, entry.http_status, entry.error_code])).toEqual([
      [1, 'retrying', 500, 'http_status'],
      [2, 'retrying', 500, 'http_status'],
      [3, 'failed', 500, 'http_status'],
    ]);
    // What the receiver got was the real thing.
    expect(sent.headers.authorization).toBe(`Bearer ${canaries.bearer}`);
    expect(sent.headers['x-tenant-key']).toBe(canaries.custom);

    // Fixed on the receiving side, a manual retry is the fourth attempt of the same delivery.
    receiver.respondWith(() => ({ status: 200, body: '{"received":true}' }));
    expect((await admin.post(`/api/v1/logs/${detail.id}/retry`, {})).status).toBeLessThan(300);
    const retried = await eventually(async () => {
      const body = (await admin.get<{ data: LogDetailView }>(`/api/v1/logs/${deliveries[0].id}`)).body.data;
      return body?.attempt === 4 ? body : undefined;
    });
    expect(retried).toMatchObject({ trigger: 'manual', status: 'success', http_status: 200, error: null, delivery: { status: 'success', attempts: 4 } });
    expect(retried.timeline).toHaveLength(4);
  });

  it('shows an endpoint that never answered as a network error, without a status, and redacts a custom auth header', async () => {
    const closedPort = await freePort();
    const webhookId = await createWebhook({
      url: `https://127.0.0.1:${closedPort}/gone`,
      events: ['invoice.*'],
      description: 'Unreachable',
      auth: { type: 'header', header_name: 'X-Partner-Auth', header_value: canaries.authHeader },
      retry: { policy: 'none' },
    });
    const eventId = await publishUntilAttempted(webhookId, 'invoice.paid', { orderId: 'o-43' });
    const row = (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${webhookId}/logs`)).body.data.find(
      (entry) => entry.event_id === eventId,
    ) as AttemptLogView;
    const detail = (await admin.get<{ data: LogDetailView }>(`/api/v1/logs/${row.id}`)).body.data;
    expect(detail).toMatchObject({ status: 'failed', http_status: null, response: null, response_body: null, error_code: 'connection_refused' });
    expect(detail.error).toMatch(/ECONNREFUSED/);
    expect(detail.request.headers['x-partner-auth']).toBe('[redacted]');
    const serverErrors = (await admin.get<ListBody<AttemptLogView>>('/api/v1/deliveries?status_class=5xx&per_page=100')).body.data;
    expect(serverErrors.map((entry) => entry.id)).not.toContain(row.id);
  });

  it('keeps the configured secrets out of MongoDB and out of every log line', async () => {
    const client = await MongoClient.connect(servers.mongoUri);
    let stored: string;
    try {
      const db = client.db();
      stored = JSON.stringify([await db.collection('delivery_attempts').find().toArray(), await db.collection('deliveries').find().toArray()]);
    } finally {
      await client.close();
    }
    expect(stored).toContain('[redacted]');
    expect(run.output).toContain('attempt finished');
    for (const canary of Object.values(canaries)) {
      expect({ canary, inMongo: stored.includes(canary), inLogs: run.output.includes(canary) }).toEqual({ canary, inMongo: false, inLogs: false });
    }
  });
});
