export * from './local-servers';
export * from './app-launch';
export * from './server-environment';
