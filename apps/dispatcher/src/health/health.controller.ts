import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';

/** Liveness (the process answers) and readiness (connected to NATS). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => natsHealthIndicator(this.nc)]);
  }
}
