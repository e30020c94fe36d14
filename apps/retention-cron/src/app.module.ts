import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { IndexCheck, MONGO_CONNECTION, connectMongo } from '@wirehook/mongo';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule } from '@wirehook/metrics';
import { NATS_CONNECTION, NatsModule } from '@wirehook/nats';
import { RETENTION_CRON_REQUIRED_COLLECTIONS } from './collections';
import { RetentionCronConfig } from './config/retention-cron.config';
import { HealthController } from './health/health.controller';
import { RetentionMetrics } from './metrics/retention.metrics';
import { RetentionPolicyService } from './policies/retention-policy.service';
import { createRetentionComponents, type RetentionComponents } from './retention/retention-components';
import { RetentionEventPublisher } from './retention/retention-event.publisher';
import { RetentionRunner } from './retention/retention-runner.service';
import { RetentionScheduler } from './retention/retention-scheduler.service';
import { RetentionHandler } from './retention/retention.handler';

class MongoCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

const RETENTION_COMPONENTS = Symbol('RETENTION_COMPONENTS');

/** The retention runner's process: scheduled runs, policies and runs on request over NATS, metrics and health. */
@Module({})
export class RetentionCronModule {
  static forRoot(config: RetentionCronConfig, logger: Logger): DynamicModule {
    const metrics = new RetentionMetrics();
    return {
      module: RetentionCronModule,
      imports: [
        NatsModule.forRoot(config, 'retention-cron'),
        TerminusModule,
        ScheduleModule.forRoot(),
        MetricsModule.forRoot('retention-cron', { token: config.METRICS_TOKEN, port: config.METRICS_PORT, logger, registry: metrics.registry }),
      ],
      controllers: [HealthController, RetentionHandler],
      providers: [
        { provide: RetentionCronConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: MONGO_CONNECTION, useFactory: () => connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN, { writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS }) },
        MongoCloser,
        // Indexes are made by `npm run migrate`; until they exist, /health/ready names the missing ones.
        {
          provide: IndexCheck,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new IndexCheck(connection, RETENTION_CRON_REQUIRED_COLLECTIONS, logger),
        },
        { provide: RetentionMetrics, useValue: metrics },
        { provide: RetentionEventPublisher, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new RetentionEventPublisher(nc) },
        {
          provide: RETENTION_COMPONENTS,
          inject: [MONGO_CONNECTION, RetentionMetrics, RetentionEventPublisher],
          useFactory: (connection: Connection, metrics: RetentionMetrics, events: RetentionEventPublisher) =>
            createRetentionComponents(connection, config, logger, [(summary) => metrics.record(summary), (summary) => events.publish(summary)]),
        },
        { provide: RetentionRunner, inject: [RETENTION_COMPONENTS], useFactory: (components: RetentionComponents) => components.runner },
        { provide: RetentionPolicyService, inject: [RETENTION_COMPONENTS], useFactory: (components: RetentionComponents) => components.policies },
        RetentionScheduler,
      ],
    };
  }
}
