import { Module } from '@nestjs/common';
import { configApiConsumerLagProvider } from '../metrics/consumer-lag.metrics';
import { ReplicationModule } from '../replication/replication.module';
import { StoreModule } from '../store/store.module';
import { EndpointDisabledHandler } from './endpoint-disabled.handler';
import { EndpointUrlValidator } from './endpoint-url.validator';
import { WebhookService } from './webhook.service';
import { WebhooksController } from './webhooks.controller';

/**
 * A tenant's webhooks: their routes, and the endpoint-disabled events of the dispatcher applied
 * to them (with the backlog of those events in the metrics).
 */
@Module({
  imports: [StoreModule, ReplicationModule],
  controllers: [WebhooksController],
  providers: [EndpointUrlValidator, WebhookService, EndpointDisabledHandler, configApiConsumerLagProvider],
  exports: [WebhookService],
})
export class WebhooksModule {}
