import { runApp } from '@wirehook/config';
import { RetentionCronModule } from './app.module';
import { RetentionCronConfig } from './config/retention-cron.config';

void runApp({ name: 'retention-cron', configType: RetentionCronConfig, module: (config, logger) => RetentionCronModule.forRoot(config, logger) });
