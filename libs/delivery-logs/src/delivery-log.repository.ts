import type { Connection, Model, PipelineStage } from 'mongoose';
import type { AttemptRecordedMessage, ListLogsRequestMessage, StatusClass } from '@wirehook/contracts';
import { deliveryAttemptSchema, type DeliveryAttemptDocument } from './attempts/delivery-attempt.schema';
import { deliverySchema, type DeliveryDocument } from './deliveries/delivery.schema';
import { buildLogFilter, buildLogSort, type LogFilterRequest } from './log-query';

const DUPLICATE_KEY = 11000;
const ATTEMPT_FIELDS = { nameField: 'endpointName', urlField: 'endpointUrl', statusClassField: 'statusClass' };
const DELIVERY_FIELDS = { nameField: 'endpointName', urlField: 'endpointUrl' };

/** What an export selects: the filters of the lists. */
export type ExportFilter = LogFilterRequest;

/** Raw statistics of a window; shaped for display by log-service. */
export interface AttemptStats {
  total: number;
  totalDurationMs: number;
  byStatus: Map<string, number>;
  byStatusClass: Map<string, number>;
  topEvents: Array<{ key: string; count: number }>;
  topErrorCodes: Array<{ key: string; count: number }>;
  /** Attempts per hour start (ISO). */
  hours: Map<string, number>;
  successHours: Map<string, number>;
  percentiles: { p50: number | null; p95: number | null; p99: number | null };
}

/** A page of rows and the total number of rows matching the filter. */
export interface LogPageResult<T> {
  rows: T[];
  total: number;
}

/** The attempt id of an attempt record: the unique attempt key. */
export function attemptIdOf(record: Pick<AttemptRecordedMessage, 'deliveryId' | 'attempt'>): string {
  return `${record.deliveryId}_${record.attempt}`;
}

const HOUR_MS = 60 * 60 * 1000;

/** What a secret header value is stored as. */
export const REDACTED = '[redacted]';
/** Header names that carry credentials or session state by definition. */
const SECRET_HEADER_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);
/** Names that announce a secret whatever the prefix (`x-webhook-secret`, `x-auth-token`, `x-password`). */
const SECRET_HEADER_WORDS = /secret|token|passw|credential|session/i;

