import type { ApiKeyRole } from '../api-keys/api-key.schema';

/** Who is calling: the platform operator, or a tenant key with a role. */
export type Principal = { kind: 'operator' } | { kind: 'tenant'; tenantId: string; role: ApiKeyRole; keyId: string };

/** Access a route requires. `viewer` routes accept admin keys too. */
export type AccessLevel = 'public' | 'operator' | 'viewer' | 'admin';
