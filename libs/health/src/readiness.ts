import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { HealthIndicatorFunction } from '@nestjs/terminus';
import { READINESS_CHECKS } from './health.controller';

/**
 * The provider of an app's readiness checks: `build` receives the providers named in `inject`,
 * in that order, and returns the checks `/health/ready` runs.
 */
export function readinessChecks<Deps extends unknown[]>(inject: InjectionToken[], build: (...deps: Deps) => HealthIndicatorFunction[]): FactoryProvider {
  return { provide: READINESS_CHECKS, inject, useFactory: (...deps: unknown[]) => build(...(deps as Deps)) };
}
