import { Schema } from 'mongoose';
import type { DeliveryStatus } from '@wirehook/contracts';

/** One delivery (event × endpoint) with its latest state. `_id` is the delivery id (`webhook-id`). */
export interface DeliveryDocument {
  _id: string;
  tenantId: string;
  endpointId: string;
  endpointName: string;
  endpointUrl: string;
  eventId: string;
  eventType: string;
  identifiers: Record<string, string>;
  /** The identifiers' values, for exact lookups by `q`. */
  identifierValues: string[];
  status: DeliveryStatus;
  /** Highest attempt number recorded; state fields below come from that attempt. */
  lastAttempt: number;
  lastAttemptId: string | null;
  /** The payload the last attempt sent (`event_payloads`). */
  payloadId: string | null;
  httpStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const DELIVERIES_COLLECTION = 'deliveries';

export const deliverySchema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    endpointId: { type: String, required: true },
    endpointName: { type: String, default: '' },
    endpointUrl: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    identifiers: { type: Schema.Types.Mixed, default: {} },
    identifierValues: { type: [String], default: [] },
    status: { type: String, required: true },
    lastAttempt: { type: Number, required: true },
    lastAttemptId: { type: String, default: null },
    payloadId: { type: String, default: null },
    httpStatus: { type: Number, default: null },
    lastError: { type: String, default: null },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: DELIVERIES_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/**
 * Index names of `deliveries` (the `view=deliveries` lists, recover and retention); built like
 * those of `delivery_attempts`, with the delivery's creation as its time. A delivery id is
 * looked up on `_id` with the tenant. Shard key: `{ tenantId: 1, _id: 1 }`.
 */
export const DeliveryIndex = {
  /** Whole tenant, newest first; from/to. */
  time: 'tenant_time',
  /** `webhook_id` (+ `status`); recover's failed deliveries of one webhook in a window, oldest first. */
  endpointStatusTime: 'tenant_endpoint_status_time',
  /** `webhook_id` + `event` (+ `status`); `q` matching webhooks with `event`, or event types on one webhook. */
  endpointEventStatusTime: 'tenant_endpoint_event_status_time',
  /** `status`, `sort=status`; retention's expired deliveries of a tenant and final state, oldest first. */
  statusTime: 'tenant_status_time',
  /** `event` (+ `status`); `q` matching event types. */
  eventStatusTime: 'tenant_event_status_time',
  /** `status_class` (the last HTTP status); `sort=http_status`. */
  httpStatusTime: 'tenant_http_status_time',
  /** `q` equal to an event id. */
  eventId: 'tenant_event_id',
  /** `q` equal to an identifier value. */
  identifierTime: 'tenant_identifier_time',
} as const;

deliverySchema.index({ tenantId: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.time });
deliverySchema.index({ tenantId: 1, endpointId: 1, status: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.endpointStatusTime });
deliverySchema.index({ tenantId: 1, endpointId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.endpointEventStatusTime });
deliverySchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.statusTime });
deliverySchema.index({ tenantId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.eventStatusTime });
deliverySchema.index({ tenantId: 1, httpStatus: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.httpStatusTime });
deliverySchema.index({ tenantId: 1, eventId: 1 }, { name: DeliveryIndex.eventId });
deliverySchema.index({ tenantId: 1, identifierValues: 1, createdAt: -1, _id: -1 }, { name: DeliveryIndex.identifierTime });
