import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import {
  AttemptTrigger,
  DeadLetterReason,
  InvalidMessageError,
  PublishedEventMessage,
  TENANT_ID_PATTERN,
  decodeFlatMessage,
  deliveryBodyOf,
  deliveryIdFor,
  deliveryTaskSubject,
  encodeMessage,
  parseEventSubject,
  storedEventIdentity,
  type DeliveriesCreatedMessage,
  type DeliveryTaskMessage,
  type TraceContext,
} from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';
import { SpanAttributes, SpanNames, Tracing, natsHeadersOf, traceContextOfHeaders, type TraceSpan } from '@wirehook/tracing';
import { AttemptLogPublisher } from '../attempt-log/attempt-log.publisher';
import { DispatcherConfig } from '../config/dispatcher.config';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { DeliveryTaskHandler } from '../delivery/delivery-task.handler';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';

/** When to offer again an event whose deliveries could not be stored. */
const FAILURE_REDELIVERY_MS = 5_000;

/**
 * Turns one published event into one delivery per subscribed endpoint, each with the exact
 * body to send and a deterministic delivery id (its `webhook-id`). A delivery whose endpoint
 * has room is attempted at once, here, on the event's first delivery; any other is stored as a
 * task (the delivery id is its JetStream message id, so a redelivered event stores no second
 * task) for the task consumer.
 * The event is acked only once every delivery is stored: as a task, or as the record of its
 * first attempt and any retry. Most deliveries thus cost no stored message of their own.
 */
@Injectable()
export class FanOutHandler {
  /** Events held until the first attempts of their deliveries are recorded. */
  private readonly held = new Set<JsMsg>();
  private readonly settling = new Set<Promise<void>>();
  private readonly keepAliveTimer: NodeJS.Timeout;

  constructor(
    private readonly config: DispatcherConfig,
    private readonly directory: EndpointDirectory,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly attemptLog: AttemptLogPublisher,
    private readonly deliveryTasks: DeliveryTaskHandler,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tracing: Tracing,
  ) {
    // Well inside the ack wait, so JetStream never hands out an event whose deliveries are being attempted.
    this.keepAliveTimer = setInterval(() => this.held.forEach((message) => message.working()), Math.floor(config.DELIVERY_ACK_WAIT_MS / 3));
    this.keepAliveTimer.unref();
  }

  /**
   * Fans one event out, as a span of the publisher's trace (its `traceparent` header; an invalid
   * one is ignored). The span's context goes with every delivery: to its first attempt, or as a
   * header of its task, so that every attempt, retries included, belongs to the trace.
   */
  async handle(message: JsMsg): Promise<void> {
    const span = this.tracing.startSpan(SpanNames.fanOut, 'consumer', traceContextOfHeaders(message.headers));
    try {
      await this.fanOut(message, span);
    } catch (error) {
      span.fail('fan-out failed; the event is fanned out again');
      throw error;
    } finally {
      span.end();
    }
  }

