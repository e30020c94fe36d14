import { Controller, Get, Header, Headers } from '@nestjs/common';
import { Registry } from 'prom-client';
import { MetricsAccess } from '@wirehook/config';
import { RetentionCronConfig } from '../config/retention-cron.config';
import { RetentionMetrics } from './retention.metrics';

/** Prometheus scrape endpoint on the app's HTTP port; with `METRICS_TOKEN`, for requests that bear it. */
@Controller('metrics')
export class MetricsController {
  private readonly access: MetricsAccess;

  constructor(
    private readonly metrics: RetentionMetrics,
    config: RetentionCronConfig,
  ) {
    this.access = new MetricsAccess(config.METRICS_TOKEN);
  }

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    this.access.check(authorization);
    return this.metrics.exposition();
  }
}
