import type { INestApplication } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { RetentionCronConfig } from './config/retention-cron.config';

/** Answers retention requests over NATS; replicas share them through the queue group. */
export async function connectRetentionRpc(app: INestApplication, config: RetentionCronConfig): Promise<void> {
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    options: { servers: config.NATS_URL.split(','), queue: 'retention-cron', name: 'retention-cron-rpc' },
  });
  await app.startAllMicroservices();
}
