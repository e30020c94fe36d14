import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { LOGGER, SecretBox } from '@wirehook/config';
import { NatsModule } from '@wirehook/nats';
import { DeliveryCommandsHandler } from './commands/delivery-commands.handler';
import { DispatcherConfig } from './config/dispatcher.config';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { DeliveryTaskHandler } from './delivery/delivery-task.handler';
import { DeliveryService } from './delivery/delivery.service';
import { WebhookSender } from './delivery/webhook-sender';
import { DispatcherConsumers } from './dispatcher-consumers.service';
import { EndpointDirectory } from './endpoints/endpoint-directory.service';
import { FanOutHandler } from './fan-out/fan-out.handler';
import { HealthController } from './health/health.controller';

/** Closes the HTTP connection pools once deliveries have stopped. */
class SenderCloser implements OnApplicationShutdown {
  constructor(private readonly sender: WebhookSender) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}

@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [NatsModule.forRoot({ url: config.NATS_URL, name: 'dispatcher' }), TerminusModule],
      controllers: [HealthController, DeliveryCommandsHandler],
      providers: [
        { provide: DispatcherConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: SecretBox, useValue: SecretBox.fromBase64(config.CONFIG_ENCRYPTION_KEY) },
        {
          provide: WebhookSender,
          useValue: new WebhookSender({
            allowCidrs: config.DELIVERY_ALLOW_CIDRS,
            requireHttps: config.DELIVERY_REQUIRE_HTTPS,
            extraCaFile: config.DELIVERY_EXTRA_CA_FILE,
            responseBodyLimitBytes: config.DELIVERY_RESPONSE_BODY_LIMIT_BYTES,
          }),
        },
        {
          provide: SenderCloser,
          inject: [WebhookSender],
          useFactory: (sender: WebhookSender) => new SenderCloser(sender),
        },
        EndpointDirectory,
        DeadLetterPublisher,
        DeliveryService,
        DeliveryTaskHandler,
        FanOutHandler,
        DispatcherConsumers,
      ],
    };
  }
}
