import { Module, type FactoryProvider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '@wirehook/mongo';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import { TenantRepository } from '../tenants/tenant.repository';
import { EndpointRepository } from '../webhooks/endpoint.repository';

/** A repository over the app's MongoDB connection. */
export function repositoryProvider<T>(type: new (connection: Connection) => T): FactoryProvider<T> {
  return { provide: type, inject: [MONGO_CONNECTION], useFactory: (connection: Connection) => new type(connection) };
}

/**
 * The repositories several features read: tenants (tenants, replication), API keys (the guard,
 * tenants) and endpoints (webhooks, tenants, replication, replays). They sit below the features
 * because replication, which tenants and webhooks both use, reads tenants and endpoints alike.
 * A repository only one feature reads is that feature's own.
 */
@Module({
  providers: [repositoryProvider(TenantRepository), repositoryProvider(ApiKeyRepository), repositoryProvider(EndpointRepository)],
  exports: [TenantRepository, ApiKeyRepository, EndpointRepository],
})
export class StoreModule {}
