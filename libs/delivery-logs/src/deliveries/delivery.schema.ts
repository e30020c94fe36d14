import { Schema } from 'mongoose';
import type { DeliveryStatus } from '@wirehook/contracts';
import { ListIndex, declareListIndexes } from '../shared/list-indexes';

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
  /** Who published the event, when known. */
  clientId: string | null;
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
    clientId: { type: String, default: null },
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
 * Index names of `deliveries` (the `view=deliveries` lists, recover and retention): the list
 * indexes; a delivery id is looked up on `_id` with the tenant. Shard key: `{ tenantId: 1, _id: 1 }`.
 */
export const DeliveryIndex = ListIndex;

declareListIndexes(deliverySchema);
