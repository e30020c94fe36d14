import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiErrorCode } from '@wirehook/contracts';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import type { ApiKeyDocument, ApiKeyRole } from '../api-keys/api-key.schema';
import { hashApiKey } from '../auth/api-key.guard';
import { DomainError, NotFoundError } from '../errors/domain.error';
import { ConfigReplicator } from '../replication/config-replicator.service';
import { EndpointRepository } from '../webhooks/endpoint.repository';
import { TenantRepository } from './tenant.repository';
import type { TenantDocument } from './tenant.schema';

/** A new key: the only moment the key itself is known. */
export interface IssuedApiKey {
  record: ApiKeyDocument;
  key: string;
}

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'tenant'}-${randomBytes(3).toString('hex')}`;
}

/** Tenants and their API keys (operator actions). */
@Injectable()
export class TenantService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly keys: ApiKeyRepository,
    private readonly endpoints: EndpointRepository,
    private readonly replicator: ConfigReplicator,
  ) {}

  async create(name: string, id?: string): Promise<TenantDocument> {
    const now = new Date();
    const tenant: TenantDocument = { _id: id ?? slugOf(name), name, revision: 1, createdAt: now, updatedAt: now };
    if (!(await this.tenants.insert(tenant))) {
      throw new DomainError('conflict', ApiErrorCode.tenantExists, `tenant '${tenant._id}' already exists`);
    }
    await this.replicator.publishTenant(tenant);
    return tenant;
  }

  async get(id: string): Promise<TenantDocument> {
    const tenant = await this.tenants.findById(id);
    if (!tenant) throw new NotFoundError(ApiErrorCode.tenantNotFound, id);
    return tenant;
  }

  async list(page: number, perPage: number): Promise<{ rows: TenantDocument[]; total: number }> {
    return this.tenants.list((page - 1) * perPage, perPage);
  }

  async rename(id: string, name: string): Promise<TenantDocument> {
    const tenant = await this.tenants.rename(id, name, new Date());
    if (!tenant) throw new NotFoundError(ApiErrorCode.tenantNotFound, id);
    await this.replicator.publishTenant(tenant);
    return tenant;
  }

  /**
   * Deletes a tenant: its keys stop working at once, its endpoints are removed and the
   * dispatcher forgets it. Delivery logs stay until retention removes them.
   */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.keys.revokeAllForTenant(id, new Date());
    for (const endpointId of await this.endpoints.deleteAllForTenant(id)) await this.replicator.removeEndpoint(id, endpointId);
    await this.tenants.delete(id);
    await this.replicator.removeTenant(id);
  }

  async listKeys(tenantId: string): Promise<ApiKeyDocument[]> {
    await this.get(tenantId);
    return this.keys.listForTenant(tenantId);
  }

  async revokeKey(tenantId: string, keyId: string): Promise<void> {
    if (!(await this.keys.revoke(tenantId, keyId, new Date()))) throw new NotFoundError(ApiErrorCode.apiKeyNotFound, keyId);
  }

  async issueKey(tenantId: string, role: ApiKeyRole, name = ''): Promise<IssuedApiKey> {
    await this.get(tenantId);
    const key = `whk_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyDocument = {
      _id: `key_${randomBytes(10).toString('hex')}`,
      tenantId,
      name,
      role,
      prefix: key.slice(0, 12),
      hash: hashApiKey(key),
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.keys.insert(record);
    return { record, key };
  }
}
