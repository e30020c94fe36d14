import type { Collection, Connection } from 'mongoose';
import { attemptIdOf, type DeliveryStatus } from '@wirehook/contracts';
import {
  DELIVERIES_COLLECTION,
  DELIVERY_ATTEMPTS_COLLECTION,
  payloadIdOf,
  statusClassOf,
  type DeliveryAttemptDocument,
  type DeliveryDocument,
} from '@wirehook/delivery-logs';
import { buildAttemptRecord } from '@wirehook/testing';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The delivery-log collections as they are, read and written without the repositories. */
export interface LogCollections {
  attempts: Collection;
  deliveries: Collection;
}

export function logCollectionsOf(connection: Connection): LogCollections {
  return { attempts: connection.collection(DELIVERY_ATTEMPTS_COLLECTION), deliveries: connection.collection(DELIVERIES_COLLECTION) };
}

/** One delivery to seed: its tenant, state, and how long ago it reached that state. */
export interface SeedSpec {
  tenantId: string;
  status: DeliveryStatus;
  /** Days since the delivery was last updated (reached its state). */
  ageDays: number;
  /** Days since it was created; defaults to `ageDays` plus an hour. */
  createdDaysAgo?: number;
  attempts?: number;
}

export interface SeededDelivery extends SeedSpec {
  id: string;
  attemptIds: string[];
}

/**
 * Writes deliveries and their attempts as log-service stores them, with chosen ages. Straight
 * `insertMany` (one write command per collection) rather than `recordAttempts`, whose per-record
 * upserts the MongoDB-wire test server makes slow at these volumes.
 */
export async function seedDeliveries(repository: LogCollections, specs: SeedSpec[], now = new Date()): Promise<SeededDelivery[]> {
  const deliveries: DeliveryDocument[] = [];
  const attempts: DeliveryAttemptDocument[] = [];
  const seeded: SeededDelivery[] = [];
  for (const spec of specs) {
    const record = buildAttemptRecord({ tenantId: spec.tenantId, status: spec.status });
    const updatedAt = new Date(now.getTime() - spec.ageDays * DAY_MS);
    const createdAt = new Date(now.getTime() - (spec.createdDaysAgo ?? spec.ageDays) * DAY_MS - 60 * 60 * 1000);
    const count = spec.attempts ?? 2;
    const attemptIds: string[] = [];
    for (let attempt = 1; attempt <= count; attempt += 1) {
      const id = attemptIdOf({ deliveryId: record.deliveryId, attempt });
      attemptIds.push(id);
      // Attempts happen between creation and the last update.
      const startedAt = new Date(createdAt.getTime() + ((updatedAt.getTime() - createdAt.getTime()) * attempt) / (count + 1));
      const httpStatus = attempt === count && spec.status === 'success' ? 200 : 500;
      attempts.push({
        _id: id,
        tenantId: spec.tenantId,
        endpointId: record.endpointId,
        endpointName: record.endpointName,
        endpointUrl: record.endpointUrl,
        deliveryId: record.deliveryId,
        eventId: record.eventId,
        eventType: record.eventType,
        identifiers: record.identifiers ?? {},
        identifierValues: Object.values(record.identifiers ?? {}),
        clientId: null,
        attempt,
        trigger: 'auto',
        status: attempt === count ? spec.status : 'retrying',
        httpStatus,
        statusClass: statusClassOf(httpStatus),
        payloadId: payloadIdOf(spec.tenantId, record.request.body),
        request: {
          method: record.request.method,
          url: record.request.url,
          headers: record.request.headers,
          bodyLength: record.request.body.length,
          bodyPreview: record.request.body,
        },
        response: null,
        error: null,
        durationMs: 42,
        deliveryCreatedAt: createdAt,
        startedAt,
        completedAt: new Date(startedAt.getTime() + 42),
        nextAttemptAt: null,
        createdAt: startedAt,
      });
    }
    deliveries.push({
      _id: record.deliveryId,
      tenantId: spec.tenantId,
      endpointId: record.endpointId,
      endpointName: record.endpointName,
      endpointUrl: record.endpointUrl,
      eventId: record.eventId,
      eventType: record.eventType,
      identifiers: record.identifiers ?? {},
      identifierValues: Object.values(record.identifiers ?? {}),
      clientId: null,
      status: spec.status,
      lastAttempt: count,
      lastAttemptId: attemptIds[count - 1] ?? null,
      payloadId: payloadIdOf(spec.tenantId, record.request.body),
      httpStatus: spec.status === 'success' ? 200 : 500,
      lastError: null,
      nextAttemptAt: null,
      createdAt,
      updatedAt,
    });
    seeded.push({ ...spec, id: record.deliveryId, attemptIds });
  }
  if (attempts.length > 0) await repository.attempts.insertMany(attempts as unknown as Array<Record<string, unknown>>);
  if (deliveries.length > 0) await repository.deliveries.insertMany(deliveries as unknown as Array<Record<string, unknown>>);
  return seeded;
}

/** Every stored delivery id and attempt id, sorted, and the attempts whose delivery is gone. */
export async function storedLogs(repository: LogCollections): Promise<{ deliveries: string[]; attempts: string[]; orphanAttempts: string[] }> {
  const deliveries = (await repository.deliveries.find({}, { projection: { _id: 1 } }).toArray()).map((row) => String(row._id)).sort();
  const attemptRows = (await repository.attempts.find({}, { projection: { _id: 1, deliveryId: 1 } }).toArray()) as unknown as Array<{
    _id: string;
    deliveryId: string;
  }>;
  const known = new Set(deliveries);
  return {
    deliveries,
    attempts: attemptRows.map((row) => row._id).sort(),
    orphanAttempts: attemptRows
      .filter((row) => !known.has(row.deliveryId))
      .map((row) => row._id)
      .sort(),
  };
}

/** What must remain when exactly `kept` survive: their ids and all their attempts. */
export function expectedLogs(kept: SeededDelivery[]): { deliveries: string[]; attempts: string[]; orphanAttempts: string[] } {
  return {
    deliveries: kept.map((delivery) => delivery.id).sort(),
    attempts: kept.flatMap((delivery) => delivery.attemptIds).sort(),
    orphanAttempts: [],
  };
}

/** Deletes every delivery log, policy and lease, so each test starts empty. */
export async function clearCollections(repository: LogCollections, others: Array<{ deleteMany(filter: object): PromiseLike<unknown> }> = []): Promise<void> {
  await repository.attempts.deleteMany({});
  await repository.deliveries.deleteMany({});
  for (const other of others) await other.deleteMany({});
}
