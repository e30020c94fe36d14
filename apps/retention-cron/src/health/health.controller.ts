import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import { IndexCheck, MONGO_CONNECTION, indexHealthIndicator, pingMongo } from '@wirehook/mongo';
import { MetricsRegistry, registerReadinessMetric } from '@wirehook/metrics';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';

/** Liveness, and readiness: NATS connected, MongoDB answering, the indexes in place. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indexes: IndexCheck,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    registry: MetricsRegistry,
  ) {
    // wirehook_ready: the same check at each scrape, so an alert sees an app that runs but is not ready.
    registerReadinessMetric(registry, () => this.ready());
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => natsHealthIndicator(this.nc),
      async () => {
        try {
          await pingMongo(this.mongo);
          return { mongodb: { status: 'up' } };
        } catch (error) {
          throw new HealthCheckError('MongoDB is not reachable', { mongodb: { status: 'down', message: (error as Error).message } });
        }
      },
      () => indexHealthIndicator(this.indexes),
    ]);
  }
}
