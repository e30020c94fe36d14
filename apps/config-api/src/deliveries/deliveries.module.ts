import { Module } from '@nestjs/common';
import { LogsModule } from '../logs/logs.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveryCommandsController } from './delivery-commands.controller';
import { DeliveryCommandsService } from './delivery-commands.service';
import { DispatcherClient } from './dispatcher.client';

/** Test sends, manual retries and recovers, carried out by the dispatcher. */
@Module({
  imports: [WebhooksModule, LogsModule],
  controllers: [DeliveryCommandsController],
  providers: [DispatcherClient, DeliveryCommandsService],
})
export class DeliveriesModule {}
