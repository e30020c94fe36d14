import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { runApp } from '@wirehook/config';
import { LogServiceModule } from './app.module';
import { LogServiceConfig } from './config/log-service.config';

void runApp({
  name: 'log-service',
  configType: LogServiceConfig,
  module: (config, logger) => LogServiceModule.forRoot(config, logger),
  configure: async (app, config) => {
    // Replicas share requests through the queue group.
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.NATS,
      options: { servers: config.NATS_URL.split(','), queue: 'log-service', name: 'log-service-rpc' },
    });
    await app.startAllMicroservices();
  },
});
