import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { LogServiceClient } from './log-service.client';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** The delivery logs, lists, statistics and exports, asked of log-service. */
@Module({
  imports: [WebhooksModule],
  controllers: [LogsController],
  providers: [LogServiceClient, LogsService],
  exports: [LogServiceClient],
})
export class LogsModule {}
