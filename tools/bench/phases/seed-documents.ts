import { AttemptErrorCode, AttemptTrigger, DeliveryStatus } from '@wirehook/contracts';
import { attemptIdOf, statusClassOf, type DeliveryAttemptDocument, type DeliveryDocument } from '@wirehook/delivery-logs';

export const SEED_EVENT_TYPES = [
  'order.created', 'order.paid', 'order.refunded', 'order.shipped', 'customer.created',
  'customer.updated', 'invoice.issued', 'invoice.paid', 'resume.parsed', 'resume.failed',
];
const HOUR_MS = 60 * 60 * 1000;
/** Seeded history spans a week, newest now, so the default 24-hour stats window holds a seventh. */
const SPAN_MS = 7 * 24 * HOUR_MS;

export interface SeedEndpoint {
  id: string;
  name: string;
  url: string;
}

/**
 * One delivery and its (single) attempt as log-service would have written them: 90 % success,
 * 7 % failed (404/500), 3 % retrying (503), spread over endpoints, event types and a week.
 */
export function seededDelivery(tenantId: string, index: number, total: number, endpoints: SeedEndpoint[], now: number): { attempt: DeliveryAttemptDocument; delivery: DeliveryDocument } {
  // Shifted every hundred so that each endpoint gets every status.
  const endpoint = endpoints[(index + Math.floor(index / 100)) % endpoints.length];
  const bucket = index % 100;
  const status = bucket < 90 ? DeliveryStatus.success : bucket < 97 ? DeliveryStatus.failed : DeliveryStatus.retrying;
  const httpStatus = status === DeliveryStatus.success ? 200 : status === DeliveryStatus.retrying ? 503 : bucket % 2 === 0 ? 404 : 500;
  const createdAt = new Date(now - Math.floor((index * SPAN_MS) / total));
  const deliveryId = `msg_seed${index.toString(36).padStart(22, '0')}`;
  const eventType = SEED_EVENT_TYPES[index % SEED_EVENT_TYPES.length];
  const body = JSON.stringify({ event: eventType, timestamp: createdAt.toISOString(), tenantId, data: { orderId: `ord_${index}`, amount: index % 10_000 } });
  const error = status === DeliveryStatus.success ? null : { code: AttemptErrorCode.httpStatus, message: `the endpoint answered ${httpStatus}` };
  const durationMs = 20 + (index % 180);
  const attempt: DeliveryAttemptDocument = {
    _id: attemptIdOf({ deliveryId, attempt: 1 }),
    tenantId,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    endpointUrl: endpoint.url,
    deliveryId,
    eventId: `evt_seed_${index}`,
    eventType,
    identifiers: { orderId: `ord_${index}` },
    attempt: 1,
    trigger: AttemptTrigger.auto,
    status,
    httpStatus,
    statusClass: statusClassOf(httpStatus),
    errorCode: error?.code ?? null,
    request: { method: 'POST', url: endpoint.url, headers: { 'content-type': 'application/json', 'webhook-id': deliveryId }, body },
    response: { status: httpStatus, headers: { 'content-type': 'application/json' }, body: '{"received":true}', bodyTruncated: false },
    error,
    durationMs,
    deliveryCreatedAt: createdAt,
    startedAt: createdAt,
    completedAt: new Date(createdAt.getTime() + durationMs),
    nextAttemptAt: status === DeliveryStatus.retrying ? new Date(now + HOUR_MS) : null,
    createdAt,
    createdHour: new Date(Math.floor(createdAt.getTime() / HOUR_MS) * HOUR_MS),
  };
  const delivery: DeliveryDocument = {
    _id: deliveryId,
    tenantId,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    endpointUrl: endpoint.url,
    eventId: attempt.eventId,
    eventType,
    identifiers: attempt.identifiers,
    status,
    lastAttempt: 1,
    lastAttemptId: attempt._id,
    httpStatus,
    lastError: error?.message ?? null,
    nextAttemptAt: attempt.nextAttemptAt,
    createdAt,
    updatedAt: attempt.completedAt,
  };
  return { attempt, delivery };
}
