import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import {
  ConfigKeyPrefixes,
  ENCRYPTION_KEY_CHECK_CONFIG_KEY,
  EndpointSnapshotMessage,
  InvalidMessageError,
  KvBucketNames,
  TenantSnapshotMessage,
  decodeMessage,
  eventMatchesPattern,
} from '@wirehook/contracts';
import { NATS_CONNECTION, openBucket } from '@wirehook/nats';
import { LOGGER } from '@wirehook/logging';
import { SecretBox, SecretDecryptionError } from '@wirehook/secret-box';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';

/** A configuration entry this process could not apply. */
export interface RejectedConfigEntry {
  key: string;
  problems: string[];
  at: string;
}

/**
 * The dispatcher's in-memory view of tenants and endpoints, kept current by watching the
 * configuration KV bucket that config-api writes. Rebuilt from the bucket at every start.
 */
@Injectable()
export class EndpointDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly tenants = new Map<string, TenantSnapshotMessage>();
  private readonly endpointsByTenant = new Map<string, Map<string, EndpointSnapshotMessage>>();
  /** Keys whose latest entry could not be applied; cleared by the next good entry or a delete. */
  private readonly rejected = new Map<string, RejectedConfigEntry>();
  private watcher?: QueuedIterator<KvWatchEntry>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly secretBox: SecretBox,
    private readonly metrics: DispatcherMetrics,
  ) {}

  /**
   * Configuration entries this process could not apply and runs without (on the key's
   * previous value, if any); readiness reports them.
   */
  rejectedEntries(): RejectedConfigEntry[] {
    return [...this.rejected.values()];
  }

  /** Resolves once the bucket's current content is loaded, so no event is judged on a partial view. */
  async onModuleInit(): Promise<void> {
    const bucket = await openBucket(this.nc, KvBucketNames.config);
    await this.checkEncryptionKey(bucket);
    const { values } = await bucket.status();
    this.watcher = await bucket.watch({ key: '>' });
    let markLoaded: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => {
      markLoaded = resolve;
    });
    if (values === 0) markLoaded();
    void (async () => {
      for await (const entry of this.watcher as QueuedIterator<KvWatchEntry>) {
        this.apply(entry);
        if (entry.delta === 0) markLoaded();
      }
    })();
    await loaded;
    this.logger.info({ tenants: this.tenants.size, endpoints: this.endpointCount() }, 'endpoint configuration loaded');
  }

  /**
   * Refuses to start with a key ring that lacks the key config-api's stored secrets are written
   * with (it would fail every delivery). While a key is rotated, the check value stays under the
   * old key until every secret is re-encrypted, so a ring holding either key of the rotation boots.
   */
  private async checkEncryptionKey(bucket: KV): Promise<void> {
    const check = await bucket.get(ENCRYPTION_KEY_CHECK_CONFIG_KEY);
    if (!check || check.operation !== 'PUT') return;
    try {
      this.secretBox.verifyKeyCheck(check.string());
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new Error(
        "CONFIG_ENCRYPTION_KEY differs from config-api's key, and no key of CONFIG_ENCRYPTION_PREVIOUS_KEYS is it: the dispatcher could not decrypt any endpoint secret",
      );
    }
  }

  onApplicationShutdown(): void {
    this.watcher?.stop();
  }

  hasTenant(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }

  get(tenantId: string, endpointId: string): EndpointSnapshotMessage | undefined {
    return this.endpointsByTenant.get(tenantId)?.get(endpointId);
  }

  /**
   * Stops deliveries to an endpoint in this process at once, ahead of the configuration
   * change config-api will replicate.
   */
  markInactive(tenantId: string, endpointId: string): void {
    const endpoint = this.endpointsByTenant.get(tenantId)?.get(endpointId);
    if (endpoint) endpoint.active = false;
  }

  /** Active endpoints of the tenant subscribed to the event type. */
  subscribersOf(tenantId: string, eventType: string): EndpointSnapshotMessage[] {
    const endpoints = this.endpointsByTenant.get(tenantId);
    if (!endpoints) return [];
    return [...endpoints.values()].filter((endpoint) => endpoint.active && endpoint.events.some((pattern) => eventMatchesPattern(eventType, pattern)));
  }

  private endpointCount(): number {
    let count = 0;
    for (const endpoints of this.endpointsByTenant.values()) count += endpoints.size;
    return count;
  }

  /** Applies one entry of the watched bucket; an entry that fails validation is recorded, logged and counted. */
  apply(entry: Pick<KvWatchEntry, 'key' | 'operation' | 'value'>): void {
    if (entry.key === ENCRYPTION_KEY_CHECK_CONFIG_KEY) return;
    const [prefix, tenantId, endpointId] = entry.key.split('.');
    const removed = entry.operation !== 'PUT';
    const kind = prefix === ConfigKeyPrefixes.tenants ? 'tenant' : 'endpoint';
    try {
      if (prefix === ConfigKeyPrefixes.tenants && tenantId) {
        if (removed) {
          this.tenants.delete(tenantId);
          this.endpointsByTenant.delete(tenantId);
        } else {
          this.tenants.set(tenantId, decodeMessage(TenantSnapshotMessage, entry.value));
        }
      } else if (prefix === ConfigKeyPrefixes.endpoints && tenantId && endpointId) {
        const endpoints = this.endpointsByTenant.get(tenantId) ?? new Map<string, EndpointSnapshotMessage>();
        this.endpointsByTenant.set(tenantId, endpoints);
        if (removed) {
          endpoints.delete(endpointId);
        } else {
          const snapshot = decodeMessage(EndpointSnapshotMessage, entry.value);
          const current = endpoints.get(endpointId);
          if (!current || current.revision <= snapshot.revision) endpoints.set(endpointId, snapshot);
        }
      }
      if (this.rejected.delete(entry.key)) this.metrics.configEntriesPending(this.rejected.size);
    } catch (error) {
      const problems = error instanceof InvalidMessageError ? error.problems : [error instanceof Error ? error.message : String(error)];
      this.rejected.set(entry.key, { key: entry.key, problems, at: new Date().toISOString() });
      this.metrics.configEntryRejected(kind, this.rejected.size);
      // Loud on purpose: deliveries for this key go on with its previous configuration.
      this.logger.error(
        { err: error, key: entry.key, problems },
        'rejected a configuration entry: deliveries keep its previous configuration until a valid one arrives',
      );
    }
  }
}
