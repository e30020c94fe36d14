import type { Connection, Model } from 'mongoose';
import type { AttemptRecordedMessage, ListLogsRequestMessage } from '@wirehook/contracts';
import { deliveryAttemptSchema, type DeliveryAttemptDocument } from './delivery-attempts/delivery-attempt.schema';
import { deliverySchema, type DeliveryDocument } from './deliveries/delivery.schema';
import { buildLogFilter, buildLogSort } from './log-query';

const DUPLICATE_KEY = 11000;

/** A page of rows and the total number of rows matching the filter. */
export interface LogPageResult<T> {
  rows: T[];
  total: number;
}

/** The attempt id of an attempt record: the unique attempt key. */
export function attemptIdOf(record: Pick<AttemptRecordedMessage, 'deliveryId' | 'attempt'>): string {
  return `${record.deliveryId}_${record.attempt}`;
}

function toAttemptDocument(record: AttemptRecordedMessage): DeliveryAttemptDocument {
  return {
    _id: attemptIdOf(record),
    tenantId: record.tenantId,
    endpointId: record.endpointId,
    endpointName: record.endpointName,
    endpointUrl: record.endpointUrl,
    deliveryId: record.deliveryId,
    eventId: record.eventId,
    eventType: record.eventType,
    identifiers: record.identifiers ?? {},
    attempt: record.attempt,
    trigger: record.trigger,
    status: record.status,
    httpStatus: record.response?.status ?? null,
    request: { ...record.request },
    response: record.response ? { ...record.response } : null,
    error: record.error ? { ...record.error } : null,
    durationMs: record.durationMs,
    deliveryCreatedAt: new Date(record.deliveryCreatedAt),
    startedAt: new Date(record.startedAt),
    completedAt: new Date(record.completedAt),
    nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
    createdAt: new Date(record.startedAt),
  };
}

function isOnlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every((writeError) => (writeError.code ?? writeError.err?.code) === DUPLICATE_KEY);
  }
  return (error as { code?: number }).code === DUPLICATE_KEY;
}

/**
 * Delivery logs in MongoDB: `delivery_attempts` (one document per attempt) and `deliveries`
 * (one per event × endpoint, latest state). Every read takes the tenant, so no query can cross
 * tenants.
 */
export class DeliveryLogRepository {
  readonly attempts: Model<DeliveryAttemptDocument>;
  readonly deliveries: Model<DeliveryDocument>;

  constructor(connection: Connection) {
    this.attempts = connection.model<DeliveryAttemptDocument>('DeliveryAttempt', deliveryAttemptSchema);
    this.deliveries = connection.model<DeliveryDocument>('Delivery', deliverySchema);
  }

  /** Creates the collections' indexes (idempotent). */
  async ensureIndexes(): Promise<void> {
    await this.attempts.createIndexes();
    await this.deliveries.createIndexes();
  }

  /**
   * Writes a batch of attempt records. Attempts already stored (same delivery and attempt
   * number) count as written, so a replayed batch is harmless. A delivery's state follows its
   * highest attempt number, whatever order records arrive in.
   */
  async recordAttempts(records: AttemptRecordedMessage[]): Promise<void> {
    if (records.length === 0) return;
    await this.insertMissingAttempts(records.map(toAttemptDocument));
    const now = new Date();
    await this.deliveries.bulkWrite(
      records.flatMap((record) => [
        {
          updateOne: {
            filter: { _id: record.deliveryId },
            update: {
              $setOnInsert: {
                tenantId: record.tenantId,
                endpointId: record.endpointId,
                eventId: record.eventId,
                eventType: record.eventType,
                identifiers: record.identifiers ?? {},
                createdAt: new Date(record.deliveryCreatedAt),
                lastAttempt: 0,
              },
            },
            upsert: true,
          },
        },
        {
          updateOne: {
            filter: { _id: record.deliveryId, lastAttempt: { $lt: record.attempt } },
            update: {
              $set: {
                endpointName: record.endpointName,
                endpointUrl: record.endpointUrl,
                status: record.status,
                lastAttempt: record.attempt,
                lastAttemptId: attemptIdOf(record),
                httpStatus: record.response?.status ?? null,
                lastError: record.error?.message ?? null,
                nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
                updatedAt: now,
              },
            },
          },
        },
      ]),
      { ordered: true },
    );
  }

  /**
   * Unordered insert; a duplicate key means the attempt is already stored. Some MongoDB-wire
   * servers stop at the first duplicate even when unordered, so after one the batch is checked
   * and whatever is still missing is inserted.
   */
  private async insertMissingAttempts(documents: DeliveryAttemptDocument[]): Promise<void> {
    let pending = documents;
    while (pending.length > 0) {
      try {
        await this.attempts.insertMany(pending, { ordered: false, lean: true });
        return;
      } catch (error) {
        if (!isOnlyDuplicateKeys(error)) throw error;
      }
      const ids = pending.map((document) => document._id);
      const stored = new Set((await this.attempts.find({ _id: { $in: ids } }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((row) => row._id));
      const missing = pending.filter((document) => !stored.has(document._id));
      if (missing.length === pending.length) throw new Error('duplicate key on a delivery attempt that is not stored');
      pending = missing;
    }
  }

  /** One page of attempts matching the request, newest first unless asked otherwise. */
  async listAttempts(request: ListLogsRequestMessage): Promise<LogPageResult<DeliveryAttemptDocument>> {
    const filter = buildLogFilter(request, { nameField: 'endpointName', urlField: 'endpointUrl' });
    const [rows, total] = await Promise.all([
      this.attempts
        .find(filter)
        .sort(buildLogSort(request))
        .skip((request.page - 1) * request.perPage)
        .limit(request.perPage)
        .lean<DeliveryAttemptDocument[]>(),
      this.attempts.countDocuments(filter),
    ]);
    return { rows, total };
  }

  /** One page of deliveries with their latest state. */
  async listDeliveries(request: ListLogsRequestMessage): Promise<LogPageResult<DeliveryDocument>> {
    const filter = buildLogFilter(request, { nameField: 'endpointName', urlField: 'endpointUrl' });
    const [rows, total] = await Promise.all([
      this.deliveries
        .find(filter)
        .sort(buildLogSort(request))
        .skip((request.page - 1) * request.perPage)
        .limit(request.perPage)
        .lean<DeliveryDocument[]>(),
      this.deliveries.countDocuments(filter),
    ]);
    return { rows, total };
  }

  /** One attempt of a tenant, or null. */
  async findAttempt(tenantId: string, attemptId: string): Promise<DeliveryAttemptDocument | null> {
    return this.attempts.findOne({ _id: attemptId, tenantId }).lean<DeliveryAttemptDocument>();
  }

  /** Every attempt of one delivery of a tenant, first attempt first. */
  async attemptsOfDelivery(tenantId: string, deliveryId: string): Promise<DeliveryAttemptDocument[]> {
    return this.attempts.find({ deliveryId, tenantId }).sort({ attempt: 1 }).lean<DeliveryAttemptDocument[]>();
  }
}
