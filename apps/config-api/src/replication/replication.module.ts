import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { ConfigReplicator } from './config-replicator.service';

/** Tenants and endpoints copied to the KV bucket the dispatcher reads, as they change. */
@Module({
  imports: [StoreModule],
  providers: [ConfigReplicator],
  exports: [ConfigReplicator],
})
export class ReplicationModule {}
