import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { LOGGER, MONGO_CONNECTION, MetricsModule, connectMongo } from '@wirehook/config';
import { DeliveryLogRepository } from '@wirehook/delivery-logs';
import { NatsModule } from '@wirehook/nats';
import { AttemptWriter } from './attempts/attempt-writer.service';
import { LogServiceConfig } from './config/log-service.config';
import { HealthController } from './health/health.controller';
import { LogsHandler } from './logs/logs.handler';


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
      imports: [NatsModule.forRoot({ url: config.NATS_URL, name: 'log-service' }), TerminusModule, MetricsModule.forRoot('log-service')],
      controllers: [HealthController, LogsHandler],
      providers: [
        { provide: LogServiceConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: MONGO_CONNECTION, useFactory: () => connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN) },
        {
          provide: DeliveryLogRepository,
          inject: [MONGO_CONNECTION],
          useFactory: async (connection: Connection) => {
            const repository = new DeliveryLogRepository(connection);
            await repository.ensureIndexes();
            return repository;
          },
        },
        MongoCloser,
        AttemptWriter,
      ],
    };
  }
}
