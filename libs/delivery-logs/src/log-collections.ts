import type { Schema } from 'mongoose';
import { DELIVERY_ATTEMPTS_COLLECTION, deliveryAttemptSchema } from './attempts/delivery-attempt.schema';
import { DELIVERIES_COLLECTION, deliverySchema } from './deliveries/delivery.schema';
import { EVENT_TYPES_COLLECTION, eventTypeSchema } from './event-types/event-type.schema';
import { EVENT_PAYLOADS_COLLECTION, eventPayloadSchema } from './payloads/event-payload.schema';
import { DELIVERY_ROLLUPS_COLLECTION, deliveryRollupSchema } from './rollups/delivery-rollup.schema';

/** A collection of the delivery logs and the schema that declares its indexes. */
export interface LogCollection {
  collection: string;
  schema: Schema;
}

/** Every collection of the delivery logs: what `npm run migrate` manages and the apps check at boot. */
export const DELIVERY_LOG_COLLECTIONS: readonly LogCollection[] = [
  { collection: DELIVERY_ATTEMPTS_COLLECTION, schema: deliveryAttemptSchema },
  { collection: DELIVERIES_COLLECTION, schema: deliverySchema },
  { collection: EVENT_PAYLOADS_COLLECTION, schema: eventPayloadSchema },
  { collection: EVENT_TYPES_COLLECTION, schema: eventTypeSchema },
  { collection: DELIVERY_ROLLUPS_COLLECTION, schema: deliveryRollupSchema },
];
