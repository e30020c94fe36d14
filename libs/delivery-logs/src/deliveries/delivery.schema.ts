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
  status: DeliveryStatus;
  /** Highest attempt number recorded; state fields below come from that attempt. */
  lastAttempt: number;
  lastAttemptId: string | null;
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
    status: { type: String, required: true },
    lastAttempt: { type: Number, required: true },
    lastAttemptId: { type: String, default: null },
    httpStatus: { type: Number, default: null },
    lastError: { type: String, default: null },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: DELIVERIES_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

// Indexes of the delivery view (`view=deliveries`), built like those of `delivery_attempts`
// (tenant first, newest first, `_id` last for the tie-break; see that schema for what `q` costs).
// The delivery view's time is when the delivery was created.
// GET /deliveries?view=deliveries (whole tenant): default sort and from/to.
deliverySchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
// One endpoint's deliveries (GET /webhooks/:id/logs?view=deliveries).
deliverySchema.index({ tenantId: 1, endpointId: 1, createdAt: -1, _id: -1 });
// One endpoint's deliveries in one state: ?status= on an endpoint, and POST /webhooks/:id/recover
// (its failed deliveries in a window, oldest first).
deliverySchema.index({ tenantId: 1, endpointId: 1, status: 1, createdAt: -1, _id: -1 });
// ?status= and sort=status on the whole tenant; retention-cron selects expired deliveries of a
// tenant and state, oldest first, on its { tenantId, status, createdAt } prefix.
deliverySchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 });
// ?event= exact or prefix.
deliverySchema.index({ tenantId: 1, eventType: 1, createdAt: -1, _id: -1 });
// sort=http_status, and ?status_class= (a range of the last HTTP status).
deliverySchema.index({ tenantId: 1, httpStatus: 1, createdAt: -1, _id: -1 });
