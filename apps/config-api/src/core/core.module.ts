import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule } from '@wirehook/metrics';
import { IndexCheck, MONGO_CONNECTION, mongoProviders } from '@wirehook/mongo';
import { NatsModule } from '@wirehook/nats';
import { SecretBox } from '@wirehook/secret-box';
import { TracingModule } from '@wirehook/tracing';
import { CONFIG_API_COLLECTIONS } from '../collections';
import { ConfigApiConfig } from '../config/config-api.config';

/**
 * What every feature of config-api uses, given to all of them: the config, the logger, the
 * secret box, the MongoDB connection (and the check of its indexes), the NATS connection (with
 * JetStream and the request/reply client of the other apps), tracing and the metrics registry.
 */
@Module({})
export class CoreModule {
  static forRoot(config: ConfigApiConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        NatsModule.forRoot(config, 'config-api'),
        MetricsModule.forRoot('config-api', { token: config.METRICS_TOKEN, port: config.METRICS_PORT, logger }),
        TracingModule.forRoot({ otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'config-api' }, logger),
      ],
      providers: [
        { provide: ConfigApiConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: SecretBox, useValue: SecretBox.fromConfig(config) },
        ...mongoProviders(config, CONFIG_API_COLLECTIONS, logger),
      ],
      exports: [ConfigApiConfig, LOGGER, SecretBox, MONGO_CONNECTION, IndexCheck],
    };
  }
}
