import { AttemptErrorCode, DeliveryStatus, type AttemptRecordedMessage } from '@wirehook/contracts';
import { buildAttemptRecord } from '@wirehook/testing';

export const SEED_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.refunded',
  'order.shipped',
  'customer.created',
  'customer.updated',
  'invoice.issued',
  'invoice.paid',
  'resume.parsed',
  'resume.failed',
];
/** The webhooks of the query tenant; `q` searches one of them by a word of its name. */
export const SEED_WEBHOOK_NAMES = ['Billing sync', 'CRM hooks', 'Search indexer', 'Audit trail'];
/** Endpoints each seeded event goes to: they share its payload, stored once. */
export const SEED_FAN_OUT = 2;
const HOUR_MS = 60 * 60 * 1000;
/** Seeded history spans a week, newest now, so the default 24-hour stats window holds a seventh. */
export const SEED_SPAN_MS = 7 * 24 * HOUR_MS;

export interface SeedEndpoint {
  id: string;
  name: string;
  url: string;
}

/** Which seeded event an attempt record belongs to. */
export const seedEventOf = (index: number): number => Math.floor(index / SEED_FAN_OUT);

/** When the attempt record `index` of `total` was made: evenly over the week, newest first. */
export function seedTimeOf(index: number, total: number, now: number): number {
  const events = Math.ceil(total / SEED_FAN_OUT);
  return now - Math.floor((seedEventOf(index) * SEED_SPAN_MS) / events);
}

/** The identifier value an event carries (`q` looks it up exactly). */
export const seedOrderIdOf = (event: number): string => `ord_${event}`;

/**
 * One delivery's only attempt as the dispatcher would have recorded it: 90 % success, 7 % failed
 * (500, 404 or a timeout without a response), 3 % retrying (503); every event goes to
 * {@link SEED_FAN_OUT} endpoints with the same payload; spread over endpoints, event types and a week.
 */
export function seededRecord(tenantId: string, index: number, total: number, endpoints: SeedEndpoint[], now: number): AttemptRecordedMessage {
  const event = seedEventOf(index);
  // Shifted every hundred events so that each endpoint gets every status.
  const endpoint = endpoints[(event + (index % SEED_FAN_OUT) + Math.floor(event / 100)) % endpoints.length];
  const bucket = index % 100;
  const status = bucket < 90 ? DeliveryStatus.success : bucket < 97 ? DeliveryStatus.failed : DeliveryStatus.retrying;
  const httpStatus = status === DeliveryStatus.success ? 200 : status === DeliveryStatus.retrying ? 503 : bucket < 93 ? 500 : bucket < 96 ? 404 : undefined;
  const startedAt = new Date(seedTimeOf(index, total, now));
  const eventType = SEED_EVENT_TYPES[event % SEED_EVENT_TYPES.length];
  const orderId = seedOrderIdOf(event);
  const body = JSON.stringify({
    event: eventType,
    timestamp: startedAt.toISOString(),
    tenantId,
    data: {
      orderId,
      amount: event % 10_000,
      currency: 'EUR',
      customer: { id: `cus_${event % 977}`, country: 'DE' },
      note: 'seeded for the log-query benchmark',
    },
  });
  const durationMs = httpStatus === undefined ? 10_000 : 20 + (index % 180);
  let error: AttemptRecordedMessage['error'];
  if (httpStatus === undefined) error = { code: AttemptErrorCode.timeout, message: 'no response within 10000 ms' };
  else if (status !== DeliveryStatus.success) error = { code: AttemptErrorCode.httpStatus, message: `the endpoint answered ${httpStatus}` };
  return buildAttemptRecord({
    tenantId,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    endpointUrl: endpoint.url,
    eventId: `evt_seed_${event}`,
    eventType,
    identifiers: { orderId },
    status,
    request: { method: 'POST', url: endpoint.url, headers: { 'content-type': 'application/json', 'user-agent': 'wirehook' }, body },
    response:
      httpStatus === undefined
        ? undefined
        : {
            status: httpStatus,
            headers: { 'content-type': 'application/json' },
            body: status === DeliveryStatus.success ? '{"received":true}' : '{"error":"unavailable"}',
            bodyTruncated: false,
          },
    error,
    durationMs,
    deliveryCreatedAt: startedAt.toISOString(),
    startedAt: startedAt.toISOString(),
    completedAt: new Date(startedAt.getTime() + durationMs).toISOString(),
    nextAttemptAt: status === DeliveryStatus.retrying ? new Date(now + HOUR_MS).toISOString() : undefined,
  });
}
