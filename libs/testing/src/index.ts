export * from './app-launch';
export * from './capturing-logger';
export * from './local-servers';
export * from './eventually';
export * from './https-receiver';
export * from './test-servers';
export * from './api-client';
export * from './builders';
