import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { HAND_BACK_DELAY_MS } from '@wirehook/nats';
import {
  DeadLetterReason,
  DeliveryTaskMessage,
  InvalidMessageError,
  decodeFlatMessage,
  type EndpointSnapshotMessage,
  type TraceContext,
} from '@wirehook/contracts';
import { traceContextOfHeaders } from '@wirehook/tracing';
import { DispatcherConfig } from '../config/dispatcher.config';
import { EndpointGate, type EndpointLimits } from './endpoint-gate';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';
import { DispatcherMembership } from '../membership/dispatcher-membership.service';
import { DeliveryService } from './delivery.service';

const FAILURE_REDELIVERY_MS = 5_000;
/** When to offer again a delivery for an endpoint whose cap this replica has no share of. */
const NO_SHARE_REDELIVERY_MS = 1_000;

/**
 * Settles delivery task messages, fresh and retries alike: a retry that is not yet due goes
 * back with a delay, a task for a paused endpoint is parked, a task whose endpoint is gone is
 * dead-lettered, every other task gets its attempt when the endpoint's limits allow. The
 * handler returns at once: a slow endpoint's attempts run in the gate, not in the worker.
 */
@Injectable()
export class DeliveryTaskHandler {
  private readonly workingIntervalMs: number;

  constructor(
    config: DispatcherConfig,
    private readonly directory: EndpointDirectory,
    private readonly deliveries: DeliveryService,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly gate: EndpointGate,
    private readonly membership: DispatcherMembership,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Well inside the ack wait, so JetStream never hands out a message still in progress.
    this.workingIntervalMs = Math.floor(config.DELIVERY_ACK_WAIT_MS / 3);
  }

  async handle(message: JsMsg): Promise<void> {
    let task: DeliveryTaskMessage;
    try {
      task = decodeFlatMessage(DeliveryTaskMessage, message.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const reason = error.reason === 'malformed_json' ? DeadLetterReason.malformedJson : DeadLetterReason.invalidFields;
      return this.deadLetters.deadLetter(message, reason, error.message);
    }
    const dueInMs = task.notBefore ? Date.parse(task.notBefore) - Date.now() : 0;
    if (dueInMs > 0) {
      message.nak(dueInMs);
      return;
    }
    const endpoint = this.directory.get(task.tenantId, task.endpointId);
    if (!endpoint) {
      const detail = `endpoint '${task.endpointId}' of tenant '${task.tenantId}' does not exist (deleted?)`;
      return this.deadLetters.deadLetter(message, DeadLetterReason.unknownEndpoint, detail, task.tenantId);
    }
    // The fan-out span the delivery belongs to, from the task's headers (absent outside a trace).
    const trace = traceContextOfHeaders(message.headers);
    if (!endpoint.active) {
      await this.deliveries.park(task, trace);
      message.ack();
      return;
    }
    const limits = this.limitsOf(endpoint);
    if (limits.maxConcurrency === 0) {
      // Another replica holds this endpoint's whole (small) cap.
      message.nak(NO_SHARE_REDELIVERY_MS);
      return;
    }
    // The POST happens in sendAndSettle, which the gate runs once the endpoint's limits allow:
    // this worker waits at most for room in the gate, never for the endpoint's answer.
    const accepted = await this.gate.submit({
      endpointId: endpoint.id,
      limits,
      work: () => this.sendAndSettle(message, endpoint, task, trace),
      keepAlive: () => message.working(),
      giveBack: () => message.nak(HAND_BACK_DELAY_MS),
    });
    if (!accepted) message.nak(this.gate.suggestedWaitMs(endpoint.id));
  }

  /**
   * Starts the first attempt of a delivery fan-out has just created, if its endpoint is active
   * and it and this process have room this moment. The returned promise settles once the
   * attempt record and any retry are stored (it rejects when they could not be); the caller
   * holds the event until then. Undefined when the delivery has to wait: the caller stores it
   * as a task instead, which this handler settles later. `trace` is the fan-out's span context.
   */
  attemptNow(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, trace: TraceContext | undefined): Promise<void> | undefined {
    if (!endpoint.active) return undefined;
    const limits = this.limitsOf(endpoint);
    if (limits.maxConcurrency === 0) return undefined;
    return this.gate.tryStart(endpoint.id, limits, async () => {
      await this.deliveries.attempt(endpoint, task, trace);
    });
  }

  /** This replica's share of the endpoint's limits. */
  private limitsOf(endpoint: EndpointSnapshotMessage): EndpointLimits {
    return this.membership.shareOf(endpoint.id, { maxConcurrency: endpoint.maxConcurrency, ratePerSecond: endpoint.rateLimitPerSecond });
  }

  /**
   * The work the gate runs for a task once the endpoint's limits allow: the attempt (the POST to
   * the endpoint, recorded, with any retry scheduled; see {@link DeliveryService.attempt}), then
   * the task message is acked, or handed back for later when the attempt could not be made or stored.
   */
  private async sendAndSettle(message: JsMsg, endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, trace: TraceContext | undefined): Promise<void> {
    // Tell JetStream the message is still being worked on, so a slow endpoint is not attempted twice.
    const keepAlive = setInterval(() => message.working(), this.workingIntervalMs);
    try {
      await this.deliveries.attempt(endpoint, task, trace);
      message.ack();
    } catch (error) {
      this.logger.error({ err: error, deliveryId: task.deliveryId }, 'delivery attempt failed; redelivering later');
      message.nak(FAILURE_REDELIVERY_MS);
    } finally {
      clearInterval(keepAlive);
    }
  }
}
