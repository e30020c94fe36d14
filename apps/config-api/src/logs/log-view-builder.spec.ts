import type { AttemptLogRecord, DeliveryLogRecord, ExportedAttemptRecord, LogDetailRecord, LogStatsRecord } from '@wirehook/contracts';
import { toAttemptView, toDeliveryView, toDetailView, toExportedView, toLogsPage, toStatsView } from './log-view-builder';
import { SAMPLE_DELIVERY } from '@wirehook/testing';

const CREATED_AT = '2026-03-01T10:15:00.000Z';

function attemptRecord(overrides: Partial<AttemptLogRecord> = {}): AttemptLogRecord {
  return {
    id: 'msg_a_2',
    tenantId: 'acme',
    clientId: 'billing-service',
    ...SAMPLE_DELIVERY,
    attempt: 2,
    trigger: 'auto',
    status: 'failed',
    httpStatus: 500,
    error: { code: 'http_status', message: 'the endpoint answered HTTP 500' },
    payloadPreview: { text: '{"id":1}', cut: false },
    response: { bodyPreview: { text: 'down', cut: false }, headers: { 'content-type': 'text/plain' }, headersCut: false },
    durationMs: 143,
    nextAttemptAt: null,
    completedAt: '2026-03-01T10:15:01.000Z',
    createdAt: CREATED_AT,
    traceId: null,
    ...overrides,
  };
}

const deliveryRecord = (overrides: Partial<DeliveryLogRecord> = {}): DeliveryLogRecord => ({
  id: 'msg_a',
  tenantId: 'acme',
  clientId: null,
  endpointId: 'ep_000000000000000000000001',
  endpointName: 'CRM sync',
  endpointUrl: 'https://crm.example.com/hooks',
  eventId: 'evt-1',
  eventType: 'resume.created',
  identifiers: {},
  status: 'retrying',
  lastAttempt: 3,
  lastAttemptId: 'msg_a_3',
  httpStatus: 503,
  lastError: 'the endpoint answered HTTP 503',
  nextAttemptAt: '2026-03-01T10:20:00.000Z',
  createdAt: CREATED_AT,
  updatedAt: '2026-03-01T10:16:00.000Z',
  ...overrides,
});

describe('toAttemptView', () => {
  it('names every field as the product notes do, and shows a whole payload as JSON', () => {
    expect(toAttemptView(attemptRecord())).toEqual({
      id: 'msg_a_2',
      tenant_id: 'acme',
      client_id: 'billing-service',
      webhook_id: 'ep_000000000000000000000001',
      webhook_name: 'CRM sync',
      url: 'https://crm.example.com/hooks',
      delivery_id: 'msg_a',
      event: 'resume.created',
      event_id: 'evt-1',
      identifiers: { batchId: 'batch-42' },
      attempt: 2,
      trigger: 'auto',
      status: 'failed',
      http_status: 500,
      error: 'the endpoint answered HTTP 500',
      error_code: 'http_status',
      request_payload: { id: 1 },
      request_payload_truncated: false,
      response_body: 'down',
      response_body_truncated: false,
      response_headers: { 'content-type': 'text/plain' },
      response_headers_truncated: false,
      duration_ms: 143,
      next_attempt_at: null,
      delivered_at: '2026-03-01T10:15:01.000Z',
      created_at: CREATED_AT,
      trace_id: null,
    });
  });

  it('shows a cut payload as text, and flags every preview log-service cut', () => {
    const view = toAttemptView(
      attemptRecord({
        payloadPreview: { text: '{"event":"resume.parsed","da', cut: true },
        response: { bodyPreview: { text: 'xxxx', cut: true }, headers: {}, headersCut: true },
      }),
    );
    expect(view).toMatchObject({ request_payload_truncated: true, response_body_truncated: true, response_headers_truncated: true });
    expect(view.request_payload).toBe('{"event":"resume.parsed","da');
  });

  it('shows a whole payload that is not JSON as text', () => {
    expect(toAttemptView(attemptRecord({ payloadPreview: { text: 'plain words', cut: false } })).request_payload).toBe('plain words');
  });

  it('has no response fields and no error without a response or an error', () => {
    expect(toAttemptView(attemptRecord({ response: null, error: null, httpStatus: null }))).toMatchObject({
      http_status: null,
      error: null,
      error_code: null,
      response_body: null,
      response_body_truncated: false,
      response_headers: null,
      response_headers_truncated: false,
    });
  });
});

