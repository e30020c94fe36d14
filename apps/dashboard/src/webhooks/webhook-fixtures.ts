import type { AttemptLog, LogStats, Replay, Webhook } from '../api/client';
import { FakeApi } from '../test/fake-api';

/** A stored webhook as the API answers it (secrets masked). */
export function aWebhook(overrides: Partial<Webhook> = {}): Webhook {
  return {
    id: 'ep_orders',
    url: 'https://hooks.example.com/orders',
    description: 'Orders CRM',
    events: ['order.*', 'invoice.paid'],
    active: true,
    auth: { type: 'bearer', token: '********' },
    headers: { 'x-team': '********' },
    tls_client: null,
    proxy_url: null,
    secret: '********',
    timeout_ms: 10_000,
    retry: { policy: 'default' },
    max_concurrency: 10,
    rate_limit: null,
    tenant_field: 'tenantId',
    disabled_reason: null,
    disabled_at: null,
    created_at: '2026-03-01T10:00:00.000Z',
    updated_at: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export function anAttempt(overrides: Partial<AttemptLog> = {}): AttemptLog {
  return {
    tenant_id: 'acme',
    client_id: null,
    webhook_id: 'ep_orders',
    webhook_name: 'Orders CRM',
    url: 'https://hooks.example.com/orders',
    event: 'order.created',
    event_id: 'evt_1',
    identifiers: {},
    status: 'success',
    http_status: 200,
    next_attempt_at: null,
    created_at: '2026-03-02T08:00:00.000Z',
    id: 'msg_1_1',
    delivery_id: 'msg_1',
    attempt: 1,
    trigger: 'auto',
    error: null,
    error_code: null,
    request_payload: null,
    request_payload_truncated: false,
    response_body: null,
    response_body_truncated: false,
    response_headers: null,
    response_headers_truncated: false,
    duration_ms: 120,
    delivered_at: '2026-03-02T08:00:00.000Z',
    ...overrides,
  } as AttemptLog;
}

export function someStats(overrides: Partial<LogStats> = {}): LogStats {
  return {
    window: { from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T11:00:00.000Z' },
    totals: { attempts: 25, success: 17, failed: 6, retrying: 2 },
    success_rate: 0.68,
    by_status_class: { '2xx': 17, '3xx': 0, '4xx': 2, '5xx': 4, none: 2 },
    duration_ms: { avg: 284, p50: 130, p95: 1000, p99: 1000, percentile_error: 0.02 },
    top_events: [{ event: 'order.created', count: 20 }],
    top_error_codes: [{ code: 'http_status', count: 6 }],
    buckets: [
      { start: '2026-03-02T08:00:00.000Z', attempts: 8, success: 8, p95_ms: 80 },
      { start: '2026-03-02T09:00:00.000Z', attempts: 0, success: 0, p95_ms: null },
      { start: '2026-03-02T10:00:00.000Z', attempts: 17, success: 9, p95_ms: 1000 },
    ],
    ...overrides,
  };
}

/** A replay of the morning of 2 March 2026, done. */
export function aReplay(overrides: Partial<Replay> = {}): Replay {
  return {
    id: 'rpl_1',
    webhook_id: 'ep_orders',
    state: 'completed',
    from: '2026-03-02T08:00:00.000Z',
    to: '2026-03-02T10:00:00.000Z',
    events: null,
    requested_by: 'key_admin',
    events_scanned: 120,
    events_matched: 40,
    deliveries_queued: 38,
    last_sequence: 4812,
    reached_at: '2026-03-02T09:59:00.000Z',
    error: null,
    created_at: '2026-03-02T11:00:00.000Z',
    updated_at: '2026-03-02T11:00:05.000Z',
    started_at: '2026-03-02T11:00:01.000Z',
    finished_at: '2026-03-02T11:00:05.000Z',
    ...overrides,
  };
}

const pagination = (total: number) => ({
  current_page: 1,
  per_page: 1,
  total,
  last_page: Math.max(1, total),
  total_exact: true,
  has_more: total > 1,
  next_cursor: null,
});

/**
 * A fake API holding one webhook, with its logs, statistics and actions. `failedDeliveries` is
 * what the recovery preview counts.
 */
export function webhookApi(webhook: Webhook = aWebhook(), { failedDeliveries = 12 }: { failedDeliveries?: number } = {}) {
  let current = webhook;
  return new FakeApi()
    .on('GET /api/v1/webhooks/:id', () => ({ body: { success: true, data: current } }))
    .on('PATCH /api/v1/webhooks/:id', (request) => {
      current = { ...current, ...(request.body as Partial<Webhook>), updated_at: new Date().toISOString() };
      return { body: { success: true, data: current } };
    })
    .on('DELETE /api/v1/webhooks/:id', () => ({ status: 204 }))
    .on('GET /api/v1/webhooks/:id/logs', (request) => {
      const status = request.query.getAll('status').join(',');
      if (request.query.get('view') === 'deliveries') return { body: { success: true, data: [], pagination: pagination(failedDeliveries) } };
      if (status === 'success') return { body: { success: true, data: [anAttempt()], pagination: pagination(40) } };
      return {
        body: {
          success: true,
          data: [anAttempt({ status: 'failed', http_status: 500, error_code: 'http_status', error: 'HTTP 500', created_at: '2026-03-02T09:00:00.000Z' })],
          pagination: pagination(3),
        },
      };
    })
    .on('GET /api/v1/webhooks/:id/stats', () => ({ body: { success: true, data: someStats() } }))
    .on('POST /api/v1/webhooks/:id/test', () => ({
      body: {
        success: true,
        data: { success: true, log_id: 'msg_9_1', delivery_id: 'msg_9', attempt: 1, http_status: 200, duration_ms: 143, error: null, error_code: null },
      },
    }))
    .on('GET /api/v1/webhooks/:id/secret', () => ({ body: { success: true, data: { secret: 'whsec_first' } } }))
    .on('POST /api/v1/webhooks/:id/secret/rotate', () => ({
      body: { success: true, data: { secret: 'whsec_second', previous_secret_expires_at: '2026-03-03T10:00:00.000Z' } },
    }))
    .on('GET /api/v1/webhooks/:id/replays', () => ({ body: { success: true, data: [], pagination: { current_page: 1, per_page: 5, total: 0, last_page: 1 } } }))
    .on('POST /api/v1/webhooks/:id/recover', () => ({
      body: { success: true, data: { queued: Math.min(failedDeliveries, 1000), truncated: failedDeliveries > 1000 } },
    }));
}
