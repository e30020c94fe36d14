import { Module } from '@nestjs/common';
import { WebhookReceiverController } from './webhook-receiver.controller';

/** The test receiver: a place to point a first webhook at. */
@Module({
  controllers: [WebhookReceiverController],
})
export class ReceiverModule {}
