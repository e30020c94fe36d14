import { NatsConnectionImpl, setTransportFactory } from '@nats-io/nats-core/internal';
import type { NatsConnection } from '@nats-io/transport-node';
import { nodeResolveHost } from '@nats-io/transport-node/lib/node_transport';
import { CoalescingTransport } from './coalescing-transport';

/**
 * Connects to NATS and keeps reconnecting for ever: a broker restart must never end a
 * process that can simply wait for it. This is `connect` of `@nats-io/transport-node` with a
 * transport that batches socket writes. The transport factory is process-wide in nats.js: a
 * later plain `connect` in the same process (tests do that) makes reconnects use the stock
 * transport, which behaves the same, one write at a time.
 */
export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new CoalescingTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect({
    servers: servers.split(',').map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // An error object with a stack for every request costs measurable CPU at thousands per second.
    noAsyncTraces: true,
  });
}
