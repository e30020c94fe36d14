import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** Opens a KV bucket, creating it (one value per key, file storage) if missing. */
export async function openBucket(nc: NatsConnection, name: string): Promise<KV> {
  return new Kvm(nc).create(name, { history: 1 });
}
