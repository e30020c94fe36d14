import type { NatsConnection } from '@nats-io/transport-node';
import { RetentionSubjects, encodeMessage, type RetentionRunSummaryMessage } from '@wirehook/contracts';

/**
 * Publishes run summaries on `webhooks.ops.v1.retention.run-completed` (core NATS: an
 * operational event for whoever listens, not a record to keep). Skipped runs are not
 * published: with several replicas every schedule tick skips all but one of them.
 */
export class RetentionEventPublisher {
  constructor(private readonly nc: NatsConnection) {}

  publish(summary: RetentionRunSummaryMessage): void {
    if (summary.result === 'skipped') return;
    this.nc.publish(RetentionSubjects.runCompleted, encodeMessage(summary));
  }
}
