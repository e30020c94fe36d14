export * from './load-config';
export * from './secret-box';
export * from './json-logger';
export * from './common-config';
export * from './address-policy';
export * from './run-app';
export * from './mongo-connection';
export * from './metrics.module';
