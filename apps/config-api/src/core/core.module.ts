import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppFoundationModule } from '@wirehook/bootstrap';
import { IndexCheck, MONGO_CONNECTION, mongoProviders } from '@wirehook/mongo';
import { SecretBox } from '@wirehook/secret-box';
import { CONFIG_API_COLLECTIONS } from '../collections';
import { ConfigApiConfig } from '../config/config-api.config';

/**
 * What every feature of config-api uses, given to all of them: what every app stands on (the
 * config, the logger, the NATS connection with JetStream and the request/reply client of the
 * other apps, metrics, tracing), the secret box, and the MongoDB connection with the check of
 * its indexes.
 */
@Module({})
export class CoreModule {
  static forRoot(config: ConfigApiConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [AppFoundationModule.forRoot('config-api', ConfigApiConfig, config, logger)],
      providers: [{ provide: SecretBox, useValue: SecretBox.fromConfig(config) }, ...mongoProviders(config, CONFIG_API_COLLECTIONS, logger)],
      exports: [SecretBox, MONGO_CONNECTION, IndexCheck],
    };
  }
}
