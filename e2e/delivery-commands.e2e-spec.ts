import type { AttemptLogView } from '@wirehook/contracts';
import type { WebhookEventPublisher } from '@wirehook/publisher';
import { eventually, type ApiClient, type HttpsReceiver } from '@wirehook/testing';
import { RunningSystem } from './support/running-system';

type Result = {
  data: {
    success: boolean;
    http_status: number | null;
    duration_ms: number;
    error: string | null;
    error_code: string | null;
    log_id: string;
    delivery_id: string;
    attempt: number;
  };
};

describe('test sends, manual retries and recovers', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let admin: ApiClient;
  let viewer: ApiClient;
  let publisher: WebhookEventPublisher;
  let failing = true;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-delivery-commands');
    ({ receiver, publisher } = system);
    receiver.respondWith(() => (failing ? { status: 503, body: 'maintenance' } : { status: 200, body: 'ok' }));
    ({ admin, viewer } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function createWebhook(path: string, retry: Record<string, unknown>): Promise<string> {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url(path), events: ['order.*'], retry });
    expect(created.status).toBe(201);
    // Wait until the dispatcher has the endpoint: a test send answers 404 before that.
    await eventually(async () => (await admin.post(`/api/v1/webhooks/${created.body.data.id}/test`, {})).status === 200);
    return created.body.data.id;
  }

  /** The attempts made for a webhook (not the pending rows of deliveries not attempted yet). */
  const logsOf = async (id: string) =>
    (await viewer.get<{ data: AttemptLogView[] }>(`/api/v1/webhooks/${id}/logs?sort=created_at`)).body.data.filter((log) => log.status !== 'pending');

  type Detail = { timeline: Array<{ attempt: number; trigger: string; status: string }>; delivery: { status: string; attempts: number } | null };
  /**
   * The detail of a logged attempt once its delivery's state counts `attempts`. log-service
   * stores an attempt before the state of its delivery, so an attempt can be read while its
   * delivery still shows the attempt before (or nothing): waiting for the attempt alone and then
   * reading the delivery's status races with that second write.
   */
  const detailOnceRecorded = (logId: string, attempts: number) =>
    eventually(async () => {
      const answer = await viewer.get<{ data: Detail }>(`/api/v1/logs/${logId}`);
      return answer.status === 200 && answer.body.data.delivery?.attempts === attempts ? answer.body.data : undefined;
    });

  it('sends a test event, answers with the result and logs it with trigger test', async () => {
    failing = false;
    const id = await createWebhook('/commands/test', { policy: 'none' });
    const sent = await admin.post<Result>(`/api/v1/webhooks/${id}/test`, {});
    expect(sent.status).toBe(200);
    expect(sent.body.data).toMatchObject({ success: true, http_status: 200, error: null, attempt: 1 });
    const body = JSON.parse(receiver.requestsTo('/commands/test').at(-1)?.body ?? '{}');
    expect(body).toMatchObject({ event: 'webhook.test', tenantId: 'acme', data: { message: expect.any(String) } });
    await eventually(async () => (await logsOf(id)).some((log) => log.id === sent.body.data.log_id && log.trigger === 'test' && log.event === 'webhook.test'));

    failing = true;
    const failed = await admin.post<Result>(`/api/v1/webhooks/${id}/test`, {});
    expect(failed.body.data).toMatchObject({ success: false, http_status: 503, error_code: 'http_status' });
    expect((await viewer.post(`/api/v1/webhooks/${id}/test`, {})).status).toBe(403);
  });

  it('retries a failed delivery by hand: same webhook-id, next attempt, trigger manual', async () => {
    failing = true;
    const id = await createWebhook('/commands/retry', { policy: 'none' });
    await publisher.publish('acme', { event: 'order.created', data: { n: 1 } });
    const [first] = await eventually(async () => {
      const logs = (await logsOf(id)).filter((log) => log.trigger === 'auto');
      return logs.length === 1 && logs[0].status === 'failed' ? logs : undefined;
    });
    // config-api reads the delivery's state to refuse a retry while one is scheduled: wait for it too.
    expect((await detailOnceRecorded(first.id, 1)).delivery?.status).toBe('failed');
    failing = false;
    const retried = await admin.post<Result>(`/api/v1/logs/${first.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ success: true, http_status: 200, delivery_id: first.delivery_id, attempt: 2 });
    const requests = receiver.requestsTo('/commands/retry').filter((request) => request.headers['webhook-id'] === first.delivery_id);
    expect(requests).toHaveLength(2);
    expect(requests[1].body).toBe(requests[0].body);
    const detail = await detailOnceRecorded(retried.body.data.log_id, 2);
    expect(detail.timeline.map((entry) => [entry.attempt, entry.trigger, entry.status])).toEqual([
      [1, 'auto', 'failed'],
      [2, 'manual', 'success'],
    ]);
    expect(detail.delivery?.status).toBe('success');
  });

  it('refuses a manual retry while an automatic one is scheduled', async () => {
    failing = true;
    const id = await createWebhook('/commands/scheduled', { schedule_ms: [3_600_000] });
    await publisher.publish('acme', { event: 'order.created', data: { n: 2 } });
    const [first] = await eventually(async () => {
      const logs = (await logsOf(id)).filter((log) => log.trigger === 'auto');
      return logs.length === 1 ? logs : undefined;
    });
    expect((await detailOnceRecorded(first.id, 1)).delivery?.status).toBe('retrying');
    const refused = await admin.post<{ error: { code: string; message: string } }>(`/api/v1/logs/${first.id}/retry`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'retry_scheduled', message: expect.stringMatching(/scheduled at/) });
  });

  it('recovers every failed delivery of a window', async () => {
    failing = true;
    const id = await createWebhook('/commands/recover', { policy: 'none' });
    const from = new Date(Date.now() - 1000).toISOString();
    for (let n = 0; n < 5; n += 1) await publisher.publish('acme', { event: 'order.created', data: { n } });
    await eventually(async () => (await logsOf(id)).filter((log) => log.trigger === 'auto' && log.status === 'failed').length === 5);
    const deliveriesOf = async () =>
      (await viewer.get<{ data: Array<{ status: string; attempts: number }> }>(`/api/v1/deliveries?view=deliveries&webhook_id=${id}&event=order.created`)).body
        .data;
    // The recover reads the deliveries' states (failed ones only): wait until all five are stored.
    await eventually(async () => (await deliveriesOf()).filter((delivery) => delivery.status === 'failed').length === 5);
    failing = false;
    const recovered = await admin.post<{ data: { queued: number; truncated: boolean } }>(`/api/v1/webhooks/${id}/recover`, {
      from,
      to: new Date().toISOString(),
    });
    expect(recovered.status).toBe(202);
    expect(recovered.body.data).toEqual({ queued: 5, truncated: false });
    await eventually(async () => (await logsOf(id)).filter((log) => log.trigger === 'manual' && log.status === 'success').length === 5, { timeoutMs: 20_000 });
    // The deliveries' states are stored after their attempts: wait until each counts its second attempt.
    const deliveries = await eventually(async () => {
      const rows = await deliveriesOf();
      return rows.length === 5 && rows.every((delivery) => delivery.attempts === 2) ? rows : undefined;
    });
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual(Array(5).fill(['success', 2]));
  });
});
