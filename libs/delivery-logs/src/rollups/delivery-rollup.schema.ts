import { Schema } from 'mongoose';
import { EVENT_TYPE_PATTERN, type AttemptErrorCode, type DeliveryStatus, type StatusClass } from '@wirehook/contracts';

const HOUR_MS = 60 * 60 * 1000;

/** A status class as rollups count it: `none` for attempts without a response. */
export type RollupStatusClass = StatusClass | 'none';

/**
 * The attempts of one endpoint of a tenant in one UTC hour, counted as log-service inserted
 * them: what statistics and cheap totals read instead of the raw attempts. `_id` is built by
 * {@link rollupIdOf}. Counters only ever grow by `$inc`, and only for attempts actually inserted,
 * so a replayed attempt record is never counted twice. Keys absent from a map count zero.
 */
export interface DeliveryRollupDocument {
  _id: string;
  tenantId: string;
  endpointId: string;
  /** Start of the UTC hour the attempts were made in (their `createdAt`). */
  hour: Date;
  attempts: number;
  byStatus: Partial<Record<DeliveryStatus, number>>;
  byStatusClass: Partial<Record<RollupStatusClass, number>>;
  /** Attempts with an error, by error code. */
  byErrorCode: Partial<Record<AttemptErrorCode, number>>;
  /** Attempts by event type, keyed by {@link eventTypeKey} (MongoDB reads a `.` in a field name as a path). */
  byEventType: Record<string, number>;
  /** Sum of the attempts' durations: the average is `durationSumMs / attempts`. */
  durationSumMs: number;
  /** Attempts by duration bucket index (see `duration-histogram.ts`); empty buckets are absent. */
  durationHistogram: Record<string, number>;
}

export const DELIVERY_ROLLUPS_COLLECTION = 'delivery_rollups';

/** What stands for `.` in the event-type keys of a rollup: a character event types cannot contain. */
const EVENT_TYPE_KEY_SEPARATOR = ':';

/** The start of the UTC hour of an instant. */
export function rollupHourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * The `_id` of the rollup of a tenant's endpoint for the hour of `at`:
 * `<tenantId>:<endpointId>:<YYYY-MM-DDTHH>`. Tenant and endpoint ids cannot contain `:`.
 */
export function rollupIdOf(tenantId: string, endpointId: string, at: Date): string {
  return `${tenantId}:${endpointId}:${rollupHourOf(at).toISOString().slice(0, 13)}`;
}

/**
 * The rollup key of an event type: its dots replaced by `:`, which {@link EVENT_TYPE_PATTERN}
 * forbids, so the encoding is reversible. Attempt records carry validated event types; anything
 * else is refused rather than stored under a key that could collide.
 */
export function eventTypeKey(eventType: string): string {
  if (!EVENT_TYPE_PATTERN.test(eventType)) throw new Error(`'${eventType}' is not an event type`);
  return eventType.replaceAll('.', EVENT_TYPE_KEY_SEPARATOR);
}

/** The event type of a rollup key made by {@link eventTypeKey}. */
export function eventTypeOfKey(key: string): string {
  return key.replaceAll(EVENT_TYPE_KEY_SEPARATOR, '.');
}

// Maps rather than fixed sub-documents: with `strict` schemas mongoose drops an `$inc` on an
// undeclared path without a word, and a status or error code added later must still be counted.
const counts = { type: Map, of: Number };

export const deliveryRollupSchema = new Schema<DeliveryRollupDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    endpointId: { type: String, required: true },
    hour: { type: Date, required: true },
    attempts: { type: Number, required: true },
    byStatus: counts,
    byStatusClass: counts,
    byErrorCode: counts,
    byEventType: counts,
    durationSumMs: { type: Number, required: true },
    durationHistogram: counts,
  },
  { collection: DELIVERY_ROLLUPS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/**
 * Index names of `delivery_rollups`, for hints. Shard key: `{ tenantId: 1, endpointId: 1, hour: 1 }`
 * (tenant first, the endpoint spreads a large tenant over chunks, the hour keeps one endpoint's
 * years divisible); every write names all three, so an upsert routes to one shard, and every read
 * names the tenant. Its index is {@link DeliveryRollupIndex.tenantEndpointHour}.
 */
export const DeliveryRollupIndex = {
  /** Statistics of a whole tenant: the hours of a window, every endpoint. Retention: a tenant's hours before a cutoff, oldest first. */
  tenantHour: 'tenant_hour',
  /** Statistics of one endpoint (`GET /webhooks/:id/stats`, `GET /stats?webhook_id=`): its hours of a window. */
  tenantEndpointHour: 'tenant_endpoint_hour',
} as const;

deliveryRollupSchema.index({ tenantId: 1, hour: 1 }, { name: DeliveryRollupIndex.tenantHour });
deliveryRollupSchema.index({ tenantId: 1, endpointId: 1, hour: 1 }, { name: DeliveryRollupIndex.tenantEndpointHour });
