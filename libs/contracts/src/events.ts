/**
 * What a publisher of events needs from the contracts, alone (`@wirehook/contracts/events`):
 * the wire names, identifier shapes, validation, trace context, `Retry-After` parsing and the published event. None of these
 * classes uses class-transformer's `@Type`, so loading them needs no `reflect-metadata`; the
 * publisher is packaged for other services from this entry point.
 */
export * from './wire-names';
export * from './identifiers';
export * from './validation';
export * from './trace-context';
export * from './retry-after';
export * from './messages/published-event.message';
