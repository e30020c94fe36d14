import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { RetentionMetrics } from './retention.metrics';

/** Prometheus scrape endpoint on the app's HTTP port. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: RetentionMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.exposition();
  }
}
