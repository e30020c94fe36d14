import { Controller, Get, Header, Module, SetMetadata, type DynamicModule } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Route metadata: open without authentication (edges that authenticate every route honour it). */
export const PUBLIC_ROUTE_KEY = 'wirehook:public-route';

/**
 * The app's Prometheus registry: its own, not prom-client's global one, so two apps booted in
 * one test process never collide.
 */
export class MetricsRegistry extends Registry {}

@Controller('metrics')
class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @SetMetadata(PUBLIC_ROUTE_KEY, true)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** `GET /metrics` with the process metrics and whatever the app registers in {@link MetricsRegistry}. */
@Module({})
export class MetricsModule {
  static forRoot(app: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        {
          provide: MetricsRegistry,
          useFactory: () => {
            const registry = new MetricsRegistry();
            registry.setDefaultLabels({ app });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
      ],
      exports: [MetricsRegistry],
    };
  }
}
