import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { HealthController, readinessChecks } from '@wirehook/health';
import { IndexCheck, MONGO_CONNECTION, MongoConnectionCloser, indexHealthIndicator, mongoHealthIndicator, mongoProviders } from '@wirehook/mongo';
import { AppFoundationModule } from '@wirehook/bootstrap';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';
import { AttemptWriter } from './attempts/attempt-writer.service';
import { LOG_SERVICE_COLLECTIONS } from './collections';
import { LogServiceConfig } from './config/log-service.config';
import { LogsHandler } from './logs/logs.handler';
import { logServiceConsumerLagProvider } from './metrics/consumer-lag.metrics';
import { TenantQueryLimiter } from './logs/tenant-query-gate';

@Module({})
export class LogServiceModule {
  static forRoot(config: LogServiceConfig, logger: Logger): DynamicModule {
    return {
      module: LogServiceModule,
      imports: [AppFoundationModule.forRoot('log-service', LogServiceConfig, config, logger)],
      controllers: [HealthController, LogsHandler],
      providers: [
        ...mongoProviders(config, LOG_SERVICE_COLLECTIONS, logger),
        MongoConnectionCloser,
        {
          provide: DeliveryLogs,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new DeliveryLogs(connection, { maxTimeMs: config.LOG_QUERY_MAX_TIME_MS }),
        },
        // Ready: NATS connected, MongoDB answering and accepting the last write, the indexes in place.
        readinessChecks(
          [NATS_CONNECTION, MONGO_CONNECTION, AttemptWriter, IndexCheck],
          (nc: NatsConnection, mongo: Connection, writer: AttemptWriter, indexes: IndexCheck) => [
            () => natsHealthIndicator(nc),
            () => mongoHealthIndicator(mongo, () => !writer.healthy),
            () => indexHealthIndicator(indexes),
          ],
        ),
        AttemptWriter,
        TenantQueryLimiter,
        logServiceConsumerLagProvider,
      ],
    };
  }
}
