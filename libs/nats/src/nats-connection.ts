import { NatsConnectionImpl, setTransportFactory } from '@nats-io/nats-core/internal';
import type { NatsConnection } from '@nats-io/transport-node';
import { nodeResolveHost } from '@nats-io/transport-node/lib/node_transport';
import { natsAccessErrorOf } from './nats-access-error';
import { natsConnectionOptions, type NatsClientSettings } from './nats-client-settings';
import { NatsTransport } from './nats-transport';

const RECONNECT_WAIT_MS = 500;

/**
 * How every NATS connection of the platform reconnects: for ever, every half second. The
 * clients' defaults give up after ten attempts, about 20 s of outage, and leave a process that
 * looks alive but no longer hears anything.
 */
export const RECONNECT_FOR_EVER = { maxReconnectAttempts: -1, reconnectTimeWait: RECONNECT_WAIT_MS } as const;

/**
 * Connects to NATS and keeps reconnecting for ever: a broker restart must never end a
 * process that can simply wait for it. The first connection is awaited for as long as the
 * server is unreachable, but a refusal that waiting cannot fix (credentials, TLS) fails at
 * once with a {@link NatsAccessError} naming it; nats.js's own wait on the first connection
 * would retry it silently for ever.
 *
 * This is `connect` of `@nats-io/transport-node` with a transport that batches socket writes.
 * The transport factory is process-wide in nats.js: a later plain `connect` in the same
 * process (tests do that) makes reconnects use the stock transport, which behaves the same,
 * one write at a time.
 */
export async function connectNats(settings: NatsClientSettings, name: string): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new NatsTransport(), dnsResolveFn: nodeResolveHost });
  for (;;) {
    try {
      return await NatsConnectionImpl.connect({
        ...natsConnectionOptions(settings),
        name,
        ...RECONNECT_FOR_EVER,
        // An error object with a stack for every request costs measurable CPU at thousands per second.
        noAsyncTraces: true,
      });
    } catch (error) {
      const refusal = natsAccessErrorOf(error, settings);
      if (refusal) throw refusal;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_WAIT_MS));
    }
  }
}
