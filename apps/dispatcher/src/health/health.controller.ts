import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { MetricsRegistry, registerReadinessMetric } from '@wirehook/metrics';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';

/**
 * Liveness (the process answers) and readiness (connected to NATS, and every configuration
 * entry applied: a rejected one means deliveries run on an older configuration).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly directory: EndpointDirectory,
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
    return this.health.check([() => natsHealthIndicator(this.nc), () => this.configuration()]);
  }

  private configuration(): HealthIndicatorResult {
    const rejected = this.directory.rejectedEntries();
    if (rejected.length === 0) return { configuration: { status: 'up' } };
    const result: HealthIndicatorResult = { configuration: { status: 'down', rejected } };
    throw new HealthCheckError('configuration entries could not be applied', result);
  }
}
