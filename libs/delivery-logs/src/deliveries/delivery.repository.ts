import type { Connection, Model } from 'mongoose';
import { DeliveryStatus, attemptIdOf, pendingAttemptIdOf, type AttemptRecordedMessage, type DeliveriesCreatedMessage } from '@wirehook/contracts';
import type { LogQueryLimits } from '../log-query-limits';
import { payloadIdOf } from '../payloads/event-payload.repository';
import { idsByTenant } from '../shared/ids-by-tenant';
import { insertMissing, isOnlyDuplicateKeys } from '../shared/insert-missing';
import { logRowSource, type LogRowSource } from '../shared/log-rows';
import { DELIVERIES_COLLECTION, DeliveryIndex, deliverySchema, type DeliveryDocument } from './delivery.schema';

/** What a delivery never changes after its creation. */
function deliveryIdentity(
  record: AttemptRecordedMessage,
): Pick<DeliveryDocument, '_id' | 'tenantId' | 'endpointId' | 'eventId' | 'eventType' | 'identifiers' | 'identifierValues' | 'clientId' | 'createdAt'> {
  const identifiers = record.identifiers ?? {};
  return {
    _id: record.deliveryId,
    tenantId: record.tenantId,
    endpointId: record.endpointId,
    eventId: record.eventId,
    eventType: record.eventType,
    identifiers,
    identifierValues: Object.values(identifiers),
    clientId: record.clientId ?? null,
    createdAt: new Date(record.deliveryCreatedAt),
  };
}

/** A delivery's state after an attempt; `updatedAt` is when it got there (retention counts from it). */
function deliveryState(record: AttemptRecordedMessage, now: Date): Omit<DeliveryDocument, keyof ReturnType<typeof deliveryIdentity>> {
  return {
    endpointName: record.endpointName,
    endpointUrl: record.endpointUrl,
    status: record.status,
    lastAttempt: record.attempt,
    lastAttemptId: attemptIdOf(record),
    payloadId: payloadIdOf(record.tenantId, record.request.body),
    httpStatus: record.response?.status ?? null,
    lastError: record.error?.message ?? null,
    nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
    updatedAt: now,
  };
}

/** `deliveries`: one document per event × endpoint with its latest state. Every read names the tenant. */
export class DeliveryRepository {
  private readonly deliveries: Model<DeliveryDocument>;
  /** Rows for the list queries. */
  readonly rows: LogRowSource<DeliveryDocument>;

  constructor(
    connection: Connection,
    private readonly limits: LogQueryLimits,
  ) {
    this.deliveries = connection.model<DeliveryDocument>('Delivery', deliverySchema, DELIVERIES_COLLECTION);
    this.rows = logRowSource(this.deliveries, limits);
  }

  /**
   * Brings each delivery of the batch to the state of its highest attempt. One read finds which
   * deliveries exist; new ones are created with one unordered insert (the common case: a first
   * attempt), and only deliveries that gained an attempt are updated, one conditional upsert
   * each. Nothing here depends on order or on being alone: a delivery created or advanced by
   * another writer meanwhile ends in a duplicate key on a conditional upsert, which means a
   * state at least as new is stored. Every read and write names the tenant, so each routes to
   * one shard. Returns the records whose delivery was (or may have been) pending: not attempted before.
   */
  async recordStates(records: AttemptRecordedMessage[], now: Date): Promise<AttemptRecordedMessage[]> {
    const latest = new Map<string, AttemptRecordedMessage>();
    for (const record of records) {
      const seen = latest.get(record.deliveryId);
      if (!seen || seen.attempt < record.attempt) latest.set(record.deliveryId, record);
    }
    const stored = new Map<string, number>();
    for (const [tenantId, ids] of idsByTenant([...latest.values()], (record) => record.deliveryId)) {
      const rows = await this.deliveries
        .find({ tenantId, _id: { $in: ids } }, { lastAttempt: 1 })
        .hint('_id_')
        .limit(ids.length)
        .lean<Array<{ _id: string; lastAttempt: number }>>();
      rows.forEach((row) => stored.set(row._id, row.lastAttempt));
    }
    const fresh = [...latest.values()].filter((record) => !stored.has(record.deliveryId));
    const advanced = [...latest.values()].filter((record) => (stored.get(record.deliveryId) ?? Infinity) < record.attempt);
    let raced: AttemptRecordedMessage[] = [];
    if (fresh.length > 0) {
      try {
        await this.deliveries.insertMany(
          fresh.map((record) => ({ ...deliveryIdentity(record), ...deliveryState(record, now) })),
          { ordered: false, lean: true },
        );
      } catch (error) {
        if (!isOnlyDuplicateKeys(error)) throw error;
        // Another writer created some of them (or the server stopped at the first duplicate):
        // the conditional upserts settle each one either way.
        raced = fresh;
      }
    }
    await this.advance([...advanced, ...raced], now);
    // A delivery created meanwhile by another writer may have been a pending one too.
    return [...advanced.filter((record) => stored.get(record.deliveryId) === 0), ...raced];
  }

