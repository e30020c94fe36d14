import type { Connection, Model } from 'mongoose';
import { MAX_ATTEMPTS_PER_DELIVERY, pendingAttemptIdOf } from '@wirehook/contracts';
import type { LogQueryLimits } from '../log-query-limits';
import { insertMissing } from '../shared/insert-missing';
import { logRowSource, type LogRowSource } from '../shared/log-rows';
import { AttemptIndex, DELIVERY_ATTEMPTS_COLLECTION, deliveryAttemptSchema, type DeliveryAttemptDocument } from './delivery-attempt.schema';

/** What list rows read of an attempt: everything but the whole response body. */
export const ATTEMPT_ROW_PROJECTION = { 'response.body': 0 } as const;
/** An attempt as list rows read it. */
export type AttemptRow = Omit<DeliveryAttemptDocument, 'response'> & { response: Omit<NonNullable<DeliveryAttemptDocument['response']>, 'body'> | null };

/** `delivery_attempts`: one small document per attempt. Every read names the tenant. */
export class DeliveryAttemptRepository {
  private readonly attempts: Model<DeliveryAttemptDocument>;
  /** Rows for the list queries. */
  readonly rows: LogRowSource<AttemptRow>;

  constructor(
    connection: Connection,
    private readonly limits: LogQueryLimits,
  ) {
    this.attempts = connection.model<DeliveryAttemptDocument>('DeliveryAttempt', deliveryAttemptSchema, DELIVERY_ATTEMPTS_COLLECTION);
    this.rows = logRowSource(this.attempts as unknown as Model<AttemptRow>, limits);
  }

  /** Inserts the attempts not stored yet; returns exactly those inserted by this call. */
  async insertMissing(documents: DeliveryAttemptDocument[]): Promise<DeliveryAttemptDocument[]> {
    return insertMissing(this.attempts, documents);
  }

  /** Removes the pending rows of these deliveries of a tenant (they have been attempted). */
  async deletePendingRows(tenantId: string, deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.attempts.deleteMany({ tenantId, _id: { $in: deliveryIds.map(pendingAttemptIdOf) } });
  }

  /** One attempt of a tenant in full, or null. */
  async find(tenantId: string, attemptId: string): Promise<DeliveryAttemptDocument | null> {
    return this.attempts.findOne({ tenantId, _id: attemptId }).hint('_id_').maxTimeMS(this.limits.maxTimeMs).lean<DeliveryAttemptDocument>();
  }

  /** Every attempt of one delivery of a tenant, first attempt first, without response bodies. */
  async ofDelivery(tenantId: string, deliveryId: string): Promise<AttemptRow[]> {
    return this.attempts
      .find({ tenantId, deliveryId }, ATTEMPT_ROW_PROJECTION)
      .sort({ attempt: 1 })
      .hint(AttemptIndex.deliveryAttempt)
      .limit(MAX_ATTEMPTS_PER_DELIVERY)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<AttemptRow[]>();
  }

  /** The payload id of one attempt of a tenant, or null. */
  async payloadIdOf(tenantId: string, attemptId: string): Promise<string | null> {
    const row = await this.attempts
      .findOne({ tenantId, _id: attemptId }, { payloadId: 1 })
      .hint('_id_')
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<{ payloadId: string }>();
    return row?.payloadId ?? null;
  }

  /** The stored response body of one attempt of a tenant, or null without one. */
  async responseBody(tenantId: string, attemptId: string): Promise<string | null> {
    return (await this.responseBodies(tenantId, [attemptId])).get(attemptId) ?? null;
  }

  /** The stored response bodies of these attempts of a tenant (attempts without a response left out). */
  async responseBodies(tenantId: string, attemptIds: string[]): Promise<Map<string, string>> {
    if (attemptIds.length === 0) return new Map();
    const rows = await this.attempts
      .find({ tenantId, _id: { $in: attemptIds } }, { 'response.body': 1 })
      .hint('_id_')
      .limit(attemptIds.length)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<Array<{ _id: string; response: { body: string } | null }>>();
    return new Map(rows.flatMap((row) => (row.response ? [[row._id, row.response.body] as const] : [])));
  }

  /** Attempts of these deliveries of a tenant made before `before` (retention's dry run). */
  async countOfDeliveries(tenantId: string, deliveryIds: string[], before: Date): Promise<number> {
    return this.attempts
      .countDocuments({ tenantId, deliveryId: { $in: deliveryIds }, createdAt: { $lt: before } })
      .hint(AttemptIndex.deliveryAttempt)
      .limit(deliveryIds.length * MAX_ATTEMPTS_PER_DELIVERY)
      .maxTimeMS(this.limits.maxTimeMs);
  }

  /** Deletes the attempts of these deliveries of a tenant made before `before`; returns how many went. */
  async deleteOfDeliveries(tenantId: string, deliveryIds: string[], before: Date): Promise<number> {
    return (await this.attempts.deleteMany({ tenantId, deliveryId: { $in: deliveryIds }, createdAt: { $lt: before } })).deletedCount;
  }
}
