export * from './json-logger';
export * from './logger-token';
