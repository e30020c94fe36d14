import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { ConsumerBindings, EndpointDisabledMessage, InvalidMessageError, decodeMessage } from '@wirehook/contracts';
import { JETSTREAM, JETSTREAM_MANAGER, JetStreamWorker, openDurableConsumer } from '@wirehook/nats';
import { WebhookService } from './webhook.service';

/**
 * Records in MongoDB (the source of truth) that the dispatcher disabled an endpoint, with the
 * reason, so the API shows it and a resync never turns the endpoint back on by itself.
 */
@Injectable()
export class EndpointDisabledHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: JetStreamWorker;

  constructor(
    private readonly webhooks: WebhookService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const consumer = await openDurableConsumer(this.js, this.jsm, { ...ConsumerBindings.endpointDisabledApplier, ackWaitMs: 30_000, maxAckPending: 100 });
    this.worker = new JetStreamWorker(consumer, (message) => this.handle(message), { concurrency: 4, failureRedeliveryMs: 5000, logger: this.logger });
    await this.worker.start();
  }

  async handle(message: JsMsg): Promise<void> {
    let event: EndpointDisabledMessage;
    try {
      event = decodeMessage(EndpointDisabledMessage, message.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      this.logger.error({ problems: error.problems }, 'ignored an invalid endpoint-disabled event');
      message.term();
      return;
    }
    const applied = await this.webhooks.markDisabled(
      event.tenantId,
      event.endpointId,
      event.revision,
      `${event.reason}: ${event.detail}`,
      new Date(event.disabledAt),
    );
    this.logger.info({ tenantId: event.tenantId, endpointId: event.endpointId, reason: event.reason, applied }, 'endpoint-disabled event handled');
    message.ack();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop(5000);
  }
}
