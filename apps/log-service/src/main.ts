import { runApp } from '@wirehook/bootstrap';
import { LogServiceModule } from './app.module';
import { LogServiceConfig } from './config/log-service.config';

void runApp({
  name: 'log-service',
  configType: LogServiceConfig,
  module: (config, logger) => LogServiceModule.forRoot(config, logger),
  // Delivery-log queries from config-api.
  rpcQueue: 'log-service',
});