  private async fanOut(message: JsMsg, span: TraceSpan): Promise<void> {
    const target = parseEventSubject(message.subject);
    if (!target || !TENANT_ID_PATTERN.test(target.tenantId)) {
      return this.refuse(message, span, DeadLetterReason.invalidSubject, `'${message.subject}' is not webhooks.events.<tenantId>.<eventType>`);
    }
    const { tenantId, eventType } = target;
    if (message.data.length > this.config.DELIVERY_MAX_PAYLOAD_BYTES) {
      const detail = `event body is ${message.data.length} bytes; the limit is ${this.config.DELIVERY_MAX_PAYLOAD_BYTES}`;
      return this.refuse(message, span, DeadLetterReason.payloadTooLarge, detail, tenantId);
    }
    let event: PublishedEventMessage;
    try {
      event = decodeFlatMessage(PublishedEventMessage, message.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const reason = error.reason === 'malformed_json' ? DeadLetterReason.malformedJson : DeadLetterReason.invalidFields;
      return this.refuse(message, span, reason, error.message, tenantId);
    }
    if (event.event !== eventType) {
      const detail = `event '${event.event}' does not match the subject's event type '${eventType}'`;
      return this.refuse(message, span, DeadLetterReason.invalidFields, detail, tenantId);
    }
    if (!this.directory.hasTenant(tenantId)) {
      return this.refuse(message, span, DeadLetterReason.unknownTenant, `tenant '${tenantId}' does not exist`, tenantId);
    }

    const { eventId, timestamp } = storedEventIdentity(event, message.info.streamSequence, new Date(message.info.timestampNanos / 1e6));
    const createdAt = new Date().toISOString();
    const endpoints = this.directory
      .subscribersOf(tenantId, eventType)
      .map((endpoint) => ({ endpoint, deliveryId: deliveryIdFor(tenantId, eventId, endpoint.id) }));
    // Endpoints differ only in the name of the tenant field (`tenantId` or `companyId`): the
    // event's data is serialized once per name, not once per endpoint.
    const bodies = new Map<string, string>();
    const bodyFor = (tenantField: 'tenantId' | 'companyId'): string => {
      let body = bodies.get(tenantField);
      if (body === undefined) {
        body = deliveryBodyOf({ eventType, timestamp, tenantId, data: event.data }, tenantField);
        bodies.set(tenantField, body);
      }
      return body;
    };
    // log-service shows these deliveries as pending until their first attempt: one entry per
    // event in the attempt log, stored before the event is acked (it may land before or after
    // the first attempt's record: log-service settles both orders).
    const created: DeliveriesCreatedMessage = {
      tenantId,
      eventId,
      eventType,
      identifiers: event.identifiers,
      clientId: event.source,
      createdAt,
      deliveries: endpoints.map(({ endpoint, deliveryId }) => ({
        deliveryId,
        endpointId: endpoint.id,
        endpointName: endpoint.description,
        endpointUrl: endpoint.url,
      })),
    };
    if (span.recording) {
      span.setAttributes({
        [SpanAttributes.tenantId]: tenantId,
        [SpanAttributes.eventType]: eventType,
        [SpanAttributes.eventId]: eventId,
        [SpanAttributes.deliveries]: endpoints.length,
      });
    }
    const trace = span.context;
    const recordCreated = endpoints.length > 0 ? this.attemptLog.recordCreated(created) : undefined;
    const stored: Array<Promise<void> | undefined> = [recordCreated];
    const attempting: Promise<void>[] = [];
    for (const { endpoint, deliveryId } of endpoints) {
      const task: DeliveryTaskMessage = {
        deliveryId,
        tenantId,
        endpointId: endpoint.id,
        eventId,
        eventType,
        identifiers: event.identifiers,
        clientId: event.source,
        body: bodyFor(endpoint.tenantField),
        createdAt,
        eventTimestamp: timestamp,
        attempt: 1,
        trigger: AttemptTrigger.auto,
      };
      // A redelivered event may have left tasks behind (the process that fanned it out before
      // died, or storing failed midway): attempting here could deliver such a task's delivery a
      // second time. Stored as a task instead, a delivery already stored is dropped by its id.
      const attempt = message.redelivered ? undefined : this.deliveryTasks.attemptNow(endpoint, task, trace);
      if (!attempt) {
        stored.push(this.storeTask(task, trace));
        continue;
      }
      attempting.push(
        attempt.catch((error: unknown) => {
          this.logger.warn({ err: error, deliveryId }, 'the first attempt could not be recorded; storing the delivery as a task');
          return this.storeTask(task, trace);
        }),
      );
    }
    try {
      await Promise.all(stored);
    } catch (error) {
      // The worker hands the event back to be fanned out again; first attempts already running
      // finish on their own.
      this.track(Promise.allSettled(attempting).then(() => undefined));
      throw error;
    }
    this.logger.debug({ tenantId, eventType, eventId, deliveries: endpoints.length, attemptedAtOnce: attempting.length }, 'event fanned out');
    if (attempting.length === 0) message.ack();
    else this.ackWhenSettled(message, attempting);
  }

  /** Dead-letters an event that cannot be fanned out; the span says why. */
  private refuse(message: JsMsg, span: TraceSpan, reason: DeadLetterReason, detail: string, tenantId?: string): Promise<void> {
    if (span.recording) {
      span.setAttributes({ [SpanAttributes.deadLetterReason]: reason, [SpanAttributes.tenantId]: tenantId });
      span.fail(`dead-lettered: ${reason}`);
    }
    return this.deadLetters.deadLetter(message, reason, detail, tenantId);
  }

  /**
   * Stores a delivery as a task, to be attempted when its endpoint has room. The trace context
   * travels as NATS headers, beside the task's JSON: a dispatcher of an earlier version reads the
   * task as before.
   */
  private storeTask(task: DeliveryTaskMessage, trace: TraceContext | undefined): Promise<void> {
    return this.js
      .publish(deliveryTaskSubject(task.tenantId, task.endpointId), encodeMessage(task), { msgID: task.deliveryId, headers: natsHeadersOf(trace) })
      .then(() => undefined);
  }

  /**
   * Acks the event once its first attempts are recorded (or stored as tasks); the worker moves
   * on meanwhile, so a slow endpoint holds only its own slots in the gate. Until then the event
   * is kept from redelivery; should this process die first, the event is fanned out again and
   * the same deliveries (same ids) are attempted again.
   */
  private ackWhenSettled(message: JsMsg, attempting: Promise<void>[]): void {
    this.held.add(message);
    this.track(
      Promise.all(attempting)
        .then(
          () => message.ack(),
          (error: unknown) => {
            this.logger.error(
              { err: error, subject: message.subject, seq: message.seq },
              'storing the deliveries of an event failed; fanning it out again later',
            );
            message.nak(FAILURE_REDELIVERY_MS);
          },
        )
        .finally(() => this.held.delete(message)),
    );
  }

  /** Keeps work that outlives its handler call in view until it ends, for {@link drain}. */
  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
  }

  /** Waits until every event whose first attempts were running is settled (at shutdown, after the gate has stopped). */
  async drain(): Promise<void> {
    await Promise.all(this.settling);
    clearInterval(this.keepAliveTimer);
  }
}
