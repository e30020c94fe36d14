import {
  paginationOf,
  type AttemptLogRecord,
  type AttemptLogView,
  type DeliveryLogRecord,
  type DeliveryLogView,
  type ExportedAttemptRecord,
  type ListLogsRequestMessage,
  type LogDetailRecord,
  type LogDetailView,
  type LogRecordsPage,
  type LogStatsRecord,
  type LogStatsView,
  type LogsPage,
} from '@wirehook/contracts';

// The public (snake_case) answers of the log routes, built here at the edge from the records
// log-service sends, so that the public API changes without changing log-service.

/** A payload as JSON when it parses, else as text. */
export function parsedPayload(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Whose a row is: its tenant, the service that published the event, and the webhook. */
function ownerFieldsOf(record: AttemptLogRecord | DeliveryLogRecord) {
  return {
    tenant_id: record.tenantId,
    client_id: record.clientId,
    webhook_id: record.endpointId,
    webhook_name: record.endpointName,
    url: record.endpointUrl,
  };
}

/**
 * An attempt as the list shows it (field names follow the product notes), with the previews
 * log-service cut flagged as cut. A payload shown whole is JSON; a cut one is text.
 */
export function toAttemptView(record: AttemptLogRecord): AttemptLogView {
  const { payloadPreview, response } = record;
  return {
    id: record.id,
    ...ownerFieldsOf(record),
    delivery_id: record.deliveryId,
    event: record.eventType,
    event_id: record.eventId,
    identifiers: record.identifiers,
    attempt: record.attempt,
    trigger: record.trigger,
    status: record.status,
    http_status: record.httpStatus,
    error: record.error?.message ?? null,
    error_code: record.error?.code ?? null,
    request_payload: payloadPreview.cut ? payloadPreview.text : parsedPayload(payloadPreview.text),
    request_payload_truncated: payloadPreview.cut,
    response_body: response?.bodyPreview.text ?? null,
    response_body_truncated: response?.bodyPreview.cut ?? false,
    response_headers: response?.headers ?? null,
    response_headers_truncated: response?.headersCut ?? false,
    duration_ms: record.durationMs,
    next_attempt_at: record.nextAttemptAt,
    delivered_at: record.completedAt,
    created_at: record.createdAt,
    trace_id: record.traceId,
  };
}

/** A delivery with its latest state. */
export function toDeliveryView(record: DeliveryLogRecord): DeliveryLogView {
  return {
    id: record.id,
    ...ownerFieldsOf(record),
    event: record.eventType,
    event_id: record.eventId,
    identifiers: record.identifiers,
    status: record.status,
    attempts: record.lastAttempt,
    retry_count: Math.max(0, record.lastAttempt - 1),
    http_status: record.httpStatus,
    last_error: record.lastError,
    last_attempt_id: record.lastAttemptId ?? '',
    next_attempt_at: record.nextAttemptAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** A page of the list with the pagination of the product notes; a total not counted shows as an exact 0. */
export function toLogsPage(
  request: Pick<ListLogsRequestMessage, 'view' | 'perPage'>,
  page: LogRecordsPage<AttemptLogRecord | DeliveryLogRecord>,
): LogsPage<AttemptLogView | DeliveryLogView> {
  const data = request.view === 'deliveries' ? (page.rows as DeliveryLogRecord[]).map(toDeliveryView) : (page.rows as AttemptLogRecord[]).map(toAttemptView);
  const total = page.total ?? { count: 0, exact: true };
  return {
    data,
    pagination: { ...paginationOf(page.page, request.perPage, total.count), total_exact: total.exact, has_more: page.hasMore, next_cursor: page.nextCursor },
  };
}

/**
 * One attempt in full, with its request payload and response body whole (read by the caller,
 * in chunks when they did not fit log-service's reply; `responseBody` null without a response),
 * and every attempt of its delivery.
 */
export function toDetailView(record: LogDetailRecord, requestBody: string, responseBody: string | null): LogDetailView {
  const { request, response, delivery } = record;
  return {
    ...toAttemptView(record.attempt),
    request_payload: parsedPayload(requestBody),
    request_payload_truncated: false,
    response_body_truncated: false,
    response_headers: response?.headers ?? null,
    response_headers_truncated: false,
    request: { method: request.method, url: request.url, headers: request.headers, body: requestBody },
    response: response ? { status: response.status, headers: response.headers, body: responseBody ?? '', body_truncated: response.bodyTruncated } : null,
    delivery: delivery
      ? { id: delivery.id, status: delivery.status, attempts: delivery.lastAttempt, next_attempt_at: delivery.nextAttemptAt, created_at: delivery.createdAt }
      : null,
    timeline: record.timeline.map((step) => ({
      id: step.id,
      attempt: step.attempt,
      trigger: step.trigger,
      status: step.status,
      http_status: step.httpStatus,
      error: step.error?.message ?? null,
      error_code: step.error?.code ?? null,
      duration_ms: step.durationMs,
      created_at: step.createdAt,
    })),
  };
}

/** An exported attempt: the list row with its payload, response body and response headers whole (read by the caller). */
export function toExportedView(record: ExportedAttemptRecord, requestBody: string, responseBody: string | null): AttemptLogView {
  return {
    ...toAttemptView(record.attempt),
    request_payload: parsedPayload(requestBody),
    request_payload_truncated: false,
    response_body: responseBody,
    response_body_truncated: false,
    response_headers: record.responseHeaders,
    response_headers_truncated: false,
  };
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Statistics for the API and the charts, from log-service's hourly rollups: the window is the
 * whole hours it touches (`window` says which), hours without attempts are listed with zeros,
 * counts are exact, and the percentiles are within the histogram's stated error.
 */
export function toStatsView(record: LogStatsRecord): LogStatsView {
  const hours = new Map(record.hours.map((hour) => [hour.start, hour]));
  const buckets: LogStatsView['buckets'] = [];
  for (let hour = Date.parse(record.coveredFrom); hour < Date.parse(record.coveredTo); hour += HOUR_MS) {
    const start = new Date(hour).toISOString();
    const counted = hours.get(start);
    buckets.push({ start, attempts: counted?.attempts ?? 0, success: counted?.success ?? 0, p95_ms: counted?.p95Ms ?? null });
  }
  const success = record.byStatus.success;
  return {
    window: { from: record.coveredFrom, to: record.coveredTo },
    totals: { attempts: record.attempts, success, failed: record.byStatus.failed, retrying: record.byStatus.retrying },
    success_rate: record.attempts === 0 ? null : success / record.attempts,
    by_status_class: { ...record.byStatusClass },
    duration_ms: {
      avg: record.attempts === 0 ? null : Math.round(record.durationSumMs / record.attempts),
      ...record.durationMs,
      percentile_error: record.durationPercentileError,
    },
    top_events: record.topEvents.map(({ eventType, count }) => ({ event: eventType, count })),
    top_error_codes: record.topErrorCodes.map(({ code, count }) => ({ code, count })),
    buckets,
  };
}
