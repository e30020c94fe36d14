import type { Connection } from 'mongoose';
import { AttemptErrorCode, DeliveryStatus, attemptIdOf, type AttemptRecordedMessage } from '@wirehook/contracts';
import { buildAttemptRecord } from '@wirehook/testing';
import {
  DELIVERIES_COLLECTION,
  DELIVERY_ATTEMPTS_COLLECTION,
  EVENT_PAYLOADS_COLLECTION,
  payloadIdOf,
  statusClassOf,
  type DeliveryAttemptDocument,
  type DeliveryDocument,
  type DeliveryLogs,
  type EventPayloadDocument,
} from '../../../src';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Documents per unordered insert. */
const INSERT_BATCH = 10_000;
/** Endpoints each event goes to; they share its payload. */
const FAN_OUT = 2;
/** Events that share a `batchId`: an identifier value matching about a thousand attempts. */
const EVENTS_PER_BATCH_ID = 500;

export const PLAN_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.refunded',
  'order.shipped',
  'order.cancelled',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'invoice.issued',
  'invoice.paid',
  'invoice.overdue',
  'payment.captured',
  'payment.failed',
  'shipment.created',
  'shipment.delivered',
  'resume.parsed',
  'resume.failed',
  'resume.bulk_upload_parse.started',
  'resume.bulk_upload_parse.finished',
  'user.signed_up',
];
const WEBHOOK_NAMES = ['Billing sync', 'Billing EU', 'CRM hooks', 'Search indexer', 'Audit trail', 'Warehouse', 'Data lake', 'Slack alerts'];

export interface PlanEndpoint {
  id: string;
  name: string;
  url: string;
}

/** One tenant's seeded history. */
export interface TenantHistory {
  tenantId: string;
  endpoints: PlanEndpoint[];
  /** Attempts of the direct seed (at least the number asked for), and the deliveries holding them. */
  attempts: number;
  deliveries: number;
}

/** What one delivery's attempts looked like: each entry the response status (null: none) and the delivery's status after it. */
type Outcome = Array<[number | null, DeliveryStatus]>;

/** 90 % succeed at once, 5 % fail after three attempts, 3 % still retry after two, 2 % after one. */
function outcomeOf(delivery: number): Outcome {
  const roll = (delivery * 2_654_435_761) % 100;
  if (roll < 90) return [[[200, 201, 204][delivery % 3], DeliveryStatus.success]];
  if (roll < 95)
    return [
      [500, DeliveryStatus.retrying],
      [503, DeliveryStatus.retrying],
      [[500, 404, null][delivery % 3], DeliveryStatus.failed],
    ];
  if (roll < 98)
    return [
      [503, DeliveryStatus.retrying],
      [null, DeliveryStatus.retrying],
    ];
  return [[429, DeliveryStatus.retrying]];
}

function planEndpoints(tenantId: string): PlanEndpoint[] {
  return WEBHOOK_NAMES.map((name, index) => ({
    id: `ep_${`${tenantId}${String(index).padStart(3, '0')}`.padEnd(24, '0')}`,
    name,
    url: `https://${tenantId}.example.com/hooks/${index}`,
  }));
}

/** The identifier values of an event: its own order id, and a batch id shared with {@link EVENTS_PER_BATCH_ID} events. */
export function identifiersOf(tenantId: string, event: number): Record<string, string> {
  return { orderId: `ord_${tenantId}_${event}`, batchId: `batch-${tenantId}-${Math.floor(event / EVENTS_PER_BATCH_ID)}` };
}

export const eventIdOf = (tenantId: string, event: number): string => `evt_${tenantId}_${event}`;
/** The event a delivery of the direct seed belongs to. */
export const eventOfDelivery = (delivery: number): number => Math.floor(delivery / FAN_OUT);
/** Delivery ids of the direct seed: `msg_` and 26 characters, a tenant letter first so tenants never share one. */
export const deliveryIdOf = (tenantId: string, delivery: number): string => `msg_${tenantId[0]}${delivery.toString(36).padStart(25, '0')}`;

interface SeedBatch {
  attempts: DeliveryAttemptDocument[];
  deliveries: DeliveryDocument[];
  payloads: EventPayloadDocument[];
}

