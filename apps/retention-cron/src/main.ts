import { runApp } from '@wirehook/bootstrap';
import { RetentionCronModule } from './app.module';
import { RetentionCronConfig } from './config/retention-cron.config';

void runApp({
  name: 'retention-cron',
  configType: RetentionCronConfig,
  module: (config, logger) => RetentionCronModule.forRoot(config, logger),
  // Retention policies and runs on request, from config-api.
  rpcQueue: 'retention-cron',
});
