/**
 * The NATS client part of this library alone (`@wirehook/nats/client`): settings, connecting
 * and refusals, over nats.js v3 only. What imports nothing else from here (the publisher, which
 * is packaged for other services) never loads Nest or the `nats` v2 package.
 */
export { natsConnectionOptions, natsServerUrls, type NatsAuth, type NatsClientSettings, type NatsTlsFiles } from './nats-client-settings';
export { ClientCertificateRequiredError, NatsAccessError, natsAccessErrorOf } from './nats-access-error';
export { connectNats } from './nats-connection';
