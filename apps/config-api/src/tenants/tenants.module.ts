import { Module } from '@nestjs/common';
import { ReplicationModule } from '../replication/replication.module';
import { StoreModule } from '../store/store.module';
import { TenantService } from './tenant.service';
import { TenantsController } from './tenants.controller';

/** The operator's routes: tenants and their API keys. */
@Module({
  imports: [StoreModule, ReplicationModule],
  controllers: [TenantsController],
  providers: [TenantService],
})
export class TenantsModule {}
