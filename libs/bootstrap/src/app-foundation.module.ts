import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import type { AppConfig } from '@wirehook/config';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule, type MetricsRegistry } from '@wirehook/metrics';
import { NatsModule } from '@wirehook/nats';
import { TracingModule } from '@wirehook/tracing';

export interface AppFoundationOptions {
  /** A registry of the app's own to serve at /metrics instead of the shared one (see `MetricsOptions.registry`). */
  metricsRegistry?: MetricsRegistry;
}

/**
 * What every app stands on, set up the same way everywhere and visible to all its modules: the
 * validated config (under its class) and the logger (`LOGGER`), the NATS connection, `/metrics`,
 * tracing, and the health-check service behind `/health/ready`.
 */
@Module({})
export class AppFoundationModule {
  static forRoot<C extends AppConfig>(app: string, configType: new () => C, config: C, logger: Logger, options: AppFoundationOptions = {}): DynamicModule {
    return {
      module: AppFoundationModule,
      global: true,
      imports: [
        NatsModule.forRoot(config, app),
        TerminusModule,
        MetricsModule.forRoot(app, { token: config.METRICS_TOKEN, port: config.METRICS_PORT, logger, registry: options.metricsRegistry }),
        TracingModule.forRoot({ otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? app }, logger),
      ],
      providers: [
        { provide: configType, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [configType, LOGGER, TerminusModule],
    };
  }
}
