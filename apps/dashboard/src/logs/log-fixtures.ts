import type { AttemptLog, DeliveryLog, LogDetail, LogPagination, Webhook } from '../api/client';

/** Test data of the delivery log pages: rows as the API answers them. */

export const DELIVERY = 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d';

export function attemptRow(overrides: Partial<AttemptLog> = {}): AttemptLog {
  const attempt = overrides.attempt ?? 1;
  const deliveryId = overrides.delivery_id ?? DELIVERY;
  return {
    tenant_id: 'acme',
    client_id: 'orders-service',
    webhook_id: 'ep_orders00000000000000000',
    webhook_name: 'Orders CRM',
    url: 'https://crm.example.com/hooks/orders',
    event: 'order.created',
    event_id: 'evt-1',
    identifiers: { orderId: 'order-42' },
    status: 'success',
    http_status: 200,
    next_attempt_at: null,
    created_at: '2026-03-01T12:00:00Z',
    id: `${deliveryId}_${attempt}`,
    delivery_id: deliveryId,
    attempt,
    trigger: 'auto',
    error: null,
    error_code: null,
    request_payload: '{"order":42}',
    request_payload_truncated: false,
    response_body: '{"ok":true}',
    response_body_truncated: false,
    response_headers: { 'content-type': 'application/json' },
    response_headers_truncated: false,
    duration_ms: 143,
    delivered_at: '2026-03-01T12:00:01Z',
    trace_id: null,
    ...overrides,
  };
}

export function failedRow(overrides: Partial<AttemptLog> = {}): AttemptLog {
  return attemptRow({
    status: 'failed',
    http_status: 500,
    error: 'HTTP 500',
    error_code: 'http_status',
    response_body: '{"error":"database down"}',
    webhook_id: 'ep_billing0000000000000000',
    webhook_name: 'Billing sync',
    url: 'https://billing.example.com/hooks',
    event: 'invoice.paid',
    delivery_id: 'msg_billing0000000000000000001',
    ...overrides,
  });
}

export function deliveryRow(overrides: Partial<DeliveryLog> = {}): DeliveryLog {
  return {
    tenant_id: 'acme',
    client_id: null,
    webhook_id: 'ep_orders00000000000000000',
    webhook_name: 'Orders CRM',
    url: 'https://crm.example.com/hooks/orders',
    event: 'order.created',
    event_id: 'evt-1',
    identifiers: {},
    status: 'pending',
    http_status: null,
    next_attempt_at: null,
    created_at: '2026-03-01T12:00:00Z',
    id: DELIVERY,
    attempts: 0,
    retry_count: 0,
    last_error: null,
    last_attempt_id: '',
    updated_at: '2026-03-01T12:00:00Z',
    ...overrides,
  };
}

export function pagination(overrides: Partial<LogPagination> = {}): LogPagination {
  return { current_page: 1, per_page: 25, total: 1, last_page: 1, total_exact: true, has_more: false, next_cursor: null, ...overrides };
}

export function listBody(rows: Array<AttemptLog | DeliveryLog>, page: Partial<LogPagination> = {}) {
  return { success: true, data: rows, pagination: pagination({ total: rows.length, ...page }) };
}

export function webhook(id: string, description: string, url: string): Webhook {
  return { id, description, url } as Webhook;
}

export const WEBHOOKS = [
  webhook('ep_orders00000000000000000', 'Orders CRM', 'https://crm.example.com/hooks/orders'),
  webhook('ep_billing0000000000000000', 'Billing sync', 'https://billing.example.com/hooks'),
];

/** An attempt in full, as `GET /api/v1/logs/:id` answers it. */
export function detail(overrides: Partial<LogDetail> = {}): LogDetail {
  const row = failedRow();
  const base: LogDetail = {
    ...row,
    request: {
      method: 'POST',
      url: row.url,
      headers: { authorization: '[redacted]', 'content-type': 'application/json', 'webhook-id': row.delivery_id },
      body: '{"invoice":7,"amount":1200}',
    },
    response: { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"database down"}', body_truncated: false },
    delivery: { id: row.delivery_id, status: 'failed', attempts: 1, next_attempt_at: null, created_at: row.created_at },
    timeline: [
      {
        id: row.id,
        attempt: 1,
        trigger: 'auto',
        status: 'failed',
        http_status: 500,
        error: 'HTTP 500',
        error_code: 'http_status',
        duration_ms: 143,
        created_at: row.created_at,
      },
    ],
  };
  return { ...base, ...overrides };
}
