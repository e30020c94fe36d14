import { runApp } from '@wirehook/bootstrap';
import { DispatcherModule } from './app.module';
import { DispatcherConfig } from './config/dispatcher.config';

void runApp({
  name: 'dispatcher',
  configType: DispatcherConfig,
  module: (config, logger) => DispatcherModule.forRoot(config, logger),
  // Commands from config-api: test send, manual retry, recover.
  rpcQueue: 'dispatcher',
});
