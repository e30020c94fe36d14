export * from './nats-connection';
export * from './streams';
export * from './kv';
export * from './jetstream-worker';
export * from './nats.module';
export * from './nats-health';
export * from './rpc-payload';
