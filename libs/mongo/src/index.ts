export * from './mongo-connection';
export * from './index-migration';
export * from './index-check';
export * from './migrate-command';
export * from './mongo-providers';
