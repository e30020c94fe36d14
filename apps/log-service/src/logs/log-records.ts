import {
  LOG_PREVIEW_CHARS,
  LOG_REPLY_BUDGET_BYTES,
  type AttemptLogRecord,
  type AttemptStepRecord,
  type DeliveryLogRecord,
  type ExportedAttemptRecord,
  type LogBodyReply,
  type LogDetailRecord,
  type LogStatsRecord,
  type TextPreview,
} from '@wirehook/contracts';
import {
  DURATION_PERCENTILE_RELATIVE_ERROR,
  type AttemptRow,
  type DeliveryAttemptDocument,
  type DeliveryDocument,
  type RollupStats,
} from '@wirehook/delivery-logs';

// Replies carry records, not the public views: config-api builds those, so the public API can
// change without log-service. What stays here is what bounds a reply: previews and bodies cut
// or left for chunked reads so that every reply fits LOG_REPLY_BUDGET_BYTES.

/** Characters of a body the detail carries inline; a longer one is fetched in chunks. */
export const DETAIL_INLINE_BODY_CHARS = 32 * 1024;

/** The first `limit` characters of a text `length` characters long whose stored preview is `preview`. */
function previewWithin(preview: string, length: number, limit: number): TextPreview {
  return { text: preview.slice(0, limit), cut: length > limit };
}

/** Headers while their names and values stay within `limit` characters. */
function headersWithin(headers: Record<string, string>, limit: number): { headers: Record<string, string>; cut: boolean } {
  const kept: Record<string, string> = {};
  let used = 0;
  for (const [name, value] of Object.entries(headers)) {
    used += name.length + value.length;
    if (used > limit) return { headers: kept, cut: true };
    kept[name] = value;
  }
  return { headers: kept, cut: false };
}

const errorOf = (row: Pick<AttemptRow, 'error'>): AttemptLogRecord['error'] => (row.error ? { code: row.error.code, message: row.error.message } : null);

/**
 * An attempt as a list row needs it, with the payload, the response body and the response
 * headers cut to `previewChars` and flagged when cut.
 */
export function toAttemptRecord(row: AttemptRow, previewChars = LOG_PREVIEW_CHARS): AttemptLogRecord {
  let response: AttemptLogRecord['response'] = null;
  if (row.response) {
    const { headers, cut } = headersWithin(row.response.headers, previewChars);
    response = { bodyPreview: previewWithin(row.response.bodyPreview, row.response.bodyLength, previewChars), headers, headersCut: cut };
  }
  return {
    id: row._id,
    tenantId: row.tenantId,
    clientId: row.clientId ?? null,
    endpointId: row.endpointId,
    endpointName: row.endpointName,
    endpointUrl: row.endpointUrl,
    deliveryId: row.deliveryId,
    eventId: row.eventId,
    eventType: row.eventType,
    identifiers: row.identifiers ?? {},
    attempt: row.attempt,
    trigger: row.trigger,
    status: row.status,
    httpStatus: row.httpStatus,
    error: errorOf(row),
    payloadPreview: previewWithin(row.request.bodyPreview, row.request.bodyLength, previewChars),
    response,
    durationMs: row.durationMs,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    completedAt: row.completedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    traceId: row.traceId ?? null,
  };
}

/** Room kept in a reply for what wraps its rows: the cursor, field names, separators. */
export const REPLY_ENVELOPE_BYTES = 2048;

/** Encoded size of a reply. */
const replyBytes = (reply: unknown): number => Buffer.byteLength(JSON.stringify(reply));

/**
 * Attempt records for a list reply that fits {@link LOG_REPLY_BUDGET_BYTES}: previews are cut
 * shorter (and flagged) for text that escapes badly in JSON, such as control characters.
 */
export function attemptRecordsWithin(rows: AttemptRow[]): AttemptLogRecord[] {
  for (let previewChars = LOG_PREVIEW_CHARS; ; previewChars = Math.floor(previewChars / 4)) {
    const records = rows.map((row) => toAttemptRecord(row, previewChars));
    if (previewChars < 16 || replyBytes(records) <= LOG_REPLY_BUDGET_BYTES) return records;
  }
}

