import {
  LOG_PREVIEW_CHARS,
  LOG_REPLY_BUDGET_BYTES,
  type AttemptLogView,
  type DeliveryLogView,
  type ExportedAttemptReply,
  type LogBodyReply,
  type LogDetailReply,
  type LogStatsView,
} from '@wirehook/contracts';
import { DURATION_PERCENTILE_RELATIVE_ERROR, type AttemptRow, type DeliveryAttemptDocument, type DeliveryDocument, type RollupStats } from '@wirehook/delivery-logs';

/** Characters of a body the detail carries inline; a longer one is fetched in chunks. */
export const DETAIL_INLINE_BODY_CHARS = 32 * 1024;

/** A payload as JSON when it parses, else as text. */
function parsedPayload(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Headers while their names and values stay within `limit` characters. */
function headersWithin(headers: Record<string, string>, limit: number): { headers: Record<string, string>; truncated: boolean } {
  const kept: Record<string, string> = {};
  let used = 0;
  for (const [name, value] of Object.entries(headers)) {
    used += name.length + value.length;
    if (used > limit) return { headers: kept, truncated: true };
    kept[name] = value;
  }
  return { headers: kept, truncated: false };
}

/**
 * An attempt as the list shows it (field names follow the product notes), with the payload, the
 * response body and the response headers cut to `previewChars` and flagged when cut. A payload
 * shown whole is JSON; a cut one is text.
 */
export function toAttemptView(row: AttemptRow, previewChars = LOG_PREVIEW_CHARS): AttemptLogView {
  const payloadCut = row.request.bodyLength > previewChars;
  const payloadPreview = row.request.bodyPreview.slice(0, previewChars);
  const responseHeaders = row.response ? headersWithin(row.response.headers, previewChars) : null;
  return {
    id: row._id,
    tenant_id: row.tenantId,
    client_id: row.clientId ?? null,
    webhook_id: row.endpointId,
    webhook_name: row.endpointName,
    url: row.endpointUrl,
    delivery_id: row.deliveryId,
    event: row.eventType,
    event_id: row.eventId,
    identifiers: row.identifiers ?? {},
    attempt: row.attempt,
    trigger: row.trigger,
    status: row.status,
    http_status: row.httpStatus,
    error: row.error?.message ?? null,
    error_code: row.error?.code ?? null,
    request_payload: payloadCut ? payloadPreview : parsedPayload(payloadPreview),
    request_payload_truncated: payloadCut,
    response_body: row.response ? row.response.bodyPreview.slice(0, previewChars) : null,
    response_body_truncated: row.response ? row.response.bodyLength > previewChars : false,
    response_headers: responseHeaders?.headers ?? null,
    response_headers_truncated: responseHeaders?.truncated ?? false,
    duration_ms: row.durationMs,
    next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
    delivered_at: row.completedAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    trace_id: row.traceId ?? null,
  };
}

/** Room kept in a reply for what wraps its rows: the cursor, field names, separators. */
export const REPLY_ENVELOPE_BYTES = 2048;

/** Encoded size of a reply. */
const replyBytes = (reply: unknown): number => Buffer.byteLength(JSON.stringify(reply));

/**
 * Attempt rows for a list reply that fits {@link LOG_REPLY_BUDGET_BYTES}: previews are cut
 * shorter (and flagged) for text that escapes badly in JSON, such as control characters.
 */
export function attemptViewsWithin(rows: AttemptRow[]): AttemptLogView[] {
  for (let previewChars = LOG_PREVIEW_CHARS; ; previewChars = Math.floor(previewChars / 4)) {
    const views = rows.map((row) => toAttemptView(row, previewChars));
    if (previewChars < 16 || replyBytes(views) <= LOG_REPLY_BUDGET_BYTES) return views;
  }
}

/** A delivery with its latest state. */
export function toDeliveryView(document: DeliveryDocument): DeliveryLogView {
  return {
    id: document._id,
    tenant_id: document.tenantId,
    client_id: document.clientId ?? null,
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

/** A body inline when within `limit` characters, else only its length (fetched in chunks). */
export function bodyReply(text: string, limit: number): LogBodyReply {
  return text.length <= limit ? { text, length: text.length } : { text: null, length: text.length };
}

/** One attempt with its request and response, and the timeline of its delivery. */
export function toDetailReply(attempt: DeliveryAttemptDocument, payload: string, delivery: DeliveryDocument | null, timeline: AttemptRow[]): LogDetailReply {
  return {
    ...toAttemptView(attempt),
    request: { method: attempt.request.method, url: attempt.request.url, headers: attempt.request.headers, body: bodyReply(payload, DETAIL_INLINE_BODY_CHARS) },
    response: attempt.response
      ? {
          status: attempt.response.status,
          headers: attempt.response.headers,
          body: bodyReply(attempt.response.body, DETAIL_INLINE_BODY_CHARS),
          body_truncated: attempt.response.bodyTruncated,
        }
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
    timeline: timeline.map((entry) => ({
      id: entry._id,
      attempt: entry.attempt,
      trigger: entry.trigger,
      status: entry.status,
      http_status: entry.httpStatus,
      error: entry.error?.message ?? null,
      error_code: entry.error?.code ?? null,
      duration_ms: entry.durationMs,
      created_at: entry.createdAt.toISOString(),
    })),
  };
}

/**
 * An exported attempt for a reply with `room` bytes left: the list row with its payload,
 * response body and headers whole where they fit; a body that does not goes by its length only,
 * for config-api to read in chunks.
 */
export function exportedRow(row: AttemptRow, payload: string, responseBody: string | undefined, room: number): { reply: ExportedAttemptReply; bytes: number } {
  const reply: ExportedAttemptReply = {
    ...toAttemptView(row),
    full: {
      request_body: bodyReply(payload, 0),
      response_body: responseBody === undefined ? null : bodyReply(responseBody, 0),
      response_headers: row.response?.headers ?? null,
    },
  };
  let bytes = replyBytes(reply);
  for (const [part, text] of [['request_body', payload], ['response_body', responseBody]] as const) {
    if (text === undefined || text.length === 0) continue;
    const size = replyBytes(text);
    if (bytes + size > room) continue;
    reply.full[part] = { text, length: text.length };
    bytes += size;
  }
  return { reply, bytes };
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Statistics for the API and the charts, from the hourly rollups: the window is widened to the
 * whole hours it touches (`window` says which), counts are exact, and the percentiles are within
 * the histogram's stated error.
 */
export function toStatsView(stats: RollupStats): LogStatsView {
  const hours = new Map(stats.hours.map((hour) => [hour.start, hour]));
  const buckets: LogStatsView['buckets'] = [];
  for (let hour = stats.coveredFrom.getTime(); hour < stats.coveredTo.getTime(); hour += HOUR_MS) {
    const start = new Date(hour).toISOString();
    const counted = hours.get(start);
    buckets.push({ start, attempts: counted?.attempts ?? 0, success: counted?.success ?? 0, p95_ms: counted?.p95Ms ?? null });
  }
  const success = stats.byStatus.success;
  return {
    window: { from: stats.coveredFrom.toISOString(), to: stats.coveredTo.toISOString() },
    totals: { attempts: stats.attempts, success, failed: stats.byStatus.failed, retrying: stats.byStatus.retrying },
    success_rate: stats.attempts === 0 ? null : success / stats.attempts,
    by_status_class: { ...stats.byStatusClass },
    duration_ms: { avg: stats.attempts === 0 ? null : Math.round(stats.durationSumMs / stats.attempts), ...stats.durationMs, percentile_error: DURATION_PERCENTILE_RELATIVE_ERROR },
    top_events: stats.topEvents.map(({ eventType, count }) => ({ event: eventType, count })),
    top_error_codes: stats.topErrorCodes.map(({ code, count }) => ({ code, count })),
    buckets,
  };
}
