import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createTracing, type TracingSettings } from './create-tracing';
import type { TracingLogger } from './otlp-tracing';
import { Tracing } from './tracing';

/** Exports the spans still buffered when the app stops. */
class TracingShutdown implements OnApplicationShutdown {
  constructor(private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/** Provides the app's {@link Tracing} to every module. */
@Global()
@Module({})
export class TracingModule {
  static forRoot(settings: TracingSettings, logger?: TracingLogger): DynamicModule {
    return {
      module: TracingModule,
      providers: [
        { provide: Tracing, useFactory: () => createTracing(settings, logger) },
        { provide: TracingShutdown, inject: [Tracing], useFactory: (tracing: Tracing) => new TracingShutdown(tracing) },
      ],
      exports: [Tracing],
    };
  }
}
