import type { Connection, Model } from 'mongoose';
import { endpointSchema, type EndpointDocument } from './endpoint.schema';

/** Webhook endpoints in MongoDB; every method takes the tenant, so no call can cross tenants. */
export class EndpointRepository {
  private readonly endpoints: Model<EndpointDocument>;

  constructor(connection: Connection) {
    this.endpoints = connection.model<EndpointDocument>('Endpoint', endpointSchema);
  }

  async insert(endpoint: EndpointDocument): Promise<void> {
    await this.endpoints.create(endpoint);
  }

  async countForTenant(tenantId: string): Promise<number> {
    return this.endpoints.countDocuments({ tenantId });
  }

  async findById(tenantId: string, id: string): Promise<EndpointDocument | null> {
    return this.endpoints.findOne({ _id: id, tenantId }).lean<EndpointDocument>();
  }

  async list(tenantId: string, skip: number, limit: number): Promise<{ rows: EndpointDocument[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.endpoints.find({ tenantId }).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(limit).lean<EndpointDocument[]>(),
      this.endpoints.countDocuments({ tenantId }),
    ]);
    return { rows, total };
  }

  /** Replaces an endpoint if its revision is still `expectedRevision`; false when it changed meanwhile. */
  async replace(endpoint: EndpointDocument, expectedRevision: number): Promise<boolean> {
    const result = await this.endpoints.replaceOne({ _id: endpoint._id, tenantId: endpoint.tenantId, revision: expectedRevision }, endpoint);
    return result.matchedCount === 1;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.endpoints.deleteOne({ _id: id, tenantId });
    return result.deletedCount === 1;
  }

  async deleteAllForTenant(tenantId: string): Promise<string[]> {
    const ids = (await this.endpoints.find({ tenantId }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((row) => row._id);
    await this.endpoints.deleteMany({ tenantId });
    return ids;
  }

  /** Every endpoint, for the startup repair of the replicated configuration. */
  async *all(): AsyncGenerator<EndpointDocument> {
    for await (const endpoint of this.endpoints.find().lean<EndpointDocument[]>().cursor()) yield endpoint as EndpointDocument;
  }
}
