import { runApp } from '@wirehook/bootstrap';
import { ConfigApiModule } from './app.module';
import { ConfigApiConfig } from './config/config-api.config';
import { configureHttp } from './http-setup';

void runApp({
  name: 'config-api',
  configType: ConfigApiConfig,
  module: (config, logger) => ConfigApiModule.forRoot(config, logger),
  configure: (app, _config, logger) => configureHttp(app, logger),
});