  private async advance(records: AttemptRecordedMessage[], now: Date): Promise<void> {
    if (records.length === 0) return;
    const operations = records.map((record) => ({
      updateOne: {
        filter: { tenantId: record.tenantId, _id: record.deliveryId, lastAttempt: { $lt: record.attempt } },
        update: { $set: deliveryState(record, now), $setOnInsert: deliveryIdentity(record) },
        upsert: true,
      },
    }));
    try {
      await this.deliveries.bulkWrite(operations, { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicateKeys(error)) throw error;
      // Some servers stop at the first error even when unordered: settle the operations one by one.
      for (const operation of operations) {
        await this.deliveries.bulkWrite([operation]).catch((single: unknown) => {
          if (!isOnlyDuplicateKeys(single)) throw single;
        });
      }
    }
  }

  /**
   * Stores deliveries fan-out created as `pending`, unless already stored (an attempt recorded
   * first, or the same message again); returns those this call stored.
   */
  async insertPending(created: DeliveriesCreatedMessage[], now: Date): Promise<DeliveryDocument[]> {
    const documents = created.flatMap((event) =>
      event.deliveries.map((delivery): DeliveryDocument => {
        const identifiers = event.identifiers ?? {};
        return {
          _id: delivery.deliveryId,
          tenantId: event.tenantId,
          endpointId: delivery.endpointId,
          endpointName: delivery.endpointName,
          endpointUrl: delivery.endpointUrl,
          eventId: event.eventId,
          eventType: event.eventType,
          identifiers,
          identifierValues: Object.values(identifiers),
          clientId: event.clientId ?? null,
          status: DeliveryStatus.pending,
          lastAttempt: 0,
          lastAttemptId: pendingAttemptIdOf(delivery.deliveryId),
          payloadId: null,
          httpStatus: null,
          lastError: null,
          nextAttemptAt: null,
          createdAt: new Date(event.createdAt),
          updatedAt: now,
        };
      }),
    );
    return insertMissing(this.deliveries, documents);
  }

  /** The current state of one delivery of a tenant, or null. */
  async find(tenantId: string, deliveryId: string): Promise<DeliveryDocument | null> {
    return this.deliveries.findOne({ tenantId, _id: deliveryId }).hint('_id_').maxTimeMS(this.limits.maxTimeMs).lean<DeliveryDocument>();
  }

  /**
   * Failed deliveries of an endpoint created in a window, oldest first, after a row key
   * (`createdAt`, `_id`) when continuing.
   */
  async failedOfEndpoint(
    tenantId: string,
    endpointId: string,
    window: { from: Date; to: Date },
    after: { createdAt: Date; id: string } | undefined,
    limit: number,
  ): Promise<DeliveryDocument[]> {
    const filter: Record<string, unknown> = { tenantId, endpointId, status: 'failed', createdAt: { $gte: after?.createdAt ?? window.from, $lte: window.to } };
    if (after) filter.$or = [{ createdAt: { $gt: after.createdAt } }, { _id: { $gt: after.id } }];
    return this.deliveries
      .find(filter)
      .sort({ createdAt: 1, _id: 1 })
      .hint(DeliveryIndex.endpointStatusTime)
      .limit(limit)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<DeliveryDocument[]>();
  }

  /** Tenants that have deliveries (retention walks them). */
  async tenants(): Promise<string[]> {
    return ((await this.deliveries.distinct('tenantId')) as string[]).sort();
  }

  /**
   * The oldest deliveries of a tenant in a final state last updated before `cutoff`, at most
   * `limit`, starting at `from` (created at or after it) without the ids in `skipIds`.
   * `createdAt < cutoff` is implied by `updatedAt < cutoff`; it is there so the index bounds the scan.
   */
  async expired(
    tenantId: string,
    status: string,
    cutoff: Date,
    start: { createdAt: Date; skipIds: string[] } | undefined,
    limit: number,
  ): Promise<Array<{ _id: string; createdAt: Date }>> {
    const filter: Record<string, unknown> = {
      tenantId,
      status,
      createdAt: start ? { $gte: start.createdAt, $lt: cutoff } : { $lt: cutoff },
      updatedAt: { $lt: cutoff },
    };
    if (start && start.skipIds.length > 0) filter._id = { $nin: start.skipIds };
    return this.deliveries
      .find(filter, { _id: 1, createdAt: 1 })
      .sort({ createdAt: 1 })
      .hint(DeliveryIndex.statusTime)
      .limit(limit)
      .lean<Array<{ _id: string; createdAt: Date }>>();
  }

  /** Deletes these deliveries of a tenant if still in `status` and last updated before `cutoff`; returns how many went. */
  async deleteExpired(tenantId: string, status: string, ids: string[], cutoff: Date): Promise<number> {
    return (await this.deliveries.deleteMany({ tenantId, _id: { $in: ids }, status, updatedAt: { $lt: cutoff } })).deletedCount;
  }
}
