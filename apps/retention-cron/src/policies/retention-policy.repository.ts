import type { Connection, Model } from 'mongoose';
import type { RetentionDays } from '@wirehook/delivery-logs';
import { retentionPolicySchema, type RetentionPolicyDocument } from './retention-policy.schema';

/**
 * Tenants' retention overrides in `retention_policies`, one small document per tenant that has
 * one. Only `_id` is queried, so no index beyond `_id` is needed.
 */
export class RetentionPolicyRepository {
  readonly policies: Model<RetentionPolicyDocument>;

  constructor(connection: Connection) {
    this.policies = connection.model<RetentionPolicyDocument>('RetentionPolicy', retentionPolicySchema);
  }

  /** The tenant's override, or null. */
  async find(tenantId: string): Promise<RetentionPolicyDocument | null> {
    return this.policies.findById(tenantId).lean<RetentionPolicyDocument>();
  }

  /** Creates or replaces the tenant's override and returns it. */
  async save(tenantId: string, days: RetentionDays, now: Date): Promise<RetentionPolicyDocument> {
    const document: RetentionPolicyDocument = { _id: tenantId, successDays: days.successDays, failedDays: days.failedDays, updatedAt: now };
    await this.policies.updateOne(
      { _id: tenantId },
      { $set: { successDays: days.successDays, failedDays: days.failedDays, updatedAt: now } },
      { upsert: true },
    );
    return document;
  }

  /** Removes the tenant's override; false when it had none. */
  async remove(tenantId: string): Promise<boolean> {
    return (await this.policies.deleteOne({ _id: tenantId })).deletedCount > 0;
  }

  /** Every override, by tenant. */
  async all(): Promise<Map<string, RetentionDays>> {
    const rows = await this.policies.find({}).lean<RetentionPolicyDocument[]>();
    return new Map(rows.map((row) => [row._id, { successDays: row.successDays, failedDays: row.failedDays }]));
  }
}
