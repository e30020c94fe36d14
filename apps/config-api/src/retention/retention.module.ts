import { Module } from '@nestjs/common';
import { RetentionClient } from './retention.client';
import { RetentionController } from './retention.controller';

/** Retention policies and runs, asked of retention-cron. */
@Module({
  controllers: [RetentionController],
  providers: [RetentionClient],
})
export class RetentionModule {}
