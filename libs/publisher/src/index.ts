export * from './webhook-event-publisher';
