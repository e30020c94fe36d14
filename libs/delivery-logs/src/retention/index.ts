export * from './retention-rules';
export * from './delivery-log.purger';