/** One delivery's documents, as the recorder would have written them. */
function deliveryDocuments({ tenantId, endpoints }: TenantHistory, delivery: number, createdAt: Date, into: SeedBatch): void {
  const event = eventOfDelivery(delivery);
  const endpoint = endpoints[(event * 7 + (delivery % FAN_OUT)) % endpoints.length];
  const eventType = PLAN_EVENT_TYPES[event % PLAN_EVENT_TYPES.length];
  const identifiers = identifiersOf(tenantId, event);
  const body = JSON.stringify({ type: eventType, data: { ...identifiers, amount: event % 10_000, currency: 'EUR' } });
  const payloadId = payloadIdOf(tenantId, body);
  if (delivery % FAN_OUT === 0) into.payloads.push({ _id: payloadId, tenantId, body, createdAt, lastUsedAt: createdAt });
  const deliveryId = deliveryIdOf(tenantId, delivery);
  const outcome = outcomeOf(delivery);
  const common = {
    tenantId,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    endpointUrl: endpoint.url,
    eventId: eventIdOf(tenantId, event),
    eventType,
    identifiers,
    identifierValues: Object.values(identifiers),
    clientId: null,
  };
  let last: DeliveryAttemptDocument | undefined;
  outcome.forEach(([httpStatus, status], index) => {
    const attempt = index + 1;
    const startedAt = new Date(createdAt.getTime() + index * 5 * MINUTE_MS);
    const durationMs = httpStatus === null ? 10_000 : 20 + (delivery % 300);
    const responseBody = status === DeliveryStatus.success ? '{"received":true}' : '{"error":"try again later"}';
    last = {
      ...common,
      _id: attemptIdOf({ deliveryId, attempt }),
      deliveryId,
      attempt,
      trigger: 'auto',
      status,
      httpStatus,
      statusClass: statusClassOf(httpStatus ?? undefined),
      payloadId,
      request: {
        method: 'POST',
        url: endpoint.url,
        headers: { 'content-type': 'application/json', 'webhook-id': deliveryId },
        bodyLength: body.length,
        bodyPreview: body,
      },
      response:
        httpStatus === null
          ? null
          : {
              status: httpStatus,
              headers: { 'content-type': 'application/json' },
              body: responseBody,
              bodyTruncated: false,
              bodyLength: responseBody.length,
              bodyPreview: responseBody,
            },
      error:
        status === DeliveryStatus.success
          ? null
          : httpStatus === null
            ? { code: AttemptErrorCode.timeout, message: 'no response within 10000 ms' }
            : { code: AttemptErrorCode.httpStatus, message: `the endpoint answered ${httpStatus}` },
      durationMs,
      deliveryCreatedAt: createdAt,
      startedAt,
      completedAt: new Date(startedAt.getTime() + durationMs),
      nextAttemptAt: status === DeliveryStatus.retrying ? new Date(startedAt.getTime() + 10 * MINUTE_MS) : null,
      createdAt: startedAt,
    };
    into.attempts.push(last);
  });
  if (!last) throw new Error('a delivery without attempts');
  into.deliveries.push({
    ...common,
    _id: deliveryId,
    status: last.status,
    lastAttempt: last.attempt,
    lastAttemptId: last._id,
    payloadId,
    httpStatus: last.httpStatus,
    lastError: last.error?.message ?? null,
    nextAttemptAt: last.nextAttemptAt,
    createdAt,
    updatedAt: last.completedAt,
  });
}

/** The history of one tenant with about `attempts` attempts: its endpoints, and how many deliveries hold them. */
export function planHistory(tenantId: string, attempts: number): TenantHistory {
  let deliveries = 0;
  let seeded = 0;
  for (; seeded < attempts; deliveries += 1) seeded += outcomeOf(deliveries).length;
  return { tenantId, endpoints: planEndpoints(tenantId), attempts: seeded, deliveries };
}

/**
 * Inserts a tenant's history over `days` days before `now` (newest first): its deliveries, their
 * attempts and payloads, built directly in the stored shapes (the recorder would take hours for a
 * million), in large unordered batches.
 */
export async function insertHistory(connection: Connection, history: TenantHistory, days: number, now: Date): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  // The newest delivery's last attempt (10 minutes after it) still lies before `now`.
  const newest = now.getTime() - 30 * MINUTE_MS;
  let batch: SeedBatch = { attempts: [], deliveries: [], payloads: [] };
  const flush = async () => {
    const { attempts, deliveries, payloads } = batch;
    batch = { attempts: [], deliveries: [], payloads: [] };
    await Promise.all([
      db.collection<DeliveryAttemptDocument>(DELIVERY_ATTEMPTS_COLLECTION).insertMany(attempts, { ordered: false }),
      db.collection<DeliveryDocument>(DELIVERIES_COLLECTION).insertMany(deliveries, { ordered: false }),
      payloads.length > 0 ? db.collection<EventPayloadDocument>(EVENT_PAYLOADS_COLLECTION).insertMany(payloads, { ordered: false }) : undefined,
    ]);
  };
  for (let delivery = 0; delivery < history.deliveries; delivery += 1) {
    const createdAt = new Date(newest - Math.floor((delivery * days * DAY_MS) / history.deliveries));
    deliveryDocuments(history, delivery, createdAt, batch);
    if (batch.attempts.length >= INSERT_BATCH) await flush();
  }
  if (batch.attempts.length > 0) await flush();
}

/**
 * Records `count` attempts of a tenant's endpoints over the week before `now` through the
 * recorder, as log-service writes them: payloads, attempts, deliveries, and what only the
 * recorder writes, the hourly rollups and the catalog of event types (every type of the history).
 */
export async function recordRecentAttempts(logs: DeliveryLogs, history: TenantHistory, count: number, now: Date): Promise<void> {
  const records: AttemptRecordedMessage[] = Array.from({ length: count }, (_, index) => {
    const endpoint = history.endpoints[index % history.endpoints.length];
    const startedAt = new Date(now.getTime() - 1000 - Math.floor((index * 7 * DAY_MS) / count));
    const failed = index % 20 === 0;
    const eventType = PLAN_EVENT_TYPES[index % PLAN_EVENT_TYPES.length];
    return buildAttemptRecord({
      tenantId: history.tenantId,
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      endpointUrl: endpoint.url,
      eventId: `evt_recorded_${history.tenantId}_${index}`,
      eventType,
      identifiers: { orderId: `ord_recorded_${index}` },
      status: failed ? DeliveryStatus.failed : DeliveryStatus.success,
      request: { method: 'POST', url: endpoint.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: eventType, index }) },
      error: failed ? { code: AttemptErrorCode.httpStatus, message: 'the endpoint answered 500' } : undefined,
      durationMs: 15 + (index % 400),
      deliveryCreatedAt: startedAt.toISOString(),
      startedAt: startedAt.toISOString(),
      completedAt: new Date(startedAt.getTime() + 15 + (index % 400)).toISOString(),
    });
  });
  for (let start = 0; start < records.length; start += 1000) await logs.recorder.record(records.slice(start, start + 1000));
}
