import { createHash } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { LogQueryLimits } from '../log-query-limits';
import { idsByTenant } from '../shared/ids-by-tenant';
import { insertMissing } from '../shared/insert-missing';
import { EVENT_PAYLOADS_COLLECTION, PayloadIndex, eventPayloadSchema, type EventPayloadDocument } from './event-payload.schema';

const HOUR_MS = 60 * 60 * 1000;

/** The id of a tenant's payload: the same bytes always get the same id. */
export function payloadIdOf(tenantId: string, body: string): string {
  return `${tenantId}:${createHash('sha256').update(body).digest('base64url')}`;
}

const toHour = (at: Date): Date => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);

/** Payloads sent to endpoints, one document per tenant and content. */
export class EventPayloadRepository {
  private readonly payloads: Model<EventPayloadDocument>;

  constructor(
    connection: Connection,
    private readonly limits: LogQueryLimits,
  ) {
    this.payloads = connection.model<EventPayloadDocument>('EventPayload', eventPayloadSchema, EVENT_PAYLOADS_COLLECTION);
  }

  /**
   * Stores the payloads not stored yet and marks the others used at `at`. The mark is written
   * at most once an hour per payload, so retries and fan-out to many endpoints cost no write.
   */
  async store(payloads: Array<{ tenantId: string; body: string }>, at: Date): Promise<void> {
    const hour = toHour(at);
    const unique = new Map(payloads.map((payload) => [payloadIdOf(payload.tenantId, payload.body), payload]));
    const documents = [...unique].map(([id, payload]): EventPayloadDocument => ({
      _id: id,
      tenantId: payload.tenantId,
      body: payload.body,
      createdAt: at,
      lastUsedAt: hour,
    }));
    const inserted = new Set((await insertMissing(this.payloads, documents)).map((document) => document._id));
    const stored = documents.filter((document) => !inserted.has(document._id));
    for (const [tenantId, ids] of idsByTenant(stored, (document) => document._id)) {
      await this.payloads.updateMany({ tenantId, _id: { $in: ids }, lastUsedAt: { $lt: hour } }, { $set: { lastUsedAt: hour } });
    }
  }

  /** Bodies of a tenant's payloads by id. */
  async bodies(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.payloads
      .find({ tenantId, _id: { $in: unique } }, { body: 1 })
      .hint('_id_')
      .limit(unique.length)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<Array<{ _id: string; body: string }>>();
    return new Map(rows.map((row) => [row._id, row.body]));
  }

  /** Ids of at most `limit` payloads of a tenant unused since `before`, oldest first (retention). */
  async unusedSince(tenantId: string, before: Date, limit: number): Promise<string[]> {
    const rows = await this.payloads
      .find({ tenantId, lastUsedAt: { $lt: before } }, { _id: 1 })
      .sort({ lastUsedAt: 1 })
      .hint(PayloadIndex.lastUsed)
      .limit(limit)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<Array<{ _id: string }>>();
    return rows.map((row) => row._id);
  }

  /** Deletes these payloads of a tenant if still unused since `before`; returns how many went. */
  async deleteUnused(tenantId: string, ids: string[], before: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.payloads.deleteMany({ tenantId, _id: { $in: ids }, lastUsedAt: { $lt: before } })).deletedCount;
  }

  /** Tenants that have payloads (retention walks them). */
  async tenants(): Promise<string[]> {
    return ((await this.payloads.distinct('tenantId')) as string[]).sort();
  }
}
