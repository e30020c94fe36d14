import { HealthCheckError, type HealthIndicatorResult } from '@nestjs/terminus';
import type { EndpointDirectory } from './endpoint-directory.service';

/**
 * Every configuration entry is applied: a rejected one means deliveries run on an older
 * configuration, which readiness reports.
 */
export function configurationHealthIndicator(directory: EndpointDirectory): HealthIndicatorResult {
  const rejected = directory.rejectedEntries();
  if (rejected.length === 0) return { configuration: { status: 'up' } };
  throw new HealthCheckError('configuration entries could not be applied', { configuration: { status: 'down', rejected } });
}
