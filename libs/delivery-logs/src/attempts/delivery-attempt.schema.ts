import { Schema } from 'mongoose';
import type { AttemptErrorCode, AttemptTrigger, DeliveryStatus, StatusClass } from '@wirehook/contracts';
import { ListIndex, declareListIndexes } from '../shared/list-indexes';

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
  /** Who published the event (its `source`; the API key for HTTP ingest), when known. */
  clientId: string | null;
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
  /** The W3C trace id (32 hex) of the attempt; null or absent (attempts stored before it was kept) outside a trace. */
  traceId?: string | null;
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
    clientId: { type: String, default: null },
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
    traceId: { type: String, default: null },
  },
  { collection: DELIVERY_ATTEMPTS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

/**
 * Index names of `delivery_attempts`; queries hint by these. Shard key: `{ tenantId: 1, _id: 1 }`:
 * every read and write names the tenant, `_id` spreads a tenant's attempts.
 */
export const AttemptIndex = {
  ...ListIndex,
  /** The timeline of one delivery (detail); `q` equal to a delivery id; retention's deletes by delivery. */
  deliveryAttempt: 'tenant_delivery_attempt',
} as const;

declareListIndexes(deliveryAttemptSchema);
deliveryAttemptSchema.index({ tenantId: 1, deliveryId: 1, attempt: 1 }, { name: AttemptIndex.deliveryAttempt });
