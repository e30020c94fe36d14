import { Schema } from 'mongoose';

/**
 * An event type a tenant's attempts carry: the small catalog that search text and event
 * prefixes are resolved against, so no query runs a pattern over the logs. `_id` is
 * `<tenantId>:<eventType>`.
 */
export interface EventTypeDocument {
  _id: string;
  tenantId: string;
  eventType: string;
  firstSeenAt: Date;
}

export const EVENT_TYPES_COLLECTION = 'log_event_types';

export const eventTypeSchema = new Schema<EventTypeDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    eventType: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
  },
  { collection: EVENT_TYPES_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/** Index names of `log_event_types`. Shard key: `{ tenantId: 1, _id: 1 }`. */
export const EventTypeIndex = {
  /** A tenant's event types in order; a prefix is a range of it. */
  tenantType: 'tenant_event_type',
} as const;

eventTypeSchema.index({ tenantId: 1, eventType: 1 }, { name: EventTypeIndex.tenantType });
