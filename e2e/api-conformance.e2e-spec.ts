import type { AttemptLogView, LogStatsView } from '@wirehook/contracts';
import { OpenApiResponses, type ApiClient } from '@wirehook/testing';
import {
  createWebhook,
  deliveryRecords,
  publishAttempts,
  startLogsSystem,
  waitForAttempts,
  type LogsSystem,
  type WebhookRef,
} from './support/delivery-log-fixtures';

type ListBody = {
  success: boolean;
  data: AttemptLogView[];
  pagination: { current_page: number; per_page: number; total: number; last_page: number; has_more: boolean; next_cursor: string | null };
};
type StatsBody = { success: boolean; data: LogStatsView };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string[]> } };

const METRICS_TOKEN = 'e2e-metrics-token-0123456789abcdef';
/** The seeded day (minute 0 is 2026-03-02T08:00Z); minute 1020 is 01:00 the next day. */
const DAY = '2026-03-02';

/**
 * What a user's trial of the API found inconsistent (issue 12): whole-day dates, logs of deleted
 * webhooks, pages past the end, one answer envelope, and a metrics token on every app.
 */
describe('API conformance: dates, deleted webhooks, paging, envelopes, metrics token', () => {
  let system: LogsSystem;
  let admin: ApiClient;
  let viewer: ApiClient;
  let globexViewer: ApiClient;
  let gone: WebhookRef;
  let kept: WebhookRef;
  let theirs: WebhookRef;

  beforeAll(async () => {
    system = await startLogsSystem('e2e-api-conformance', { METRICS_TOKEN });
    ({ admin, viewer } = await system.tenant('acme'));
    const globex = await system.tenant('globex');
    globexViewer = globex.viewer;
    gone = await createWebhook(admin, 'Soon deleted', 'https://127.0.0.1:9/hooks/gone');
    kept = await createWebhook(admin, 'Kept', 'https://127.0.0.1:9/hooks/kept');
    theirs = await createWebhook(globex.admin, 'Globex only', 'https://127.0.0.1:9/hooks/globex');
    const acmeRecords = [
      ...deliveryRecords('acme', 'gone1', gone, 'order.created', [{ minute: 10, status: 'failed', http: 500 }]),
      ...deliveryRecords('acme', 'gone2', gone, 'order.created', [{ minute: 20, status: 'success', http: 200 }]),
      ...deliveryRecords('acme', 'kept1', kept, 'order.created', [{ minute: 30, status: 'failed', http: 500 }]),
      ...deliveryRecords('acme', 'kept2', kept, 'order.created', [{ minute: 40, status: 'success', http: 200 }]),
      ...deliveryRecords('acme', 'kept3', kept, 'order.created', [{ minute: 1020, status: 'failed', http: 503 }]),
    ];
    const globexRecords = deliveryRecords('globex', 'their1', theirs, 'order.created', [{ minute: 15, status: 'success', http: 200 }]);
    await publishAttempts(system.js, [...acmeRecords, ...globexRecords]);
    await waitForAttempts(viewer, acmeRecords.length);
    await waitForAttempts(globexViewer, globexRecords.length);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('keeps the logs of a deleted webhook listed, filtered, exported and counted, and still 404s ids the tenant never had', async () => {
    expect((await admin.request('DELETE', `/api/v1/webhooks/${gone.id}`)).status).toBe(204);
    expect((await viewer.get(`/api/v1/webhooks/${gone.id}`)).status).toBe(404);

    const filtered = await viewer.get<ListBody>(`/api/v1/deliveries?webhook_id=${gone.id}&sort=created_at`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.data.map((row) => [row.webhook_id, row.status])).toEqual([
      [gone.id, 'failed'],
      [gone.id, 'success'],
    ]);
    const ofWebhook = await viewer.get<ListBody>(`/api/v1/webhooks/${gone.id}/logs?status=failed`);
    expect(ofWebhook.status).toBe(200);
    expect(ofWebhook.body.data.map((row) => row.status)).toEqual(['failed']);
    const stats = await viewer.get<StatsBody>(`/api/v1/webhooks/${gone.id}/stats?from=${DAY}&to=${DAY}`);
    expect(stats.status).toBe(200);
    expect(stats.body.data.totals).toMatchObject({ attempts: 2, success: 1, failed: 1 });
    expect((await viewer.get<StatsBody>(`/api/v1/stats?webhook_id=${gone.id}&from=${DAY}&to=${DAY}`)).body.data.totals.attempts).toBe(2);
    const exported = await viewer.get<string>(`/api/v1/deliveries/export?webhook_id=${gone.id}&format=csv`);
    expect(exported.status).toBe(200);
    expect(
      exported.body
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[2]),
    ).toEqual([gone.id, gone.id]);
    // Search still finds them too.
    expect((await viewer.get<ListBody>('/api/v1/deliveries?q=evt_gone1')).body.data).toHaveLength(1);

    // Another tenant's webhook and an id never made answer alike: 404, nothing revealed.
    for (const id of [theirs.id, 'ep_00000000000000000000']) {
      for (const path of [
        `/api/v1/deliveries?webhook_id=${id}`,
        `/api/v1/webhooks/${id}/logs`,
        `/api/v1/webhooks/${id}/stats`,
        `/api/v1/stats?webhook_id=${id}`,
        `/api/v1/deliveries/export?webhook_id=${id}`,
      ]) {
        const answer = await viewer.get<ErrorBody>(path);
        expect({ path, status: answer.status, code: answer.body.error?.code }).toEqual({ path, status: 404, code: 'webhook_not_found' });
      }
    }
    expect((await globexViewer.get<ListBody>(`/api/v1/deliveries?webhook_id=${theirs.id}`)).body.data).toHaveLength(1);
  });

  it('answers a page past the last one with 200 and no rows, and refuses only pages beyond the paging bound', async () => {
    const past = await viewer.get<ListBody>('/api/v1/deliveries?per_page=10&page=999');
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ success: true, data: [], pagination: { current_page: 999, per_page: 10, total: 5, last_page: 1, has_more: false } });
    const beyond = await viewer.get<ErrorBody>('/api/v1/deliveries?per_page=25&page=401');
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.fields).toHaveProperty('cursor');
    expect((await viewer.get<ErrorBody>('/api/v1/deliveries?page=0')).status).toBe(400);
  });

  it('answers every success with one envelope, success true and data, as the OpenAPI document declares it', async () => {
    const operator = system.operator;
    const firstAttempt = (await viewer.get<ListBody>(`/api/v1/webhooks/${kept.id}/logs`)).body.data[0];
    // [documented path, answer]
    const answers: Array<[string, { status: number; body: unknown }]> = [
      ['GET /api/v1/me', await viewer.get('/api/v1/me')],
      ['GET /api/v1/retention', await viewer.get('/api/v1/retention')],
      ['PUT /api/v1/retention', await admin.request('PUT', '/api/v1/retention', { success_days: 7, failed_days: 14 })],
      ['DELETE /api/v1/retention', await admin.request('DELETE', '/api/v1/retention')],
      ['POST /api/v1/retention/runs', await operator.post('/api/v1/retention/runs', { dry_run: true })],
      ['GET /api/v1/webhooks', await viewer.get('/api/v1/webhooks')],
      ['GET /api/v1/webhooks/{id}', await viewer.get(`/api/v1/webhooks/${kept.id}`)],
      ['GET /api/v1/webhooks/{id}/logs', await viewer.get(`/api/v1/webhooks/${kept.id}/logs`)],
      ['GET /api/v1/webhooks/{id}/stats', await viewer.get(`/api/v1/webhooks/${kept.id}/stats?from=${DAY}&to=${DAY}`)],
      ['GET /api/v1/deliveries', await viewer.get('/api/v1/deliveries')],
      ['GET /api/v1/deliveries', await viewer.get('/api/v1/deliveries?view=deliveries&per_page=2')],
      ['GET /api/v1/logs/{id}', await viewer.get(`/api/v1/logs/${firstAttempt.id}`)],
      ['GET /api/v1/logs/{id}', await viewer.get(`/api/v1/logs/${firstAttempt.delivery_id}`)],
      ['GET /api/v1/stats', await viewer.get('/api/v1/stats')],
      ['GET /api/v1/tenants', await operator.get('/api/v1/tenants')],
    ];
    const documented = await OpenApiResponses.of(system.baseUrl);
    for (const [route, answer] of answers) {
      expect({ route, status: answer.status, body: answer.body }).toEqual({
        route,
        status: 200,
        body: expect.objectContaining({ success: true, data: expect.anything() }),
      });
      const [method, path] = route.split(' ');
      expect(documented.problems(method, path, answer.status, answer.body)).toEqual([]);
    }
    expect((answers[0][1].body as { data: unknown }).data).toMatchObject({ tenant_id: 'acme', role: 'viewer' });
    const errors: Array<[string, { status: number; body: unknown }]> = [
      ['GET /api/v1/logs/{id}', await viewer.get('/api/v1/logs/msg_00000000000000000000000000_1')],
      ['GET /api/v1/deliveries', await viewer.get('/api/v1/deliveries?status=lost')],
      ['POST /api/v1/logs/{id}/retry', await viewer.post(`/api/v1/logs/${firstAttempt.id}/retry`, {})],
    ];
    for (const [route, answer] of errors) {
      const [method, path] = route.split(' ');
      expect(documented.problems(method, path, answer.status, answer.body)).toEqual([]);
    }
  });

  it('reads a date alone as the whole day in stats and recover windows', async () => {
    const day = await viewer.get<StatsBody>(`/api/v1/webhooks/${kept.id}/stats?from=${DAY}&to=${DAY}`);
    expect(day.status).toBe(200);
    expect(day.body.data.totals).toMatchObject({ attempts: 2, success: 1, failed: 1 });
    expect((await viewer.get<StatsBody>(`/api/v1/webhooks/${kept.id}/stats?from=${DAY}&to=2026-03-03`)).body.data.totals.attempts).toBe(3);
    // A time within the day is not after the day.
    expect((await viewer.get<ListBody>(`/api/v1/deliveries?from=${DAY}T12:00:00Z&to=${DAY}&webhook_id=${kept.id}`)).status).toBe(200);

    const refused = await admin.post<ErrorBody>(`/api/v1/webhooks/${kept.id}/recover`, { from: '2026-03-03', to: DAY });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toHaveProperty('from');
    // Only kept1 failed on that day (kept3 failed the next one).
    const recovered = await admin.post<{ success: boolean; data: { queued: number; truncated: boolean } }>(`/api/v1/webhooks/${kept.id}/recover`, {
      from: DAY,
      to: DAY,
    });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ success: true, data: { queued: 1, truncated: false } });
  });

  it('guards GET /metrics of every app with METRICS_TOKEN', async () => {
    const apps = ['config-api', 'dispatcher', 'log-service', 'retention-cron'];
    for (const [index, app] of apps.entries()) {
      const url = `http://127.0.0.1:${system.port + index}/metrics`;
      for (const authorization of [undefined, 'Bearer not-the-metrics-token-0000']) {
        const refused = await fetch(url, { headers: authorization ? { authorization } : {} });
        expect({ app, authorization, status: refused.status }).toEqual({ app, authorization, status: 401 });
        expect(await refused.text()).not.toContain('wirehook_');
      }
      const scraped = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect({ app, status: scraped.status }).toEqual({ app, status: 200 });
      expect(await scraped.text()).toContain('process_cpu');
    }
    const dispatcher = await (await fetch(`http://127.0.0.1:${system.port + 1}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(dispatcher).toContain('wirehook_delivery_attempts_total');
  });
});
