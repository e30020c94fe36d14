import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { MembershipBucketNames } from '@wirehook/contracts';
import { NATS_CONNECTION, openBucket } from '@wirehook/nats';
import type { EndpointLimits } from '../delivery/endpoint-gate';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';
import { replicaShare, type ReplicaView } from './replica-share';

/** How often a replica says it is alive. */
const HEARTBEAT_MS = 1_000;
/** A replica not heard from for this long counts as gone; its share goes to the others. */
const MEMBER_TIMEOUT_MS = 5_000;
/** A joining replica waits this long before it delivers, so the others have cut their shares. */
const JOIN_SETTLE_MS = 2 * HEARTBEAT_MS;

/**
 * The live dispatcher replicas, known through a KV bucket every replica rewrites its key in
 * every second and watches. Per-endpoint limits are promises to the receiver, so each replica
 * uses only its share of them ({@link replicaShare}); shares follow the live count.
 *
 * A gone replica is counted until its key has been quiet for {@link MEMBER_TIMEOUT_MS}, so the
 * others' shares are too small for a few seconds, never too large. A new replica is seen by the
 * others within milliseconds and starts delivering only after {@link JOIN_SETTLE_MS}; requests
 * the others started under their older, larger share still finish, so the cap can be exceeded
 * for at most the duration of those requests while a replica joins.
 */
@Injectable()
export class DispatcherMembership {
  readonly instanceId = `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  /** When each replica was last heard from, by this process's clock. */
  private readonly lastSeen = new Map<string, number>();
  private view: ReplicaView = { count: 1, rank: 0 };
  private bucket?: KV;
  private watcher?: QueuedIterator<KvWatchEntry>;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly metrics: DispatcherMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** This replica's part of an endpoint's limits. */
  shareOf(endpointId: string, limits: EndpointLimits): EndpointLimits {
    return replicaShare(limits, endpointId, this.view);
  }

  /** Announces this replica and resolves once the others have had time to make room for it. */
  async join(): Promise<void> {
    const bucket = await openBucket(this.nc, MembershipBucketNames.dispatchers);
    this.bucket = bucket;
    await this.announce();
    this.watcher = await bucket.watch();
    void this.follow(this.watcher);
    this.heartbeat = setInterval(() => {
      this.announce().catch((error: unknown) => this.logger.warn({ err: error }, 'could not renew dispatcher membership'));
      this.refreshView();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    // Replicas known already learn of this one now; until they did, it must not take their share.
    const others = (await this.currentMembers()).filter((member) => member !== this.instanceId);
    if (others.length > 0) await new Promise((done) => setTimeout(done, JOIN_SETTLE_MS));
    this.refreshView();
    this.logger.info({ instanceId: this.instanceId, replicas: this.view.count }, 'joined the dispatcher replicas');
  }

  /** Leaves at once, so the other replicas take over this one's share without waiting for the timeout. */
  async leave(): Promise<void> {
    clearInterval(this.heartbeat);
    this.watcher?.stop();
    await this.bucket?.delete(this.instanceId).catch(() => undefined);
  }

  private async announce(): Promise<void> {
    await this.bucket?.put(this.instanceId, new Date().toISOString());
  }

  private async currentMembers(): Promise<string[]> {
    const members: string[] = [];
    for await (const key of await (this.bucket as KV).keys()) members.push(key);
    return members;
  }

  private async follow(watcher: QueuedIterator<KvWatchEntry>): Promise<void> {
    for await (const entry of watcher) {
      if (entry.operation === 'PUT') this.lastSeen.set(entry.key, Date.now());
      else this.lastSeen.delete(entry.key);
      this.refreshView();
    }
  }

  private refreshView(): void {
    const now = Date.now();
    for (const [member, seenAt] of this.lastSeen) if (now - seenAt > MEMBER_TIMEOUT_MS) this.lastSeen.delete(member);
    const members = [...new Set([...this.lastSeen.keys(), this.instanceId])].sort();
    const view = { count: members.length, rank: members.indexOf(this.instanceId) };
    if (view.count !== this.view.count) this.logger.info({ replicas: view.count }, 'dispatcher replicas changed; endpoint limits shared anew');
    this.view = view;
    this.metrics.replicasSeen(view.count);
  }
}
