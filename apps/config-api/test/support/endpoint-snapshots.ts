import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { EndpointSnapshotMessage, KvBucketNames, decodeMessage, endpointConfigKey } from '@wirehook/contracts';

/**
 * The configuration snapshot of an endpoint in the KV bucket, decoded exactly as the dispatcher
 * decodes it (throws where the dispatcher would refuse it); undefined when there is none.
 */
export async function endpointSnapshot(nc: NatsConnection, tenantId: string, id: string): Promise<EndpointSnapshotMessage | undefined> {
  const entry = await (await new Kvm(nc).open(KvBucketNames.config)).get(endpointConfigKey(tenantId, id));
  return entry && entry.operation === 'PUT' ? decodeMessage(EndpointSnapshotMessage, entry.value) : undefined;
}
