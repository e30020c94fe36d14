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

// Indexes, each with the queries it serves. Every list filters on the tenant first and pages in
// (time, id) order, newest first, so a page reads about the entries it returns; `_id` closes each
// key so the tie-break of the sort comes from the index too (no in-memory sort of a tenant's
// history). A descending sort on status or HTTP status is the exact reverse of the ascending one
// (see buildLogSort), so one index per field serves both directions. What no index can bound:
// `q` (substring search, case-insensitive) filters the rows of whichever index the other
// parameters choose, so a search without `from` reads the tenant's retained history; `total`
// counts over the same index range as the page.
// GET /deliveries (whole tenant): default sort and from/to; exports walk it oldest first; stats of a window.
deliveryAttemptSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
// GET /webhooks/:id/logs and ?webhook_id=: one endpoint, newest first; stats of one endpoint.
deliveryAttemptSchema.index({ tenantId: 1, endpointId: 1, createdAt: -1, _id: -1 });
// One endpoint with ?status= ("this webhook's failures"), or sorted by status.
deliveryAttemptSchema.index({ tenantId: 1, endpointId: 1, status: 1, createdAt: -1, _id: -1 });
// ?status= on the whole tenant; sort=status.
deliveryAttemptSchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 });
// ?event= exact (equality) or prefix (an anchored range of event types).
deliveryAttemptSchema.index({ tenantId: 1, eventType: 1, createdAt: -1, _id: -1 });
// ?status_class=.
deliveryAttemptSchema.index({ tenantId: 1, statusClass: 1, createdAt: -1, _id: -1 });
// sort=http_status.
deliveryAttemptSchema.index({ tenantId: 1, httpStatus: 1, createdAt: -1, _id: -1 });
// GET /logs/:id timeline (every attempt of one delivery in order); retention deletes a batch's attempts by delivery.
deliveryAttemptSchema.index({ deliveryId: 1, attempt: 1 });
