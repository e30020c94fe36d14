import { Controller, Get, Inject, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { MetricsRegistry, PUBLIC_ROUTE_KEY, registerReadinessMetric } from '@wirehook/metrics';

/** Injection token of an app's readiness checks (see {@link readinessChecks}). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/**
 * `/health/live` (the process answers) and `/health/ready` (the app's readiness checks pass), the
 * same in every app. Open without an API key: orchestrators probe them. An app declares it among
 * its controllers, with a {@link readinessChecks} provider beside it, so the checks can use any
 * of the app's own providers (the health-check service comes from `AppFoundationModule`).
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly checks: HealthIndicatorFunction[],
    registry: MetricsRegistry,
  ) {
    // wirehook_ready: the same check at each scrape, so an alert sees an app that runs but is not ready.
    registerReadinessMetric(registry, () => this.ready());
  }

  @Get('live')
  @SetMetadata(PUBLIC_ROUTE_KEY, true)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @SetMetadata(PUBLIC_ROUTE_KEY, true)
  @HealthCheck()
  ready() {
    return this.health.check(this.checks);
  }
}
