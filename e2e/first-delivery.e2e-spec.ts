import { connect as connectTcp } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { DeadLetterSubjects, StreamNames, type AttemptLogView } from '@wirehook/contracts';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, eventually, type HttpsReceiver } from '@wirehook/testing';
import type { EmbeddedRun } from './support/embedded-run';
import { RunningSystem } from './support/running-system';

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the first webhook, end to end through the four apps started by npm start', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let run: EmbeddedRun;
  let nc: NatsConnection;
  let port: number;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-first-delivery', { DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128' });
    ({ receiver, run, nc, port } = system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('delivers a published event, signed, and shows it in the webhook logs', async () => {
    const operator = system.operator;
    expect(run.bannerValue('Tenant admin key')).toMatch(/^whk_/);

    const tenant = await operator.post('/api/v1/tenants', { id: 'acme', name: 'Acme' });
    expect(tenant.status).toBe(201);
    const issued = await operator.post<{ data: { key: string } }>('/api/v1/tenants/acme/api-keys', { role: 'admin' });
    expect(issued.status).toBe(201);
    const admin = operator.withKey(issued.body.data.key);

    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', {
      url: receiver.url('/hooks/acme'),
      events: ['resume.*'],
      description: 'resume sync',
    });
    expect(created.status).toBe(201);
    const webhookId = created.body.data.id;
    const secret = (await admin.get<{ data: { secret: string } }>(`/api/v1/webhooks/${webhookId}/secret`)).body.data.secret;
    expect(secret).toMatch(/^whsec_/);

    // The dispatcher applies the new endpoint from the KV bucket within a moment; publish until it is in.
    const publisher = new WebhookEventPublisher(nc);
    const published = await publisher.publish('acme', {
      event: 'resume.bulk_upload_parse.started',
      data: { batchId: 'batch-1', fileCount: 25 },
      identifiers: { batchId: 'batch-1' },
    });

    const [request] = await eventually(() => (receiver.requestsTo('/hooks/acme').length === 1 ? receiver.requestsTo('/hooks/acme') : undefined), {
      timeoutMs: 20_000,
    });
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const verified = new Webhook(secret).verify(request.body, headers) as Record<string, unknown>;
    expect(verified).toMatchObject({
      event: 'resume.bulk_upload_parse.started',
      tenantId: 'acme',
      data: { batchId: 'batch-1', fileCount: 25 },
    });
    expect(typeof verified.timestamp).toBe('string');
    expect(headers['x-webhook-event']).toBe('resume.bulk_upload_parse.started');
    expect(headers['x-webhook-signature']).toBe(headers['webhook-signature']);
    expect(new Date(headers['x-webhook-timestamp']).toISOString()).toBe(headers['x-webhook-timestamp']);
    expect(headers['user-agent']).toMatch(/^wirehook\//);

    const logs = await eventually(
      async () => {
        const answer = await admin.get<{ success: boolean; data: AttemptLogView[]; pagination: Record<string, unknown> }>(`/api/v1/webhooks/${webhookId}/logs`);
        // Until its first attempt is stored, the delivery shows as pending.
        return answer.body.data?.length === 1 && answer.body.data[0].status !== 'pending' ? answer.body : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(logs.success).toBe(true);
    expect(logs.data[0]).toMatchObject({
      webhook_id: webhookId,
      event: 'resume.bulk_upload_parse.started',
      event_id: published.eventId,
      status: 'success',
      http_status: 200,
      attempt: 1,
      delivery_id: headers['webhook-id'],
    });
    expect(logs.data[0].duration_ms).toEqual(expect.any(Number));
    expect(logs.pagination).toEqual({ current_page: 1, per_page: 25, total: 1, last_page: 1, total_exact: true, has_more: false, next_cursor: null });
  });

  it('answers bad input with clear errors', async () => {
    const base = system.baseUrl;
    const operator = system.operator;
    await operator.post('/api/v1/tenants', { id: 'badinput', name: 'Bad input' });
    const key = (await operator.post<{ data: { key: string } }>('/api/v1/tenants/badinput/api-keys', { role: 'admin' })).body.data.key;
    const admin = new ApiClient(base, key);

    const invalid = await admin.post<{ error: { code: string; message: string; fields: Record<string, string[]> } }>('/api/v1/webhooks', {
      url: receiver.url(),
      events: 'not-a-list',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/events/);
    expect(Object.keys(invalid.body.error.fields)).toContain('events');

    const noKey = await new ApiClient(base).get<{ error: { message: string } }>('/api/v1/webhooks');
    expect(noKey.status).toBe(401);
    expect(noKey.body.error.message).toMatch(/API key/);
    const wrongKey = await new ApiClient(base, 'whk_not-a-real-key').get('/api/v1/webhooks');
    expect(wrongKey.status).toBe(401);
  });

  it('dead-letters a malformed event with its reason and still delivers the next good one', async () => {
    const operator = system.operator;
    await operator.post('/api/v1/tenants', { id: 'poison', name: 'Poison' });
    const key = (await operator.post<{ data: { key: string } }>('/api/v1/tenants/poison/api-keys', { role: 'admin' })).body.data.key;
    const admin = operator.withKey(key);
    expect((await admin.post('/api/v1/webhooks', { url: receiver.url('/hooks/poison'), events: ['*'] })).status).toBe(201);

    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    await js.publish('webhooks.events.poison.order.created', Buffer.from('{not json'));
    await new WebhookEventPublisher(nc).publish('poison', { event: 'order.created', data: { orderId: 'o-1' } });

    await eventually(() => receiver.requestsTo('/hooks/poison').length === 1, { timeoutMs: 20_000 });
    expect(JSON.parse(receiver.requestsTo('/hooks/poison')[0].body).data).toEqual({ orderId: 'o-1' });

    const jsm = await jetstreamManager(nc);
    const deadLetter = await eventually(() => jsm.streams.getMessage(StreamNames.deadLetters, { last_by_subj: `${DeadLetterSubjects.prefix}.malformed_json` }));
    expect(deadLetter.json<{ reason: string; detail: string; tenantId: string }>()).toMatchObject({
      reason: 'malformed_json',
      tenantId: 'poison',
      detail: expect.stringMatching(/not valid JSON/),
    });
  });

  it('stops every process on Ctrl-C', async () => {
    expect(await portIsOpen(port)).toBe(true);
    await run.interrupt();
    for (let offset = 0; offset < 4; offset += 1) expect(await portIsOpen(port + offset)).toBe(false);
  });
});
