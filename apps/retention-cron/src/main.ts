import { runApp } from '@wirehook/bootstrap';
import { RetentionCronModule } from './app.module';
import { RetentionCronConfig } from './config/retention-cron.config';
import { connectRetentionRpc } from './rpc-transport';

void runApp({
  name: 'retention-cron',
  configType: RetentionCronConfig,
  module: (config, logger) => RetentionCronModule.forRoot(config, logger),
  configure: (app, config) => connectRetentionRpc(app, config),
});
