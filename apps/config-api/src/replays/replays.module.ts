import { Module } from '@nestjs/common';
import { LogsModule } from '../logs/logs.module';
import { repositoryProvider, StoreModule } from '../store/store.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ReplayRepository } from './replay.repository';
import { ReplayRunner } from './replay-runner.service';
import { ReplayService } from './replay.service';
import { ReplaysController } from './replays.controller';

/** Replays of a webhook's past events: their routes, and the runner that queues their deliveries. */
@Module({
  imports: [StoreModule, WebhooksModule, LogsModule],
  controllers: [ReplaysController],
  providers: [repositoryProvider(ReplayRepository), ReplayRunner, ReplayService],
})
export class ReplaysModule {}
