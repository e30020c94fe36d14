import type { Schema } from 'mongoose';
import { DELIVERY_ATTEMPTS_COLLECTION, deliveryAttemptSchema } from './attempts/delivery-attempt.schema';
import { DELIVERIES_COLLECTION, deliverySchema } from './deliveries/delivery.schema';

/** A collection of the delivery logs and the schema that declares its indexes. */
export interface LogCollection {
  collection: string;
  schema: Schema;
}

/** Every collection of the delivery logs: what `npm run migrate` manages and the apps check at boot. */
export const DELIVERY_LOG_COLLECTIONS: readonly LogCollection[] = [
  { collection: DELIVERY_ATTEMPTS_COLLECTION, schema: deliveryAttemptSchema },
  { collection: DELIVERIES_COLLECTION, schema: deliverySchema },
];
