import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import {
  ConfigKeyPrefixes,
  EndpointSnapshotMessage,
  HealthBucketNames,
  InvalidMessageError,
  KvBucketNames,
  decodeMessage,
  encodeMessage,
  endpointConfigKey,
  endpointHealthKey,
  tenantConfigKey,
  type TenantSnapshotMessage,
} from '@wirehook/contracts';
import { NATS_CONNECTION, openBucket } from '@wirehook/nats';
import type { EndpointDocument } from '../webhooks/endpoint.schema';
import type { TenantDocument } from '../tenants/tenant.schema';
import { EndpointRepository } from '../webhooks/endpoint.repository';
import { TenantRepository } from '../tenants/tenant.repository';

const WRITE_ATTEMPTS = 5;
/** After a write failed every retry, a full resync runs this often until it succeeds. */
const RESYNC_INTERVAL_MS = 30_000;

export function toEndpointSnapshot(endpoint: EndpointDocument): EndpointSnapshotMessage {
  return {
    id: endpoint._id,
    tenantId: endpoint.tenantId,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    active: endpoint.active,
    secrets: endpoint.secrets.map((secret) => ({ encrypted: secret.encrypted, expiresAt: secret.expiresAt?.toISOString() })),
    auth: endpoint.auth
      ? {
          type: endpoint.auth.type,
          headerName: endpoint.auth.headerName ?? undefined,
          encryptedValue: endpoint.auth.encryptedValue,
          tokenUrl: endpoint.auth.tokenUrl,
          clientId: endpoint.auth.clientId,
          scope: endpoint.auth.scope ?? undefined,
          audience: endpoint.auth.audience ?? undefined,
        }
      : undefined,
    tlsClient: endpoint.tlsClient
      ? { encryptedCertificate: endpoint.tlsClient.encryptedCertificate, encryptedPrivateKey: endpoint.tlsClient.encryptedPrivateKey }
      : undefined,
    encryptedProxyUrl: endpoint.proxy?.encryptedUrl,
    encryptedHeaders: endpoint.encryptedHeaders,
    timeoutMs: endpoint.timeoutMs,
    retryScheduleMs: endpoint.retryScheduleMs ?? undefined,
    maxConcurrency: endpoint.maxConcurrency,
    rateLimitPerSecond: endpoint.rateLimitPerSecond ?? undefined,
    tenantField: endpoint.tenantField,
    revision: endpoint.revision,
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

/**
 * The snapshot of `endpoint` as the bus carries it, decoded exactly as the dispatcher decodes
 * it: a snapshot the dispatcher would refuse fails here, before anything is written.
 */
export function encodeEndpointSnapshot(endpoint: EndpointDocument): Uint8Array {
  const bytes = encodeMessage(toEndpointSnapshot(endpoint));
  decodeMessage(EndpointSnapshotMessage, bytes);
  return bytes;
}

/** A change config-api must not store: the dispatcher could not apply it. */
export class UndeliverableConfigurationError extends Error {
  constructor(
    readonly endpointId: string,
    readonly problems: string[],
  ) {
    super(`the configuration of endpoint ${endpointId} would not be accepted by the dispatcher: ${problems.join('; ')}`);
    this.name = 'UndeliverableConfigurationError';
  }
}

function toTenantSnapshot(tenant: TenantDocument): TenantSnapshotMessage {
  return { id: tenant._id, name: tenant.name, revision: tenant.revision, updatedAt: tenant.updatedAt.toISOString() };
}

/**
 * Replicates configuration from MongoDB (the source of truth) to the KV bucket the dispatcher
 * watches. Each change is written right after its MongoDB write, with retries; a full resync
 * at boot, and again while a write has failed, repairs anything a failed write left behind.
 */
@Injectable()
export class ConfigReplicator implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private bucket!: KV;
  private healthBucket!: KV;
  private resyncTimer?: NodeJS.Timeout;
  /** Set when a write failed every retry; cleared by a successful resync. */
  private outOfSync = false;

  constructor(
    private readonly tenants: TenantRepository,
    private readonly endpoints: EndpointRepository,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bucket = await openBucket(this.nc, KvBucketNames.config);
    this.healthBucket = await openBucket(this.nc, HealthBucketNames.endpoints);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.resync();
    this.resyncTimer = setInterval(() => {
      if (!this.outOfSync) return;
      this.resync().catch((error: unknown) => this.logger.error({ err: error }, 'configuration resync failed'));
    }, RESYNC_INTERVAL_MS);
    this.resyncTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.resyncTimer);
  }

  async publishTenant(tenant: TenantDocument): Promise<void> {
    await this.write(() => this.bucket.put(tenantConfigKey(tenant._id), encodeMessage(toTenantSnapshot(tenant))), tenantConfigKey(tenant._id));
  }

  async removeTenant(tenantId: string): Promise<void> {
    await this.write(() => this.bucket.delete(tenantConfigKey(tenantId)), tenantConfigKey(tenantId));
  }

  /**
   * Throws {@link UndeliverableConfigurationError} when the dispatcher would refuse the
   * snapshot of `endpoint`; called before a change is stored, so the API answers an error
   * instead of the dispatcher silently keeping the previous configuration.
   */
  assertDeliverable(endpoint: EndpointDocument): void {
    try {
      encodeEndpointSnapshot(endpoint);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      this.logger.error(
        { endpointId: endpoint._id, tenantId: endpoint.tenantId, problems: error.problems },
        'refused to store an endpoint configuration the dispatcher would reject',
      );
      throw new UndeliverableConfigurationError(endpoint._id, error.problems);
    }
  }

  async publishEndpoint(endpoint: EndpointDocument): Promise<void> {
    const key = endpointConfigKey(endpoint.tenantId, endpoint._id);
    let bytes: Uint8Array;
    try {
      bytes = encodeEndpointSnapshot(endpoint);
    } catch (error) {
      // Only a document stored under older rules gets here. It is still written, so the
      // dispatcher reports it too (log, metric, readiness) instead of silently running on.
      this.logger.error({ err: error, key }, 'an endpoint configuration in MongoDB will be rejected by the dispatcher; change or delete the webhook');
      bytes = encodeMessage(toEndpointSnapshot(endpoint));
    }
    await this.write(() => this.bucket.put(key, bytes), key);
  }

  async removeEndpoint(tenantId: string, endpointId: string): Promise<void> {
    const key = endpointConfigKey(tenantId, endpointId);
    await this.write(() => this.bucket.delete(key), key);
  }

  /** Forgets an endpoint's failures (the dispatcher's health bucket). */
  async clearHealth(tenantId: string, endpointId: string): Promise<void> {
    const key = endpointHealthKey(tenantId, endpointId);
    await this.write(() => this.healthBucket.delete(key), key);
  }

  /** Makes the bucket equal MongoDB: every tenant and endpoint written, every other key deleted. */
  async resync(): Promise<void> {
    this.outOfSync = false;
    const wanted = new Set<string>();
    for (const tenant of await this.tenants.all()) {
      wanted.add(tenantConfigKey(tenant._id));
      await this.publishTenant(tenant);
    }
    for await (const endpoint of this.endpoints.all()) {
      wanted.add(endpointConfigKey(endpoint.tenantId, endpoint._id));
      await this.publishEndpoint(endpoint);
    }
    const stale: string[] = [];
    for await (const key of await this.bucket.keys(`${ConfigKeyPrefixes.tenants}.>`)) if (!wanted.has(key)) stale.push(key);
    for await (const key of await this.bucket.keys(`${ConfigKeyPrefixes.endpoints}.>`)) if (!wanted.has(key)) stale.push(key);
    for (const key of stale) await this.write(() => this.bucket.delete(key), key);
  }

  private async write(operation: () => Promise<unknown>, key: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await operation();
        return;
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS) {
          // MongoDB already holds the change; the periodic resync will replicate it.
          this.outOfSync = true;
          this.logger.error({ err: error, key }, 'replicating configuration failed; the next resync will retry');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
