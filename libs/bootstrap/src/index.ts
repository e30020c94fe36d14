export * from './run-app';
export * from './app-foundation.module';
