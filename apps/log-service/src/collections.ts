import type { IndexedCollection } from '@wirehook/mongo';
import { DELIVERY_LOG_COLLECTIONS } from '@wirehook/delivery-logs';

/**
 * The collections log-service owns and queries, the delivery logs: its migrate command
 * (`src/migrate.ts`, run by `npm run migrate`) gives them the indexes their schemas declare,
 * and the app stays not-ready until they exist.
 */
export const LOG_SERVICE_COLLECTIONS: readonly IndexedCollection[] = DELIVERY_LOG_COLLECTIONS;
