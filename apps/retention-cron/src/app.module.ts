import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { LOGGER, MONGO_CONNECTION, connectMongo } from '@wirehook/config';
import { NatsModule } from '@wirehook/nats';
import { RetentionCronConfig } from './config/retention-cron.config';
import { HealthController } from './health/health.controller';

class MongoCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** The retention runner's process: scheduler, connections and health. */
@Module({})
export class RetentionCronModule {
  static forRoot(config: RetentionCronConfig, logger: Logger): DynamicModule {
    return {
      module: RetentionCronModule,
      imports: [NatsModule.forRoot({ url: config.NATS_URL, name: 'retention-cron' }), TerminusModule, ScheduleModule.forRoot()],
      controllers: [HealthController],
      providers: [
        { provide: RetentionCronConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: MONGO_CONNECTION, useFactory: () => connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN) },
        MongoCloser,
      ],
    };
  }
}
