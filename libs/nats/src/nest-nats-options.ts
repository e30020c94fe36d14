import type { NatsOptions } from '@nestjs/microservices';
import * as nestNatsClient from 'nats';
import { authenticatorFor, natsServerUrls, tlsOptionsFor, type NatsClientSettings } from './nats-client-settings';

/** Options of Nest's NATS transport (Nest connects with the `nats` v2 package). */
export type NestNatsOptions = NonNullable<NatsOptions['options']>;

/**
 * Options of Nest's NATS transport (`connectMicroservice`, the apps' request/reply handlers) for
 * the settings; add `queue` for a server's queue group. Callers use {@link NatsRpcClient} over the
 * app's own connection instead of a Nest NATS client. Kept apart from the nats.js v3 options so
 * that what imports only those (the publisher) never loads Nest or the `nats` v2 package.
 */
export function nestNatsOptions(settings: NatsClientSettings, name: string): NestNatsOptions {
  const tls = tlsOptionsFor(settings);
  return {
    servers: natsServerUrls(settings.servers),
    name,
    ...(settings.auth ? { authenticator: authenticatorFor(settings.auth, nestNatsClient) } : {}),
    ...(tls ? { tls } : {}),
  };
}
