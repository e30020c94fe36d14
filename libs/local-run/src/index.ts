export * from './local-servers';
export * from './app-launch';
