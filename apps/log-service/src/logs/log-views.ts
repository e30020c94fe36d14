import type { AttemptLogView, DeliveryLogView, LogDetailView, LogStatsView } from '@wirehook/contracts';
import type { AttemptStats, DeliveryAttemptDocument, DeliveryDocument } from '@wirehook/delivery-logs';

/** The stored request body is JSON text; show it as JSON when it parses. */
function parsedPayload(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** An attempt as the logs API shows it (field names follow the product notes). */
export function toAttemptView(document: DeliveryAttemptDocument): AttemptLogView {
  return {
    id: document._id,
    webhook_id: document.endpointId,
    webhook_name: document.endpointName,
    url: document.endpointUrl,
    delivery_id: document.deliveryId,
    event: document.eventType,
    event_id: document.eventId,
    identifiers: document.identifiers ?? {},
    attempt: document.attempt,
    trigger: document.trigger,
    status: document.status,
    http_status: document.httpStatus,
    error: document.error?.message ?? null,
    error_code: document.error?.code ?? null,
    request_payload: parsedPayload(document.request.body),
    response_body: document.response?.body ?? null,
    response_headers: document.response?.headers ?? null,
    duration_ms: document.durationMs,
    next_attempt_at: document.nextAttemptAt?.toISOString() ?? null,
    delivered_at: document.completedAt.toISOString(),
    created_at: document.createdAt.toISOString(),
  };
}

/** A delivery with its latest state. */
export function toDeliveryView(document: DeliveryDocument): DeliveryLogView {
  return {
    id: document._id,
    webhook_id: document.endpointId,
    webhook_name: document.endpointName,
    url: document.endpointUrl,
    event: document.eventType,
    event_id: document.eventId,
    identifiers: document.identifiers ?? {},
    status: document.status,
    attempts: document.lastAttempt,
    retry_count: Math.max(0, document.lastAttempt - 1),
    http_status: document.httpStatus,
    last_error: document.lastError,
    last_attempt_id: document.lastAttemptId ?? '',
    next_attempt_at: document.nextAttemptAt?.toISOString() ?? null,
    created_at: document.createdAt.toISOString(),
    updated_at: document.updatedAt.toISOString(),
  };
}

/** One attempt with its request and response in full, and the timeline of its delivery. */
export function toDetailView(attempt: DeliveryAttemptDocument, delivery: DeliveryDocument | null, timeline: DeliveryAttemptDocument[]): LogDetailView {
  return {
    ...toAttemptView(attempt),
    request: attempt.request,
    response: attempt.response
      ? { status: attempt.response.status, headers: attempt.response.headers, body: attempt.response.body, body_truncated: attempt.response.bodyTruncated }
      : null,
    delivery: delivery
      ? {
          id: delivery._id,
          status: delivery.status,
          attempts: delivery.lastAttempt,
          next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
          created_at: delivery.createdAt.toISOString(),
        }
      : null,
    timeline: timeline.map((entry) => {
      const view = toAttemptView(entry);
      return {
        id: view.id,
        attempt: view.attempt,
        trigger: view.trigger,
        status: view.status,
        http_status: view.http_status,
        error: view.error,
        error_code: view.error_code,
        duration_ms: view.duration_ms,
        created_at: view.created_at,
      };
    }),
  };
}

const HOUR_MS = 60 * 60 * 1000;

/** Shapes raw window statistics for the API and the charts. */
export function toStatsView(stats: AttemptStats, from: Date, to: Date): LogStatsView {
  const count = (map: Map<string, number>, key: string) => map.get(key) ?? 0;
  const success = count(stats.byStatus, 'success');
  const buckets: LogStatsView['buckets'] = [];
  for (let hour = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; hour <= to.getTime(); hour += HOUR_MS) {
    const start = new Date(hour).toISOString();
    buckets.push({ start, attempts: count(stats.hours, start), success: count(stats.successHours, start) });
  }
  return {
    window: { from: from.toISOString(), to: to.toISOString() },
    totals: { attempts: stats.total, success, failed: count(stats.byStatus, 'failed'), retrying: count(stats.byStatus, 'retrying') },
    success_rate: stats.total === 0 ? null : success / stats.total,
    by_status_class: {
      '2xx': count(stats.byStatusClass, '2xx'),
      '3xx': count(stats.byStatusClass, '3xx'),
      '4xx': count(stats.byStatusClass, '4xx'),
      '5xx': count(stats.byStatusClass, '5xx'),
      none: count(stats.byStatusClass, 'none'),
    },
    duration_ms: {
      avg: stats.total === 0 ? null : Math.round(stats.totalDurationMs / stats.total),
      ...stats.percentiles,
    },
    top_events: stats.topEvents.map(({ key, count: value }) => ({ event: key, count: value })),
    top_error_codes: stats.topErrorCodes.map(({ key, count: value }) => ({ code: key, count: value })),
    buckets,
  };
}
