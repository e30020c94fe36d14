import type { IndexedCollection } from '@wirehook/mongo';
import { API_KEYS_COLLECTION, apiKeySchema } from './api-keys/api-key.schema';
import { REPLAYS_COLLECTION, replaySchema } from './replays/replay.schema';
import { TENANTS_COLLECTION, tenantSchema } from './tenants/tenant.schema';
import { ENDPOINTS_COLLECTION, endpointSchema } from './webhooks/endpoint.schema';

/**
 * The collections config-api owns and queries: its migrate command (`src/migrate.ts`, run by
 * `npm run migrate`) gives them the indexes their schemas declare, and the app stays not-ready
 * until they exist. `platform_settings` has no index but `_id` and no schema: it is not listed.
 */
export const CONFIG_API_COLLECTIONS: readonly IndexedCollection[] = [
  { collection: TENANTS_COLLECTION, schema: tenantSchema },
  { collection: API_KEYS_COLLECTION, schema: apiKeySchema },
  { collection: ENDPOINTS_COLLECTION, schema: endpointSchema },
  { collection: REPLAYS_COLLECTION, schema: replaySchema },
];
