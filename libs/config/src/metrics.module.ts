import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Module, SetMetadata, UnauthorizedException, type DynamicModule } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Route metadata: open without authentication (edges that authenticate every route honour it). */
export const PUBLIC_ROUTE_KEY = 'wirehook:public-route';

/**
 * The app's Prometheus registry: its own, not prom-client's global one, so two apps booted in
 * one test process never collide.
 */
export class MetricsRegistry extends Registry {}

/** Who may read `GET /metrics`: with a token (`METRICS_TOKEN`), only requests that bear it. */
export class MetricsAccess {
  private readonly digest: Buffer | undefined;

  constructor(token: string | undefined) {
    this.digest = token ? MetricsAccess.digestOf(token) : undefined;
  }

  private static digestOf(text: string): Buffer {
    return createHash('sha256').update(text).digest();
  }

  /**
   * Throws a 401 unless the route is open (no token configured) or `authorization` is
   * `Bearer <token>`. Digests are compared in constant time, so timing tells nothing of the token.
   */
  check(authorization: string | undefined): void {
    if (!this.digest) return;
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (presented && timingSafeEqual(MetricsAccess.digestOf(presented), this.digest)) return;
    throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
  }
}

@Controller('metrics')
class MetricsController {
  constructor(
    private readonly registry: MetricsRegistry,
    private readonly access: MetricsAccess,
  ) {}

  // Public to the API key guard of config-api: the metrics token, not an API key, guards it.
  @Get()
  @SetMetadata(PUBLIC_ROUTE_KEY, true)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    this.access.check(authorization);
    return this.registry.metrics();
  }
}

export interface MetricsOptions {
  /** `METRICS_TOKEN`: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

/**
 * `GET /metrics` with the process metrics and whatever the app registers in {@link MetricsRegistry};
 * with a token, only for requests that bear it (401 otherwise).
 */
@Module({})
export class MetricsModule {
  static forRoot(app: string, options: MetricsOptions = {}): DynamicModule {
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
        { provide: MetricsAccess, useValue: new MetricsAccess(options.token) },
      ],
      exports: [MetricsRegistry],
    };
  }
}
