import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { HealthController, readinessChecks } from '@wirehook/health';
import { IndexCheck, MONGO_CONNECTION, MongoConnectionCloser, indexHealthIndicator, mongoHealthIndicator, mongoProviders } from '@wirehook/mongo';
import { AppFoundationModule } from '@wirehook/bootstrap';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';
import { RETENTION_CRON_REQUIRED_COLLECTIONS } from './collections';
import { RetentionCronConfig } from './config/retention-cron.config';
import { RetentionMetrics } from './metrics/retention.metrics';
import { RetentionPolicyService } from './policies/retention-policy.service';
import { createRetentionComponents, type RetentionComponents } from './retention/retention-components';
import { RetentionEventPublisher } from './retention/retention-event.publisher';
import { RetentionRunner } from './retention/retention-runner.service';
import { RetentionScheduler } from './retention/retention-scheduler.service';
import { RetentionHandler } from './retention/retention.handler';

const RETENTION_COMPONENTS = Symbol('RETENTION_COMPONENTS');

/** The retention runner's process: scheduled runs, policies and runs on request over NATS, metrics and health. */
@Module({})
export class RetentionCronModule {
  static forRoot(config: RetentionCronConfig, logger: Logger): DynamicModule {
    const metrics = new RetentionMetrics();
    return {
      module: RetentionCronModule,
      imports: [
        AppFoundationModule.forRoot('retention-cron', RetentionCronConfig, config, logger, { metricsRegistry: metrics.registry }),
        ScheduleModule.forRoot(),
      ],
      controllers: [HealthController, RetentionHandler],
      providers: [
        ...mongoProviders(config, RETENTION_CRON_REQUIRED_COLLECTIONS, logger),
        MongoConnectionCloser,
        // Ready: NATS connected, MongoDB answering, the indexes in place.
        readinessChecks([NATS_CONNECTION, MONGO_CONNECTION, IndexCheck], (nc: NatsConnection, mongo: Connection, indexes: IndexCheck) => [
          () => natsHealthIndicator(nc),
          () => mongoHealthIndicator(mongo),
          () => indexHealthIndicator(indexes),
        ]),
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
