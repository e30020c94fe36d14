import { Schema } from 'mongoose';

export const API_KEY_ROLES = ['admin', 'viewer'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A tenant API key. Only its SHA-256 hash is stored; the key itself is shown once. */
export interface ApiKeyDocument {
  _id: string;
  tenantId: string;
  name: string;
  role: ApiKeyRole;
  /** First characters of the key, to recognise it in lists. */
  prefix: string;
  hash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const API_KEYS_COLLECTION = 'api_keys';

export const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    name: { type: String, default: '' },
    role: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: API_KEYS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false },
);

// Authentication of every request: look the key up by its hash.
apiKeySchema.index({ hash: 1 }, { name: 'hash', unique: true });
// Listing a tenant's keys.
apiKeySchema.index({ tenantId: 1, createdAt: -1 }, { name: 'tenant_time' });
