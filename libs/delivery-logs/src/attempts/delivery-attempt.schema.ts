import { Schema } from 'mongoose';
import type { AttemptErrorCode, AttemptTrigger, DeliveryStatus, StatusClass } from '@wirehook/contracts';

/**
 * One delivery attempt: a small document that never grows. `_id` is `<deliveryId>_<attempt>`,
 * the unique attempt key. The payload sent is stored once per tenant and content in
 * `event_payloads` (`payloadId`); the attempt keeps a preview of it for list rows.
 */
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
  /** The identifiers' values, for exact lookups by `q`. */
  identifierValues: string[];
  attempt: number;
  trigger: AttemptTrigger;
  status: DeliveryStatus;
  /** Response status, or null when no response arrived. */
  httpStatus: number | null;
  /** `2xx`..`5xx`, or `none` without a response. */
  statusClass: StatusClass | 'none';
  payloadId: string;
  request: { method: string; url: string; headers: Record<string, string>; bodyLength: number; bodyPreview: string };
  /** The body is capped by the dispatcher; lists read only its preview. */
  response: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean; bodyLength: number; bodyPreview: string } | null;
  error: { code: AttemptErrorCode; message: string } | null;
  durationMs: number;
  deliveryCreatedAt: Date;
  startedAt: Date;
  completedAt: Date;
  nextAttemptAt: Date | null;
  /** When the attempt was made; the time every list sorts and filters by. */
  createdAt: Date;
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
    identifierValues: { type: [String], default: [] },
    attempt: { type: Number, required: true },
    trigger: { type: String, required: true },
    status: { type: String, required: true },
    httpStatus: { type: Number, default: null },
    statusClass: { type: String, required: true },
    payloadId: { type: String, required: true },
    request: { type: Schema.Types.Mixed, required: true },
    response: { type: Schema.Types.Mixed, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    durationMs: { type: Number, required: true },
    deliveryCreatedAt: { type: Date, required: true },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date, required: true },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: DELIVERY_ATTEMPTS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/**
 * Index names of `delivery_attempts`; queries hint by these. Every list index is tenant first,
 * then its equality fields, then `createdAt, _id` newest first, so a page reads about the rows
 * it returns (see queries/log-plan.ts for which filters each serves). Shard key:
 * `{ tenantId: 1, _id: 1 }`: every read and write names the tenant, `_id` spreads a tenant's
 * attempts.
 */
export const AttemptIndex = {
  /** Whole tenant, newest first; from/to; exports (oldest first, walked backwards). */
  time: 'tenant_time',
  /** `webhook_id` (every status as four points), `webhook_id` + `status`, `sort=status` on one webhook; `q` matching webhooks. */
  endpointStatusTime: 'tenant_endpoint_status_time',
  /** `webhook_id` + `event` (+ `status`); `q` matching webhooks with `event`, or event types on one webhook. */
  endpointEventStatusTime: 'tenant_endpoint_event_status_time',
  /** `status`; `sort=status` on the whole tenant. */
  statusTime: 'tenant_status_time',
  /** `event` (exact, or a prefix resolved to its event types), + `status`; `q` matching event types. */
  eventStatusTime: 'tenant_event_status_time',
  /** `status_class` (a range of HTTP statuses); `sort=http_status`. */
  httpStatusTime: 'tenant_http_status_time',
  /** The timeline of one delivery (detail); `q` equal to a delivery id; retention's deletes by delivery. */
  deliveryAttempt: 'tenant_delivery_attempt',
  /** `q` equal to an event id. */
  eventId: 'tenant_event_id',
  /** `q` equal to an identifier value. */
  identifierTime: 'tenant_identifier_time',
} as const;

deliveryAttemptSchema.index({ tenantId: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.time });
deliveryAttemptSchema.index({ tenantId: 1, endpointId: 1, status: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.endpointStatusTime });
deliveryAttemptSchema.index({ tenantId: 1, endpointId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.endpointEventStatusTime });
deliveryAttemptSchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.statusTime });
deliveryAttemptSchema.index({ tenantId: 1, eventType: 1, status: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.eventStatusTime });
deliveryAttemptSchema.index({ tenantId: 1, httpStatus: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.httpStatusTime });
deliveryAttemptSchema.index({ tenantId: 1, deliveryId: 1, attempt: 1 }, { name: AttemptIndex.deliveryAttempt });
deliveryAttemptSchema.index({ tenantId: 1, eventId: 1 }, { name: AttemptIndex.eventId });
deliveryAttemptSchema.index({ tenantId: 1, identifierValues: 1, createdAt: -1, _id: -1 }, { name: AttemptIndex.identifierTime });
