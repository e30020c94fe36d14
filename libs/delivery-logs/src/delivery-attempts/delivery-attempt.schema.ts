import { Schema } from 'mongoose';
import type { AttemptErrorCode, AttemptTrigger, DeliveryStatus, StatusClass } from '@wirehook/contracts';

/** One delivery attempt. `_id` is `<deliveryId>_<attempt>`: the unique attempt key. */
export interface DeliveryAttemptDocument {
  _id: string;
  tenantId: string;
  endpointId: string;
  endpointName: string;
  endpointUrl: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  identifiers: Record<string, string>;
  attempt: number;
  trigger: AttemptTrigger;
  status: DeliveryStatus;
  /** Response status, or null when no response arrived. */
  httpStatus: number | null;
  /** `2xx`..`5xx`, or `none` without a response: kept so filters and stats need no expressions. */
  statusClass: StatusClass | 'none';
  errorCode: AttemptErrorCode | null;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean } | null;
  error: { code: AttemptErrorCode; message: string } | null;
  durationMs: number;
  deliveryCreatedAt: Date;
  startedAt: Date;
  completedAt: Date;
  nextAttemptAt: Date | null;
  /** When the attempt was made; the time every list sorts and filters by. */
  createdAt: Date;
  /** `createdAt` cut to the hour: the bucket of the stats charts. */
  createdHour: Date;
}

export const DELIVERY_ATTEMPTS_COLLECTION = 'delivery_attempts';

export const deliveryAttemptSchema = new Schema<DeliveryAttemptDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    endpointId: { type: String, required: true },
    endpointName: { type: String, default: '' },
    endpointUrl: { type: String, required: true },
    deliveryId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    identifiers: { type: Schema.Types.Mixed, default: {} },
    attempt: { type: Number, required: true },
    trigger: { type: String, required: true },
    status: { type: String, required: true },
    httpStatus: { type: Number, default: null },
    statusClass: { type: String, required: true },
    errorCode: { type: String, default: null },
    request: { type: Schema.Types.Mixed, required: true },
    response: { type: Schema.Types.Mixed, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    durationMs: { type: Number, required: true },
    deliveryCreatedAt: { type: Date, required: true },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date, required: true },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    createdHour: { type: Date, required: true },
  },
  { collection: DELIVERY_ATTEMPTS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

// Indexes, each named by the query it serves. Every list starts with the tenant and ends with
// time descending, so a page reads only the entries it returns (plus the count).
// GET /deliveries (whole tenant, newest first; date range).
deliveryAttemptSchema.index({ tenantId: 1, createdAt: -1 });
// GET /webhooks/:id/logs (one endpoint, newest first; date range).
deliveryAttemptSchema.index({ tenantId: 1, endpointId: 1, createdAt: -1 });
// ?status= filters, with or without an endpoint.
deliveryAttemptSchema.index({ tenantId: 1, status: 1, createdAt: -1 });
// ?event= (exact or prefix) filters.
deliveryAttemptSchema.index({ tenantId: 1, eventType: 1, createdAt: -1 });
// ?status_class= filters.
deliveryAttemptSchema.index({ tenantId: 1, statusClass: 1, createdAt: -1 });
// sort=http_status.
deliveryAttemptSchema.index({ tenantId: 1, httpStatus: 1, createdAt: -1 });
// GET /logs/:id timeline: every attempt of one delivery in order.
deliveryAttemptSchema.index({ deliveryId: 1, attempt: 1 });
