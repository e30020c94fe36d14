import type { Connection, Model } from 'mongoose';
import { tenantSchema, type TenantDocument } from './tenant.schema';

/** Tenants in MongoDB. */
export class TenantRepository {
  private readonly tenants: Model<TenantDocument>;

  constructor(connection: Connection) {
    this.tenants = connection.model<TenantDocument>('Tenant', tenantSchema);
  }

  /** Inserts a tenant; false when the id is taken. */
  async insert(tenant: TenantDocument): Promise<boolean> {
    try {
      await this.tenants.create(tenant);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<TenantDocument | null> {
    return this.tenants.findById(id).lean<TenantDocument>();
  }

  async list(skip: number, limit: number): Promise<{ rows: TenantDocument[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.tenants.find().sort({ createdAt: -1, _id: 1 }).skip(skip).limit(limit).lean<TenantDocument[]>(),
      this.tenants.countDocuments(),
    ]);
    return { rows, total };
  }

  async all(): Promise<TenantDocument[]> {
    return this.tenants.find().lean<TenantDocument[]>();
  }

  async rename(id: string, name: string, at: Date): Promise<TenantDocument | null> {
    return this.tenants.findOneAndUpdate({ _id: id }, { $set: { name, updatedAt: at }, $inc: { revision: 1 } }, { new: true }).lean<TenantDocument>();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.tenants.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }
}
