import type { Connection, Model } from 'mongoose';
import { apiKeySchema, type ApiKeyDocument } from './api-key.schema';

/** Tenant API keys in MongoDB. */
export class ApiKeyRepository {
  private readonly keys: Model<ApiKeyDocument>;

  constructor(connection: Connection) {
    this.keys = connection.model<ApiKeyDocument>('ApiKey', apiKeySchema);
  }

  async insert(key: ApiKeyDocument): Promise<void> {
    await this.keys.create(key);
  }

  /** The live (not revoked) key with this hash. */
  async findActiveByHash(hash: string): Promise<ApiKeyDocument | null> {
    return this.keys.findOne({ hash, revokedAt: null }).lean<ApiKeyDocument>();
  }

  async listForTenant(tenantId: string): Promise<ApiKeyDocument[]> {
    return this.keys.find({ tenantId }).sort({ createdAt: -1 }).lean<ApiKeyDocument[]>();
  }

  /** Marks a key revoked; false when the tenant has no such live key. */
  async revoke(tenantId: string, keyId: string, at: Date): Promise<boolean> {
    const result = await this.keys.updateOne({ _id: keyId, tenantId, revokedAt: null }, { $set: { revokedAt: at } });
    return result.matchedCount === 1;
  }

  async revokeAllForTenant(tenantId: string, at: Date): Promise<void> {
    await this.keys.updateMany({ tenantId, revokedAt: null }, { $set: { revokedAt: at } });
  }

  async touch(keyId: string, at: Date): Promise<void> {
    await this.keys.updateOne({ _id: keyId }, { $set: { lastUsedAt: at } });
  }
}
