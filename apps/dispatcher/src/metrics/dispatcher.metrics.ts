import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DELIVERY_STATUSES, DeadLetterReason, ENDPOINT_DISABLED_REASONS, type DeliveryStatus, type EndpointDisabledReason } from '@wirehook/contracts';
import { MetricsRegistry } from '@wirehook/metrics';

/** The dispatcher's Prometheus metrics. */
@Injectable()
export class DispatcherMetrics {
  private readonly attempts: Counter<'status'>;
  private readonly duration: Histogram;
  private readonly inFlight: Gauge<'endpoint_id'>;
  private readonly retriesScheduled: Counter;
  private readonly deadLettered: Counter<'reason'>;
  private readonly disabled: Counter<'reason'>;
  private readonly configRejected: Counter<'kind'>;
  private readonly configRejectedNow: Gauge;
  private readonly liveReplicas: Gauge;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'wirehook_delivery_attempts_total',
      help: 'Delivery attempts by the delivery status they led to',
      labelNames: ['status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'wirehook_delivery_duration_seconds',
      help: 'Time from sending a webhook to its answer (or error)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'wirehook_deliveries_in_flight',
      help: 'Requests in flight per endpoint in this process',
      labelNames: ['endpoint_id'],
      registers,
    });
    this.retriesScheduled = new Counter({ name: 'wirehook_retries_scheduled_total', help: 'Automatic retries scheduled', registers });
    this.deadLettered = new Counter({ name: 'wirehook_dead_lettered_total', help: 'Messages dead-lettered, by reason', labelNames: ['reason'], registers });
    this.disabled = new Counter({
      name: 'wirehook_endpoints_disabled_total',
      help: 'Endpoints disabled by the dispatcher, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.configRejected = new Counter({
      name: 'wirehook_config_entries_rejected_total',
      help: 'Configuration entries (tenants, endpoints) from the KV bucket this process could not apply, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.configRejectedNow = new Gauge({
      name: 'wirehook_config_entries_rejected',
      help: 'Configuration keys whose latest entry this process could not apply (it runs on their previous value)',
      registers,
    });
    this.liveReplicas = new Gauge({
      name: 'wirehook_dispatcher_replicas',
      help: 'Live dispatcher replicas this process counts when it shares out per-endpoint limits',
      registers,
    });
    this.liveReplicas.set(1);
    for (const kind of ['tenant', 'endpoint']) this.configRejected.inc({ kind }, 0);
    for (const status of DELIVERY_STATUSES) this.attempts.inc({ status }, 0);
    for (const reason of Object.values(DeadLetterReason)) this.deadLettered.inc({ reason }, 0);
    // At zero from the start: an alert on increase() sees the first disable only if the series exists before it.
    for (const reason of ENDPOINT_DISABLED_REASONS) this.disabled.inc({ reason }, 0);
  }

  replicasSeen(count: number): void {
    this.liveReplicas.set(count);
  }

  attemptStarted(endpointId: string): void {
    this.inFlight.inc({ endpoint_id: endpointId });
  }

  attemptFinished(endpointId: string, status: DeliveryStatus, durationMs: number, retryScheduled: boolean): void {
    this.inFlight.dec({ endpoint_id: endpointId });
    this.attempts.inc({ status });
    this.duration.observe(durationMs / 1000);
    if (retryScheduled) this.retriesScheduled.inc();
  }

  deadLetteredMessage(reason: DeadLetterReason): void {
    this.deadLettered.inc({ reason });
  }

  endpointDisabled(reason: EndpointDisabledReason): void {
    this.disabled.inc({ reason });
  }

  /** A configuration entry could not be applied; `pending` is how many keys are in that state now. */
  configEntryRejected(kind: 'tenant' | 'endpoint', pending: number): void {
    this.configRejected.inc({ kind });
    this.configRejectedNow.set(pending);
  }

  /** How many configuration keys have a latest entry that could not be applied. */
  configEntriesPending(pending: number): void {
    this.configRejectedNow.set(pending);
  }
}
