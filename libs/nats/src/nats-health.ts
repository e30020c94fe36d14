import { HealthCheckError, type HealthIndicatorResult } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';

const FLUSH_TIMEOUT_MS = 2000;

/** Terminus check: up while the NATS connection is open and not reconnecting. */
export async function natsHealthIndicator(nc: NatsConnection): Promise<HealthIndicatorResult> {
  const up = !nc.isClosed() && !nc.isDraining();
  if (up) {
    try {
      await Promise.race([nc.flush(), new Promise((_, reject) => setTimeout(() => reject(new Error('flush timed out')), FLUSH_TIMEOUT_MS).unref())]);
      return { nats: { status: 'up', server: nc.getServer() } };
    } catch {
      // fall through to down
    }
  }
  const result: HealthIndicatorResult = { nats: { status: 'down' } };
  throw new HealthCheckError('NATS is not reachable', result);
}
