import type { AttemptLogView, DeliveryLogView } from '@wirehook/contracts';
import type { DeliveryAttemptDocument, DeliveryDocument } from '@wirehook/delivery-logs';

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
