import { Schema } from 'mongoose';

/**
 * One payload as sent to endpoints, stored once per tenant and content: every endpoint, retry
 * and manual retry of an event that sent the same bytes shares it. `_id` is
 * `<tenantId>:<SHA-256 of the body, base64url>`.
 */
export interface EventPayloadDocument {
  _id: string;
  tenantId: string;
  body: string;
  createdAt: Date;
  /** Last attempt that sent it, to the hour; retention deletes payloads unused for its longest period. */
  lastUsedAt: Date;
}

export const EVENT_PAYLOADS_COLLECTION = 'event_payloads';

export const eventPayloadSchema = new Schema<EventPayloadDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
  },
  { collection: EVENT_PAYLOADS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/** Index names of `event_payloads`. Reads go by `_id` with the tenant. Shard key: `{ tenantId: 1, _id: 1 }`. */
export const PayloadIndex = {
  /** Retention: a tenant's payloads unused since a cutoff, oldest first. */
  lastUsed: 'tenant_last_used',
} as const;

eventPayloadSchema.index({ tenantId: 1, lastUsedAt: 1 }, { name: PayloadIndex.lastUsed });
