export type { WebhookEvent } from './webhook-event';
export type { PublishOptions } from './trace-options';
export * from './webhook-event-publisher';
export * from './http-event-publisher';
// Errors a caller may meet, and the connection settings, from where they live.
export { InvalidMessageError } from '@wirehook/contracts/events';
export { NatsAccessError, type NatsAuth, type NatsClientSettings, type NatsTlsFiles } from '@wirehook/nats/client';
