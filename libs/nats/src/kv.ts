import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { HealthBucketNames, KvBucketNames } from '@wirehook/contracts';

/** The platform's KV buckets, created with the stream replica count by {@link ensureBuckets}. */
export const BUCKET_NAMES: readonly string[] = [...Object.values(KvBucketNames), ...Object.values(HealthBucketNames)];

/** Opens a KV bucket, creating it (one value per key, file storage) if missing. */
export async function openBucket(nc: NatsConnection, name: string, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(name, { history: 1, replicas });
}

/**
 * Creates the platform's KV buckets with `replicas` copies, or sets an existing bucket's count
 * (opening a bucket never changes its settings, so the backing stream is updated directly).
 */
export async function ensureBuckets(nc: NatsConnection, replicas: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of BUCKET_NAMES) {
    const bucket = await openBucket(nc, name, replicas);
    const status = await bucket.status();
    if (status.replicas === replicas) continue;
    const stream = status.streamInfo.config;
    await jsm.streams.update(stream.name, { ...stream, num_replicas: replicas });
  }
}
