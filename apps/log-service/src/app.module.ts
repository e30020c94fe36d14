import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { IndexCheck, MONGO_CONNECTION, connectMongo } from '@wirehook/mongo';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule } from '@wirehook/metrics';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import { NatsModule } from '@wirehook/nats';
import { TracingModule } from '@wirehook/tracing';
import { AttemptWriter } from './attempts/attempt-writer.service';
import { LOG_SERVICE_COLLECTIONS } from './collections';
import { LogServiceConfig } from './config/log-service.config';
import { HealthController } from './health/health.controller';
import { LogsHandler } from './logs/logs.handler';
import { logServiceConsumerLagProvider } from './metrics/consumer-lag.metrics';
import { TenantQueryLimiter } from './logs/tenant-query-gate';


class MongoCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

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
        { provide: MONGO_CONNECTION, useFactory: () => connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN, { writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS }) },
        {
          provide: DeliveryLogs,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new DeliveryLogs(connection, { maxTimeMs: config.LOG_QUERY_MAX_TIME_MS }),
        },
        // Indexes are made by `npm run migrate`; until they exist, /health/ready names the missing ones.
        { provide: IndexCheck, inject: [MONGO_CONNECTION], useFactory: (connection: Connection) => new IndexCheck(connection, LOG_SERVICE_COLLECTIONS, logger) },
        MongoCloser,
        AttemptWriter,
        TenantQueryLimiter,
        logServiceConsumerLagProvider,
      ],
    };
  }
}
