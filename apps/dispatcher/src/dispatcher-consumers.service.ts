import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { ConsumerBindings } from '@wirehook/contracts';
import { JETSTREAM, JETSTREAM_MANAGER, JetStreamWorker, openDurableConsumer, type DurableConsumerSettings } from '@wirehook/nats';
import { DispatcherConfig } from './config/dispatcher.config';
import { DeliveryTaskHandler } from './delivery/delivery-task.handler';
import { EndpointGate } from './delivery/endpoint-gate';
import { FanOutHandler } from './fan-out/fan-out.handler';
import { DispatcherMembership } from './membership/dispatcher-membership.service';

/**
 * Joins the dispatcher replicas, then runs the three durable consumers they share: fan-out of
 * events (which makes first attempts itself when endpoints have room), fresh delivery tasks,
 * and retries. Retries wait on their own consumer with a large
 * ack-pending budget, so deliveries held back for hours never take capacity from fresh ones.
 */
@Injectable()
export class DispatcherConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: JetStreamWorker[] = [];

  constructor(
    private readonly config: DispatcherConfig,
    private readonly fanOut: FanOutHandler,
    private readonly deliveryTasks: DeliveryTaskHandler,
    private readonly gate: EndpointGate,
    private readonly membership: DispatcherMembership,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.membership.join();
    const concurrency = this.config.DELIVERY_CONCURRENCY;
    await this.startWorker(
      // Fan-out holds an event while the first attempts of its deliveries run (at most
      // DELIVERY_CONCURRENCY at once), so it waits as long as a task would, with room beyond them.
      { ...ConsumerBindings.fanOut, ackWaitMs: this.config.DELIVERY_ACK_WAIT_MS, maxAckPending: concurrency + 1000 },
      (message) => this.fanOut.handle(message),
      Math.min(64, concurrency),
    );
    await this.startWorker(
      { ...ConsumerBindings.deliveries, ackWaitMs: this.config.DELIVERY_ACK_WAIT_MS, maxAckPending: 10_000 },
      (message) => this.deliveryTasks.handle(message),
      concurrency,
    );
    await this.startWorker(
      { ...ConsumerBindings.retries, ackWaitMs: this.config.DELIVERY_ACK_WAIT_MS, maxAckPending: 1_000_000 },
      (message) => this.deliveryTasks.handle(message),
      concurrency,
    );
  }

  private async startWorker(settings: DurableConsumerSettings, handler: (message: JsMsg) => Promise<void>, concurrency: number): Promise<void> {
    const consumer = await openDurableConsumer(this.js, this.jsm, settings);
    const worker = new JetStreamWorker(consumer, handler, {
      concurrency,
      failureRedeliveryMs: 5_000,
      logger: this.logger.child({ consumer: settings.name }),
    });
    await worker.start();
    this.workers.push(worker);
  }

  /** Stops pulling, hands back deliveries waiting for a busy endpoint, and finishes those in flight. */
  async beforeApplicationShutdown(): Promise<void> {
    this.logger.info({ inFlight: this.gate.totalInFlight }, 'stopping consumers; finishing in-flight deliveries');
    await Promise.all(this.workers.map((worker) => worker.stop(this.config.SHUTDOWN_TIMEOUT_MS - 2000)));
    await this.gate.stop();
    await this.fanOut.drain();
    await this.membership.leave();
  }
}