/**
 * Replaces the values of secret headers by `[redacted]`. The dispatcher already redacts the
 * endpoint's auth and custom headers before a record leaves it; this second pass at the point
 * of storage keeps credentials out of MongoDB even if a producer (a future one, or a response
 * that sets a cookie) forgets. `webhook-signature` stays: an HMAC reveals nothing of the secret
 * and is what a person compares when debugging a verification failure.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      return [name, SECRET_HEADER_NAMES.has(lower) || SECRET_HEADER_WORDS.test(lower) ? REDACTED : value];
    }),
  );
}

/** The status class of a response status, `none` without a response. */
export function statusClassOf(status: number | undefined): StatusClass | 'none' {
  if (status === undefined || status < 200 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

function toAttemptDocument(record: AttemptRecordedMessage): DeliveryAttemptDocument {
  const startedAt = new Date(record.startedAt);
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
    statusClass: statusClassOf(record.response?.status),
    errorCode: record.error?.code ?? null,
    request: { ...record.request, headers: redactHeaders(record.request.headers) },
    response: record.response ? { ...record.response, headers: redactHeaders(record.response.headers) } : null,
    error: record.error ? { ...record.error } : null,
    durationMs: record.durationMs,
    deliveryCreatedAt: new Date(record.deliveryCreatedAt),
    startedAt: new Date(record.startedAt),
    completedAt: new Date(record.completedAt),
    nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
    createdAt: startedAt,
    createdHour: new Date(Math.floor(startedAt.getTime() / HOUR_MS) * HOUR_MS),
  };
}

/** What a delivery never changes after its creation. */
function deliveryIdentity(record: AttemptRecordedMessage): Pick<DeliveryDocument, '_id' | 'tenantId' | 'endpointId' | 'eventId' | 'eventType' | 'identifiers' | 'createdAt'> {
  return {
    _id: record.deliveryId,
    tenantId: record.tenantId,
    endpointId: record.endpointId,
    eventId: record.eventId,
    eventType: record.eventType,
    identifiers: record.identifiers ?? {},
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
    httpStatus: record.response?.status ?? null,
    lastError: record.error?.message ?? null,
    nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
    updatedAt: now,
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
    await this.recordDeliveryStates(records, new Date());
  }

  /**
   * Brings each delivery of the batch to the state of its highest attempt. One read finds which
   * deliveries exist; new ones are created with one unordered insert (the common case: a first
   * attempt), and only deliveries that gained an attempt are updated, one conditional upsert
   * each. Nothing here depends on order or on being alone: a delivery created or advanced by
   * another writer meanwhile ends in a duplicate key on a conditional upsert, which means a
   * state at least as new is stored.
   */
  private async recordDeliveryStates(records: AttemptRecordedMessage[], now: Date): Promise<void> {
    const latest = new Map<string, AttemptRecordedMessage>();
    for (const record of records) {
      const seen = latest.get(record.deliveryId);
      if (!seen || seen.attempt < record.attempt) latest.set(record.deliveryId, record);
    }
    const stored = new Map(
      (await this.deliveries.find({ _id: { $in: [...latest.keys()] } }, { lastAttempt: 1 }).lean<Array<{ _id: string; lastAttempt: number }>>()).map((row) => [
        row._id,
        row.lastAttempt,
      ]),
    );
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
    await this.advanceDeliveries([...advanced, ...raced], now);
  }

  private async advanceDeliveries(records: AttemptRecordedMessage[], now: Date): Promise<void> {
    if (records.length === 0) return;
    const operations = records.map((record) => ({
      updateOne: {
        filter: { _id: record.deliveryId, lastAttempt: { $lt: record.attempt } },
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
    const filter = buildLogFilter(request, ATTEMPT_FIELDS);
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
    const filter = buildLogFilter(request, DELIVERY_FIELDS);
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

  /**
   * Failed deliveries of an endpoint created in a window, each with the body its last attempt
   * sent, oldest first.
   */
  async failedDeliveries(tenantId: string, endpointId: string, from: Date, to: Date, limit: number): Promise<Array<{ delivery: DeliveryDocument; body: string }>> {
    const deliveries = await this.deliveries
      .find({ tenantId, endpointId, status: 'failed', createdAt: { $gte: from, $lte: to } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<DeliveryDocument[]>();
    const attemptIds = deliveries.map((delivery) => delivery.lastAttemptId).filter((id): id is string => id !== null);
    const bodies = new Map(
      (await this.attempts.find({ _id: { $in: attemptIds }, tenantId }, { 'request.body': 1 }).lean<Array<Pick<DeliveryAttemptDocument, '_id' | 'request'>>>()).map(
        (attempt) => [attempt._id, attempt.request.body],
      ),
    );
    return deliveries.flatMap((delivery) => {
      const body = delivery.lastAttemptId ? bodies.get(delivery.lastAttemptId) : undefined;
      return body === undefined ? [] : [{ delivery, body }];
    });
  }

  /** The current state of one delivery of a tenant, or null. */
  async findDelivery(tenantId: string, deliveryId: string): Promise<DeliveryDocument | null> {
    return this.deliveries.findOne({ _id: deliveryId, tenantId }).lean<DeliveryDocument>();
  }

  /**
   * Attempts in time order after a cursor (`<createdAt ms>:<attempt id>`), for exports that
   * walk a large result without deep skips.
   */
  async attemptsAfter(filter: ExportFilter, after: string | undefined, limit: number): Promise<DeliveryAttemptDocument[]> {
    const query = buildLogFilter(filter, ATTEMPT_FIELDS);
    if (after) {
      const separator = after.indexOf(':');
      const at = new Date(Number(after.slice(0, separator)));
      if (separator < 1 || Number.isNaN(at.getTime())) throw new Error(`'${after}' is not an export cursor`);
      const id = after.slice(separator + 1);
      query.$and = [{ $or: [{ createdAt: { $gt: at } }, { createdAt: at, _id: { $gt: id } }] }];
    }
    return this.attempts.find(query).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<DeliveryAttemptDocument[]>();
  }

  /**
   * Counts, rates, duration percentiles, top events and error codes and hourly buckets of a
   * window. Only field-path groupings are used, so any MongoDB-wire server can answer; the
   * percentiles are nearest-rank reads of the duration order.
   */
  async stats(tenantId: string, webhookId: string | undefined, from: Date, to: Date): Promise<AttemptStats> {
    const match: Record<string, unknown> = { tenantId, createdAt: { $gte: from, $lte: to } };
    if (webhookId) match.endpointId = webhookId;
    const countBy = (field: string, extra: PipelineStage.FacetPipelineStage[] = []): PipelineStage.FacetPipelineStage[] => [
      ...extra,
      { $group: { _id: `$${field}`, count: { $sum: 1 } } },
    ];
    const [facets] = await this.attempts.aggregate<Record<string, Array<{ _id: unknown; count: number; total?: number }>>>([
      { $match: match },
      {
        $facet: {
          byStatus: countBy('status'),
          byStatusClass: countBy('statusClass'),
          topEvents: [...countBy('eventType'), { $sort: { count: -1, _id: 1 } }, { $limit: 10 }],
          topErrorCodes: [...countBy('errorCode', [{ $match: { errorCode: { $ne: null } } }]), { $sort: { count: -1, _id: 1 } }, { $limit: 10 }],
          duration: [{ $group: { _id: null, count: { $sum: 1 }, total: { $sum: '$durationMs' } } }],
          hours: countBy('createdHour'),
          successHours: countBy('createdHour', [{ $match: { status: 'success' } }]),
        },
      },
    ]);
    const total = facets.duration[0]?.count ?? 0;
    const percentile = async (p: number): Promise<number | null> => {
      if (total === 0) return null;
      const rank = Math.min(total - 1, Math.max(0, Math.ceil(p * total) - 1));
      const [row] = await this.attempts.find(match, { durationMs: 1 }).sort({ durationMs: 1, _id: 1 }).skip(rank).limit(1).lean<Array<{ durationMs: number }>>();
      return row?.durationMs ?? null;
    };
    const [p50, p95, p99] = await Promise.all([percentile(0.5), percentile(0.95), percentile(0.99)]);
    const toMap = (rows: Array<{ _id: unknown; count: number }>) => new Map(rows.map((row) => [String(row._id instanceof Date ? row._id.toISOString() : row._id), row.count]));
    return {
      total,
      totalDurationMs: facets.duration[0]?.total ?? 0,
      byStatus: toMap(facets.byStatus),
      byStatusClass: toMap(facets.byStatusClass),
      topEvents: facets.topEvents.map((row) => ({ key: String(row._id), count: row.count })),
      topErrorCodes: facets.topErrorCodes.map((row) => ({ key: String(row._id), count: row.count })),
      hours: toMap(facets.hours),
      successHours: toMap(facets.successHours),
      percentiles: { p50, p95, p99 },
    };
  }

  /** The latest attempt of one delivery of a tenant, or null. */
  async findLatestAttempt(tenantId: string, deliveryId: string): Promise<DeliveryAttemptDocument | null> {
    const delivery = await this.findDelivery(tenantId, deliveryId);
    return delivery?.lastAttemptId ? this.findAttempt(tenantId, delivery.lastAttemptId) : null;
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
