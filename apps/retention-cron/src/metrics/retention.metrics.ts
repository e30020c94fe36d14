import { Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import { MetricsRegistry } from '@wirehook/metrics';
import { RETENTION_RUN_RESULTS, type RetentionRunSummaryMessage } from '@wirehook/contracts';

/**
 * retention-cron's Prometheus metrics, in a registry of the app's own (not prom-client's global
 * one, so two apps in one test process never collide), served by the shared metrics module.
 * Every label value is created at zero so alerts see a series before the first run. Its series
 * carry no `app` label, unlike the other apps': dashboards built on them stay valid.
 */
export class RetentionMetrics {
  readonly registry = new MetricsRegistry();

  private readonly runs = new Counter({
    name: 'wirehook_retention_runs_total',
    help: 'Retention runs by result (completed, skipped, aborted, failed) and whether they were dry runs',
    labelNames: ['result', 'dry_run'] as const,
    registers: [this.registry],
  });

  private readonly deleted = new Counter({
    name: 'wirehook_retention_deleted_total',
    help: 'Delivery log documents deleted by retention, by kind (deliveries, attempts); dry runs count nothing',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly batches = new Counter({
    name: 'wirehook_retention_batches_total',
    help: 'Retention batches processed, dry runs included',
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'wirehook_retention_run_duration_seconds',
    help: 'Duration of retention runs that held the lease, and of dry runs',
    labelNames: ['dry_run'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
    registers: [this.registry],
  });

  private readonly lastCompleted = new Gauge({
    name: 'wirehook_retention_last_run_timestamp_seconds',
    help: 'Unix time at which the last completed (not dry) retention run of this process finished',
    registers: [this.registry],
  });

  private readonly lastSuccess = new Gauge({
    name: 'wirehook_retention_last_success_timestamp_seconds',
    help: 'Unix time at which the last successful (completed, not dry) retention run of this process finished; 0 before the first',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const result of RETENTION_RUN_RESULTS) {
      for (const dryRun of ['true', 'false']) this.runs.inc({ result, dry_run: dryRun }, 0);
    }
    this.deleted.inc({ kind: 'deliveries' }, 0);
    this.deleted.inc({ kind: 'attempts' }, 0);
  }

  /** Counts one finished run. */
  record(summary: RetentionRunSummaryMessage): void {
    const dryRun = String(summary.dryRun);
    this.runs.inc({ result: summary.result, dry_run: dryRun });
    if (summary.result === 'skipped') return;
    this.batches.inc(summary.batches);
    this.duration.observe({ dry_run: dryRun }, summary.durationMs / 1000);
    if (summary.dryRun) return;
    this.deleted.inc({ kind: 'deliveries' }, summary.deleted.deliveries);
    this.deleted.inc({ kind: 'attempts' }, summary.deleted.attempts);
    if (summary.result !== 'completed') return;
    const finishedAt = Date.parse(summary.finishedAt) / 1000;
    this.lastCompleted.set(finishedAt);
    this.lastSuccess.set(finishedAt);
  }
}
