import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  UnauthorizedException,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

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

/** Injection token of the options the module was given. */
const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

/**
 * `GET /metrics` on a port of its own (`METRICS_PORT`), so that whatever exposes the app's main
 * port (an Ingress) never exposes the metrics. Every other path and method answers 404.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly access: MetricsAccess,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  /** The port it listens on (the one asked for, or the one the system chose for port 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.options.logger?.info({ port: this.port }, 'metrics served on their own port');
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    try {
      this.access.check(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) throw error;
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' }).end(`${error.message}\n`);
      return;
    }
    try {
      const body = await this.registry.metrics();
      response.writeHead(200, { 'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE }).end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.options.logger?.error({ err: error }, 'collecting metrics failed');
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('collecting metrics failed\n');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Scrapes use keep-alive: without closing idle connections, close() would wait for them.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}

export interface MetricsOptions {
  /** `METRICS_TOKEN`: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * `METRICS_PORT`: when set, `GET /metrics` is served only there, by a listener of its own,
   * and the app's main port answers 404 for it. 0 picks a free port (tests).
   */
  port?: number;
  /** Interface of the metrics listener; all by default. */
  host?: string;
  /** Where the metrics listener reports its port and scrapes that failed. */
  logger?: Logger;
  /**
   * The registry to serve, for an app that builds its own; by default the module makes one with
   * the process metrics and an `app` label on every series.
   */
  registry?: MetricsRegistry;
}

/**
 * `GET /metrics` with the process metrics and whatever the app registers in {@link MetricsRegistry};
 * with a token, only for requests that bear it (401 otherwise); with a port, only on that port.
 */
@Module({})
export class MetricsModule {
  static forRoot(app: string, options: MetricsOptions = {}): DynamicModule {
    const ownPort = options.port !== undefined;
    const providers: Provider[] = [
      {
        provide: MetricsRegistry,
        useFactory: () => {
          if (options.registry) return options.registry;
          const registry = new MetricsRegistry();
          registry.setDefaultLabels({ app });
          collectDefaultMetrics({ register: registry });
          return registry;
        },
      },
      { provide: MetricsAccess, useValue: new MetricsAccess(options.token) },
      { provide: METRICS_OPTIONS, useValue: options },
    ];
    if (ownPort) providers.push(MetricsListener);
    return {
      module: MetricsModule,
      global: true,
      controllers: ownPort ? [] : [MetricsController],
      providers,
      exports: [MetricsRegistry],
    };
  }
}

/** Longest a readiness check may take at scrape time before it counts as not ready. */
const READINESS_TIMEOUT_MS = 5_000;

/**
 * `wirehook_ready`: 1 while the app's readiness check (the one behind `/health/ready`) passes,
 * 0 otherwise; evaluated at each scrape. `check` rejects when the app is not ready.
 */
export function registerReadinessMetric(registry: Registry, check: () => Promise<unknown>): Gauge {
  return new Gauge({
    name: 'wirehook_ready',
    help: 'Whether the app is ready (its /health/ready check passes): 1 or 0, evaluated at scrape time',
    registers: [registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('readiness check timed out')), READINESS_TIMEOUT_MS);
      });
      try {
        await Promise.race([check(), timedOut]);
        this.set(1);
      } catch {
        this.set(0);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
