import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import {
  EndpointHealthMessage,
  HealthBucketNames,
  OperationalSubjects,
  decodeMessage,
  encodeMessage,
  endpointDisabledMessageId,
  endpointHealthKey,
  type EndpointDisabledMessage,
  type EndpointDisabledReason,
  type EndpointSnapshotMessage,
} from '@wirehook/contracts';
import { JETSTREAM, NATS_CONNECTION, openBucket } from '@wirehook/nats';
import { DispatcherConfig } from '../config/dispatcher.config';
import { parseDuration } from '../delivery/retry-schedule';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';

/**
 * Endpoint health shared by all dispatcher replicas through a KV bucket: a failing endpoint
 * has an entry with the start of its failures, a success removes it. An endpoint that keeps
 * failing for the whole window, or answers 410 Gone, is disabled: the dispatcher stops
 * delivering to it at once and publishes `endpoint.disabled`, which config-api records.
 */
@Injectable()
export class EndpointHealthTracker implements OnModuleInit {
  private bucket!: KV;
  /** Endpoints this process saw failing, so a success costs a KV write only after failures. */
  private readonly failing = new Set<string>();
  private readonly disableAfterMs: number | undefined;

  constructor(
    config: DispatcherConfig,
    private readonly directory: EndpointDirectory,
    private readonly metrics: DispatcherMetrics,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.disableAfterMs = config.DELIVERY_DISABLE_AFTER === 'off' ? undefined : parseDuration(config.DELIVERY_DISABLE_AFTER);
  }

  async onModuleInit(): Promise<void> {
    this.bucket = await openBucket(this.nc, HealthBucketNames.endpoints);
  }

  async recordSuccess(endpoint: EndpointSnapshotMessage): Promise<void> {
    const key = endpointHealthKey(endpoint.tenantId, endpoint.id);
    if (!this.failing.delete(key)) return;
    await this.bucket.delete(key);
  }

  /** Counts a failure; disables the endpoint when it has failed for the whole window. */
  async recordFailure(endpoint: EndpointSnapshotMessage, at: Date): Promise<void> {
    const key = endpointHealthKey(endpoint.tenantId, endpoint.id);
    this.failing.add(key);
    const entry = await this.bucket.get(key);
    const previous = entry?.operation === 'PUT' ? decodeMessage(EndpointHealthMessage, entry.value) : undefined;
    const health: EndpointHealthMessage = {
      failingSince: previous?.failingSince ?? at.toISOString(),
      consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1,
    };
    await this.bucket.put(key, encodeMessage(health));
    const failingForMs = at.getTime() - Date.parse(health.failingSince);
    if (this.disableAfterMs !== undefined && failingForMs >= this.disableAfterMs) {
      await this.disable(endpoint, 'failing', `failing since ${health.failingSince} (${health.consecutiveFailures} failures in a row)`);
    }
  }

  /** Stops deliveries to the endpoint now and tells config-api to record it. */
  async disable(endpoint: EndpointSnapshotMessage, reason: EndpointDisabledReason, detail: string): Promise<void> {
    this.directory.markInactive(endpoint.tenantId, endpoint.id);
    const event: EndpointDisabledMessage = {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      reason,
      detail,
      revision: endpoint.revision,
      disabledAt: new Date().toISOString(),
    };
    // One event per configuration revision, however many replicas decide at once.
    await this.js.publish(OperationalSubjects.endpointDisabled, encodeMessage(event), { msgID: endpointDisabledMessageId(endpoint.id, endpoint.revision) });
    await this.bucket.delete(endpointHealthKey(endpoint.tenantId, endpoint.id));
    this.failing.delete(endpointHealthKey(endpoint.tenantId, endpoint.id));
    this.metrics.endpointDisabled(reason);
    this.logger.warn({ tenantId: endpoint.tenantId, endpointId: endpoint.id, reason, detail }, 'endpoint disabled');
  }
}
