import { connect, type NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS and keeps reconnecting for ever: a broker restart must never end a
 * process that can simply wait for it.
 */
export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: servers.split(',').map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // An error object with a stack for every request costs measurable CPU at thousands per second.
    noAsyncTraces: true,
  });
}
