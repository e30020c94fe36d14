import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { HealthBucketNames, KvBucketNames, MembershipBucketNames } from '@wirehook/contracts';
import { whileJetStreamSettles } from './jetstream-setup';
import { untilLed } from './streams';

/** Entries of the membership bucket not rewritten for this long are dropped by the server. */
const MEMBERSHIP_ENTRY_TTL_MS = 60_000;

/** Settings of a bucket beyond its name; every bucket keeps one value per key in file storage. */
interface BucketSettings {
  /** Entries older than this are removed. */
  ttlMs?: number;
}

const BUCKETS: Record<string, BucketSettings> = {
  [KvBucketNames.config]: {},
  [HealthBucketNames.endpoints]: {},
  [MembershipBucketNames.dispatchers]: { ttlMs: MEMBERSHIP_ENTRY_TTL_MS },
};

/** The platform's KV buckets, created with the stream replica count by {@link ensureBuckets}. */
export const BUCKET_NAMES: readonly string[] = Object.keys(BUCKETS);

/**
 * Opens one of the platform's KV buckets, creating it with its settings if missing (waiting out
 * a cluster that is still electing leaders, as at start-up).
 */
export async function openBucket(nc: NatsConnection, name: string, replicas = 1): Promise<KV> {
  return whileJetStreamSettles(() => new Kvm(nc).create(name, { history: 1, replicas, ttl: BUCKETS[name]?.ttlMs ?? 0 }));
}

/**
 * Creates the platform's KV buckets with `replicas` copies, or sets an existing bucket's count
 * (opening a bucket never changes its settings, so the backing stream is updated directly).
 */
export async function ensureBuckets(nc: NatsConnection, replicas: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await Promise.all(
    BUCKET_NAMES.map(async (name) => {
      const bucket = await openBucket(nc, name, replicas);
      // On a cluster, a bucket another app has just created can be unknown for a moment to the
      // server that answers: its stream is found once the creation has reached every node.
      const status = await whileJetStreamSettles(
        () => bucket.status(),
        (error) => error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound,
      );
      const stream = status.streamInfo.config;
      if (status.replicas !== replicas) await jsm.streams.update(stream.name, { ...stream, num_replicas: replicas });
      await untilLed(jsm, stream.name);
    }),
  );
}