describe('toDeliveryView', () => {
  it('counts retries after the first attempt and names the last attempt', () => {
    expect(toDeliveryView(deliveryRecord())).toEqual({
      id: 'msg_a',
      tenant_id: 'acme',
      client_id: null,
      webhook_id: 'ep_000000000000000000000001',
      webhook_name: 'CRM sync',
      url: 'https://crm.example.com/hooks',
      event: 'resume.created',
      event_id: 'evt-1',
      identifiers: {},
      status: 'retrying',
      attempts: 3,
      retry_count: 2,
      http_status: 503,
      last_error: 'the endpoint answered HTTP 503',
      last_attempt_id: 'msg_a_3',
      next_attempt_at: '2026-03-01T10:20:00.000Z',
      created_at: CREATED_AT,
      updated_at: '2026-03-01T10:16:00.000Z',
    });
  });

  it('shows a delivery not attempted yet with no retries and an empty last attempt id', () => {
    expect(toDeliveryView(deliveryRecord({ status: 'pending', lastAttempt: 0, lastAttemptId: null }))).toMatchObject({
      attempts: 0,
      retry_count: 0,
      last_attempt_id: '',
    });
  });
});

describe('toLogsPage', () => {
  it('adds the pagination of the product notes, with the cursor of the next page', () => {
    const page = toLogsPage(
      { view: 'attempts', perPage: 25 },
      { rows: [attemptRecord()], page: 2, total: { count: 51, exact: true }, hasMore: true, nextCursor: 'c2' },
    );
    expect(page.data).toEqual([toAttemptView(attemptRecord())]);
    expect(page.pagination).toEqual({ current_page: 2, per_page: 25, total: 51, last_page: 3, total_exact: true, has_more: true, next_cursor: 'c2' });
  });

  it('lists deliveries for view=deliveries, and shows a total not counted as an exact 0 on one page', () => {
    const page = toLogsPage({ view: 'deliveries', perPage: 25 }, { rows: [deliveryRecord()], page: 1, hasMore: false, nextCursor: null });
    expect(page.data).toEqual([toDeliveryView(deliveryRecord())]);
    expect(page.pagination).toEqual({ current_page: 1, per_page: 25, total: 0, last_page: 1, total_exact: true, has_more: false, next_cursor: null });
  });
});

describe('toDetailView', () => {
  const detail: LogDetailRecord = {
    attempt: attemptRecord({
      payloadPreview: { text: '{"big":', cut: true },
      response: { bodyPreview: { text: 'do', cut: true }, headers: { 'content-type': 'text/plain' }, headersCut: true },
    }),
    request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: { 'webhook-id': 'msg_a' }, body: { text: null, length: 40_000 } },
    response: { status: 500, headers: { 'content-type': 'text/plain', 'x-trace': 'abc' }, body: { text: 'down', length: 4 }, bodyTruncated: true },
    delivery: { id: 'msg_a', status: 'failed', lastAttempt: 2, nextAttemptAt: null, createdAt: CREATED_AT },
    timeline: [
      {
        id: 'msg_a_1',
        attempt: 1,
        trigger: 'auto',
        status: 'retrying',
        httpStatus: null,
        error: { code: 'timeout', message: 'timed out' },
        durationMs: 10_000,
        createdAt: '2026-03-01T10:14:00.000Z',
      },
      { id: 'msg_a_2', attempt: 2, trigger: 'auto', status: 'failed', httpStatus: 500, error: null, durationMs: 143, createdAt: CREATED_AT },
    ],
  };

  it('gives the whole payload and response with every attempt of the delivery', () => {
    const view = toDetailView(detail, '{"big":"body"}', 'down');
    expect(view).toMatchObject({
      id: 'msg_a_2',
      request_payload: { big: 'body' },
      request_payload_truncated: false,
      response_body_truncated: false,
      response_headers: { 'content-type': 'text/plain', 'x-trace': 'abc' },
      response_headers_truncated: false,
      request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: { 'webhook-id': 'msg_a' }, body: '{"big":"body"}' },
      response: { status: 500, headers: { 'content-type': 'text/plain', 'x-trace': 'abc' }, body: 'down', body_truncated: true },
      delivery: { id: 'msg_a', status: 'failed', attempts: 2, next_attempt_at: null, created_at: CREATED_AT },
    });
    expect(view.timeline).toEqual([
      {
        id: 'msg_a_1',
        attempt: 1,
        trigger: 'auto',
        status: 'retrying',
        http_status: null,
        error: 'timed out',
        error_code: 'timeout',
        duration_ms: 10_000,
        created_at: '2026-03-01T10:14:00.000Z',
      },
      {
        id: 'msg_a_2',
        attempt: 2,
        trigger: 'auto',
        status: 'failed',
        http_status: 500,
        error: null,
        error_code: null,
        duration_ms: 143,
        created_at: CREATED_AT,
      },
    ]);
  });

  it('has no response and no delivery when there are none', () => {
    const view = toDetailView({ ...detail, attempt: attemptRecord({ response: null }), response: null, delivery: null }, '{}', null);
    expect(view).toMatchObject({ response: null, delivery: null, response_headers: null, response_body: null });
  });
});

