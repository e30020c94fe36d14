import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { HealthController, mongoHealthIndicator, readinessChecks } from '@wirehook/health';
import { IndexCheck, MONGO_CONNECTION, indexHealthIndicator, mongoProviders } from '@wirehook/mongo';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule } from '@wirehook/metrics';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import { NATS_CONNECTION, NatsModule, natsHealthIndicator } from '@wirehook/nats';
import { TracingModule } from '@wirehook/tracing';
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
      imports: [
        NatsModule.forRoot(config, 'log-service'),
        TerminusModule,
        MetricsModule.forRoot('log-service', { token: config.METRICS_TOKEN, port: config.METRICS_PORT, logger }),
        TracingModule.forRoot({ otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'log-service' }, logger),
      ],
      controllers: [HealthController, LogsHandler],
      providers: [
        { provide: LogServiceConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        ...mongoProviders(config, LOG_SERVICE_COLLECTIONS, logger),
        {
          provide: DeliveryLogs,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new DeliveryLogs(connection, { maxTimeMs: config.LOG_QUERY_MAX_TIME_MS }),
        },
        // Ready: NATS connected, MongoDB answering and accepting the last write, the indexes in place.
        readinessChecks([NATS_CONNECTION, MONGO_CONNECTION, AttemptWriter, IndexCheck], (nc: NatsConnection, mongo: Connection, writer: AttemptWriter, indexes: IndexCheck) => [
          () => natsHealthIndicator(nc),
          () => mongoHealthIndicator(mongo, () => !writer.healthy),
          () => indexHealthIndicator(indexes),
        ]),
        AttemptWriter,
        TenantQueryLimiter,
        logServiceConsumerLagProvider,
      ],
    };
  }
}
