export * from './attempts/delivery-attempt.schema';
export * from './deliveries/delivery.schema';
export * from './delivery-log.repository';
export * from './log-query';
export * from './retention';
export * from './log-collections';
export * from './log-query-limits';
