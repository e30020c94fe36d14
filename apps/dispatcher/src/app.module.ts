import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { HealthController, readinessChecks } from '@wirehook/health';
import { AppFoundationModule } from '@wirehook/bootstrap';
import { SecretBox } from '@wirehook/secret-box';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';
import { AttemptLogPublisher } from './attempt-log/attempt-log.publisher';
import { DeliveryCommandsHandler } from './commands/delivery-commands.handler';
import { DispatcherConfig } from './config/dispatcher.config';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { DeliveryTaskHandler } from './delivery/delivery-task.handler';
import { EndpointGate } from './delivery/endpoint-gate';
import { DeliveryService } from './delivery/delivery.service';
import { DispatcherConsumers } from './dispatcher-consumers.service';
import { EndpointDirectory } from './endpoints/endpoint-directory.service';
import { FanOutHandler } from './fan-out/fan-out.handler';
import { DispatcherMembership } from './membership/dispatcher-membership.service';
import { configurationHealthIndicator } from './endpoints/configuration-health';
import { EndpointHealthTracker } from './health-tracking/endpoint-health.tracker';
import { WebhookSender } from './http-client/webhook-sender';
import { dispatcherConsumerLagProvider } from './metrics/consumer-lag.metrics';
import { DispatcherMetrics } from './metrics/dispatcher.metrics';

/** Closes the HTTP connection pools once deliveries have stopped. */
class SenderCloser implements OnApplicationShutdown {
  constructor(private readonly sender: WebhookSender) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}

/** Deliveries held in memory per busy endpoint before JetStream keeps the rest. */
const MAX_QUEUED_PER_ENDPOINT = 1000;

@Module({})
export class DispatcherModule {
  static forRoot(config: DispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [AppFoundationModule.forRoot('dispatcher', DispatcherConfig, config, logger)],
      controllers: [HealthController, DeliveryCommandsHandler],
      providers: [
        { provide: SecretBox, useValue: SecretBox.fromConfig(config) },
        {
          provide: WebhookSender,
          useValue: new WebhookSender({
            allowCidrs: config.DELIVERY_ALLOW_CIDRS,
            requireHttps: config.DELIVERY_REQUIRE_HTTPS,
            extraCaFile: config.DELIVERY_EXTRA_CA_FILE,
            responseBodyLimitBytes: config.DELIVERY_RESPONSE_BODY_LIMIT_BYTES,
            proxy: { httpsProxy: config.HTTPS_PROXY, httpProxy: config.HTTP_PROXY, noProxy: config.NO_PROXY },
          }),
        },
        {
          provide: SenderCloser,
          inject: [WebhookSender],
          useFactory: (sender: WebhookSender) => new SenderCloser(sender),
        },
        {
          provide: EndpointGate,
          // Waiting deliveries are kept alive well inside the ack wait.
          useValue: new EndpointGate(config.DELIVERY_CONCURRENCY, MAX_QUEUED_PER_ENDPOINT, Math.floor(config.DELIVERY_ACK_WAIT_MS / 3)),
        },
        AttemptLogPublisher,
        DispatcherMetrics,
        dispatcherConsumerLagProvider,
        DispatcherMembership,
        EndpointHealthTracker,
        EndpointDirectory,
        // Ready: NATS connected, and every configuration entry applied.
        readinessChecks([NATS_CONNECTION, EndpointDirectory], (nc: NatsConnection, directory: EndpointDirectory) => [
          () => natsHealthIndicator(nc),
          () => configurationHealthIndicator(directory),
        ]),
        DeadLetterPublisher,
        DeliveryService,
        DeliveryTaskHandler,
        FanOutHandler,
        DispatcherConsumers,
      ],
    };
  }
}
