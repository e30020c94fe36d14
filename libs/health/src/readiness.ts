import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { HealthCheckError, type HealthIndicatorFunction, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { pingMongo } from '@wirehook/mongo';
import { READINESS_CHECKS } from './health.controller';

/**
 * The provider of an app's readiness checks: `build` receives the providers named in `inject`,
 * in that order, and returns the checks `/health/ready` runs.
 */
export function readinessChecks<Deps extends unknown[]>(inject: InjectionToken[], build: (...deps: Deps) => HealthIndicatorFunction[]): FactoryProvider {
  return { provide: READINESS_CHECKS, inject, useFactory: (...deps: unknown[]) => build(...(deps as Deps)) };
}

/**
 * MongoDB answers a ping, and, when the app says so through `refusesWrites`, accepts writes (an
 * app that writes continuously knows before a ping does that a write concern cannot be met).
 */
export async function mongoHealthIndicator(connection: Connection, refusesWrites?: () => boolean): Promise<HealthIndicatorResult> {
  try {
    await pingMongo(connection);
  } catch (error) {
    throw new HealthCheckError('MongoDB is not reachable', { mongodb: { status: 'down', message: (error as Error).message } });
  }
  if (refusesWrites?.()) throw new HealthCheckError('MongoDB refuses writes', { mongodb: { status: 'down', message: 'the last write failed' } });
  return { mongodb: { status: 'up' } };
}