/** A delivery with its latest state. */
export function toDeliveryRecord(document: DeliveryDocument): DeliveryLogRecord {
  return {
    id: document._id,
    tenantId: document.tenantId,
    clientId: document.clientId ?? null,
    endpointId: document.endpointId,
    endpointName: document.endpointName,
    endpointUrl: document.endpointUrl,
    eventId: document.eventId,
    eventType: document.eventType,
    identifiers: document.identifiers ?? {},
    status: document.status,
    lastAttempt: document.lastAttempt,
    lastAttemptId: document.lastAttemptId ?? null,
    httpStatus: document.httpStatus,
    lastError: document.lastError,
    nextAttemptAt: document.nextAttemptAt?.toISOString() ?? null,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}

/** A body inline when within `limit` characters, else only its length (fetched in chunks). */
export function bodyReply(text: string, limit: number): LogBodyReply {
  return text.length <= limit ? { text, length: text.length } : { text: null, length: text.length };
}

/** One attempt with its request and response, and the timeline of its delivery. */
export function toDetailRecord(attempt: DeliveryAttemptDocument, payload: string, delivery: DeliveryDocument | null, timeline: AttemptRow[]): LogDetailRecord {
  return {
    attempt: toAttemptRecord(attempt),
    request: { method: attempt.request.method, url: attempt.request.url, headers: attempt.request.headers, body: bodyReply(payload, DETAIL_INLINE_BODY_CHARS) },
    response: attempt.response
      ? {
          status: attempt.response.status,
          headers: attempt.response.headers,
          body: bodyReply(attempt.response.body, DETAIL_INLINE_BODY_CHARS),
          bodyTruncated: attempt.response.bodyTruncated,
        }
      : null,
    delivery: delivery
      ? {
          id: delivery._id,
          status: delivery.status,
          lastAttempt: delivery.lastAttempt,
          nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
          createdAt: delivery.createdAt.toISOString(),
        }
      : null,
    timeline: timeline.map((step): AttemptStepRecord => ({
      id: step._id,
      attempt: step.attempt,
      trigger: step.trigger,
      status: step.status,
      httpStatus: step.httpStatus,
      error: errorOf(step),
      durationMs: step.durationMs,
      createdAt: step.createdAt.toISOString(),
    })),
  };
}

/**
 * An exported attempt for a reply with `room` bytes left: the list row with its payload,
 * response body and headers whole where they fit; a body that does not goes by its length only,
 * for config-api to read in chunks.
 */
export function exportedRecord(
  row: AttemptRow,
  payload: string,
  responseBody: string | undefined,
  room: number,
): { record: ExportedAttemptRecord; bytes: number } {
  const record: ExportedAttemptRecord = {
    attempt: toAttemptRecord(row),
    requestBody: bodyReply(payload, 0),
    responseBody: responseBody === undefined ? null : bodyReply(responseBody, 0),
    responseHeaders: row.response?.headers ?? null,
  };
  let bytes = replyBytes(record);
  for (const [part, text] of [
    ['requestBody', payload],
    ['responseBody', responseBody],
  ] as const) {
    if (text === undefined || text.length === 0) continue;
    const size = replyBytes(text);
    if (bytes + size > room) continue;
    record[part] = { text, length: text.length };
    bytes += size;
  }
  return { record, bytes };
}

/** Statistics read from the hourly rollups, with the error their percentiles are within. */
export function toStatsRecord(stats: RollupStats): LogStatsRecord {
  return {
    coveredFrom: stats.coveredFrom.toISOString(),
    coveredTo: stats.coveredTo.toISOString(),
    attempts: stats.attempts,
    byStatus: { ...stats.byStatus },
    byStatusClass: { ...stats.byStatusClass },
    durationSumMs: stats.durationSumMs,
    durationMs: { ...stats.durationMs },
    durationPercentileError: DURATION_PERCENTILE_RELATIVE_ERROR,
    topEvents: stats.topEvents.map(({ eventType, count }) => ({ eventType, count })),
    topErrorCodes: stats.topErrorCodes.map(({ code, count }) => ({ code, count })),
    hours: stats.hours.map(({ start, attempts, success, p95Ms }) => ({ start, attempts, success, p95Ms })),
  };
}
