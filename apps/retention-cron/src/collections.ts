import type { IndexedCollection } from '@wirehook/mongo';
import { DELIVERY_LOG_COLLECTIONS } from '@wirehook/delivery-logs';
import { RETENTION_LEASES_COLLECTION, retentionLeaseSchema } from './lease/retention-lease.schema';
import { RETENTION_POLICIES_COLLECTION, retentionPolicySchema } from './policies/retention-policy.schema';

/** The collections retention-cron owns: its migrate command (`src/migrate.ts`, run by `npm run migrate`) gives them their indexes. */
export const RETENTION_CRON_COLLECTIONS: readonly IndexedCollection[] = [
  { collection: RETENTION_POLICIES_COLLECTION, schema: retentionPolicySchema },
  { collection: RETENTION_LEASES_COLLECTION, schema: retentionLeaseSchema },
];

/**
 * Every collection retention-cron queries: its own and the delivery logs it purges (log-service
 * owns and migrates those). The app stays not-ready until all their indexes exist.
 */
export const RETENTION_CRON_REQUIRED_COLLECTIONS: readonly IndexedCollection[] = [...RETENTION_CRON_COLLECTIONS, ...DELIVERY_LOG_COLLECTIONS];