describe('toExportedView', () => {
  const exported: ExportedAttemptRecord = {
    attempt: attemptRecord({ payloadPreview: { text: '[1,', cut: true }, response: { bodyPreview: { text: 'o', cut: true }, headers: {}, headersCut: true } }),
    requestBody: { text: null, length: 9 },
    responseBody: { text: 'ok', length: 2 },
    responseHeaders: { 'content-type': 'text/plain', 'x-long': 'y' },
  };

  it('is the list row with its payload, response body and response headers whole', () => {
    expect(toExportedView(exported, '[1,2,3,4]', 'ok')).toEqual({
      ...toAttemptView(exported.attempt),
      request_payload: [1, 2, 3, 4],
      request_payload_truncated: false,
      response_body: 'ok',
      response_body_truncated: false,
      response_headers: { 'content-type': 'text/plain', 'x-long': 'y' },
      response_headers_truncated: false,
    });
  });
});

describe('toStatsView', () => {
  const stats: LogStatsRecord = {
    coveredFrom: '2026-03-01T10:00:00.000Z',
    coveredTo: '2026-03-01T13:00:00.000Z',
    attempts: 4,
    byStatus: { pending: 0, success: 3, failed: 1, retrying: 0 },
    byStatusClass: { '2xx': 3, '3xx': 0, '4xx': 0, '5xx': 1, none: 0 },
    durationSumMs: 1001,
    durationMs: { p50: 200, p95: 400, p99: 400 },
    durationPercentileError: 0.01,
    topEvents: [{ eventType: 'resume.created', count: 4 }],
    topErrorCodes: [{ code: 'http_status', count: 1 }],
    hours: [
      { start: '2026-03-01T10:00:00.000Z', attempts: 1, success: 1, p95Ms: 100 },
      { start: '2026-03-01T12:00:00.000Z', attempts: 3, success: 2, p95Ms: 400 },
    ],
  };

  it('lists every hour of the window, hours without attempts with zeros', () => {
    expect(toStatsView(stats).buckets).toEqual([
      { start: '2026-03-01T10:00:00.000Z', attempts: 1, success: 1, p95_ms: 100 },
      { start: '2026-03-01T11:00:00.000Z', attempts: 0, success: 0, p95_ms: null },
      { start: '2026-03-01T12:00:00.000Z', attempts: 3, success: 2, p95_ms: 400 },
    ]);
  });

  it('gives totals, the success rate, the average duration and the percentiles with their error', () => {
    expect(toStatsView(stats)).toMatchObject({
      window: { from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T13:00:00.000Z' },
      totals: { attempts: 4, success: 3, failed: 1, retrying: 0 },
      success_rate: 0.75,
      by_status_class: { '2xx': 3, '3xx': 0, '4xx': 0, '5xx': 1, none: 0 },
      duration_ms: { avg: 250, p50: 200, p95: 400, p99: 400, percentile_error: 0.01 },
      top_events: [{ event: 'resume.created', count: 4 }],
      top_error_codes: [{ code: 'http_status', count: 1 }],
    });
  });

  it('has no rate and no average without attempts', () => {
    const empty = toStatsView({
      ...stats,
      attempts: 0,
      byStatus: { ...stats.byStatus, success: 0, failed: 0 },
      hours: [],
      durationMs: { p50: null, p95: null, p99: null },
    });
    expect(empty).toMatchObject({ success_rate: null, duration_ms: { avg: null, p50: null, p95: null, p99: null } });
    expect(empty.buckets.every((bucket) => bucket.attempts === 0)).toBe(true);
  });
});
