import type { INestApplication } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { nestNatsOptions } from '@wirehook/nats';
import type { RetentionCronConfig } from './config/retention-cron.config';

/** Answers retention requests over NATS; replicas share them through the queue group. */
export async function connectRetentionRpc(app: INestApplication, config: RetentionCronConfig): Promise<void> {
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    options: { ...nestNatsOptions(config.natsClientSettings(), 'retention-cron-rpc'), queue: 'retention-cron' },
  });
  await app.startAllMicroservices();
}
