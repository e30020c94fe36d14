import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/config';
import {
  AttemptTrigger,
  DeadLetterReason,
  InvalidMessageError,
  PublishedEventMessage,
  TENANT_ID_PATTERN,
  decodeFlatMessage,
  deliveryTaskSubject,
  encodeMessage,
  parseEventSubject,
  deliveriesCreatedMessageId,
  deliveriesCreatedSubject,
  type DeliveriesCreatedMessage,
  type DeliveryTaskMessage,
} from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';
import { DispatcherConfig } from '../config/dispatcher.config';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { deliveryIdFor } from '../delivery/delivery-id';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';

/**
 * Turns one published event into one delivery task per subscribed active endpoint. Tasks carry
 * the exact body to send and a deterministic delivery id used as their JetStream message id,
 * so a redelivered event creates no second delivery. The event is acked only after every task
 * is stored.
 */
@Injectable()
export class FanOutHandler {
  constructor(
    private readonly config: DispatcherConfig,
    private readonly directory: EndpointDirectory,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(message: JsMsg): Promise<void> {
    const target = parseEventSubject(message.subject);
    if (!target || !TENANT_ID_PATTERN.test(target.tenantId)) {
      return this.deadLetters.deadLetter(message, DeadLetterReason.invalidSubject, `'${message.subject}' is not webhooks.events.<tenantId>.<eventType>`);
    }
    const { tenantId, eventType } = target;
    if (message.data.length > this.config.DELIVERY_MAX_PAYLOAD_BYTES) {
      const detail = `event body is ${message.data.length} bytes; the limit is ${this.config.DELIVERY_MAX_PAYLOAD_BYTES}`;
      return this.deadLetters.deadLetter(message, DeadLetterReason.payloadTooLarge, detail, tenantId);
    }
    let event: PublishedEventMessage;
    try {
      event = decodeFlatMessage(PublishedEventMessage, message.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const reason = error.reason === 'malformed_json' ? DeadLetterReason.malformedJson : DeadLetterReason.invalidFields;
      return this.deadLetters.deadLetter(message, reason, error.message, tenantId);
    }
    if (event.event !== eventType) {
      const detail = `event '${event.event}' does not match the subject's event type '${eventType}'`;
      return this.deadLetters.deadLetter(message, DeadLetterReason.invalidFields, detail, tenantId);
    }
    if (!this.directory.hasTenant(tenantId)) {
      return this.deadLetters.deadLetter(message, DeadLetterReason.unknownTenant, `tenant '${tenantId}' does not exist`, tenantId);
    }

    const eventId = event.id ?? `seq_${message.info.streamSequence}`;
    const timestamp = event.timestamp ?? new Date(message.info.timestampNanos / 1e6).toISOString();
    const createdAt = new Date().toISOString();
    const endpoints = this.directory.subscribersOf(tenantId, eventType).map((endpoint) => ({ endpoint, deliveryId: deliveryIdFor(tenantId, eventId, endpoint.id) }));
    // Endpoints differ only in the name of the tenant field (`tenantId` or `companyId`): the
    // event's data is serialized once per name, not once per endpoint.
    const bodies = new Map<string, string>();
    const bodyFor = (tenantField: string): string => {
      let body = bodies.get(tenantField);
      if (body === undefined) {
        body = JSON.stringify({ event: eventType, timestamp, [tenantField]: tenantId, data: event.data });
        bodies.set(tenantField, body);
      }
      return body;
    };
    // log-service shows these deliveries as pending until their first attempt; one message per
    // event, stored with the tasks (either may land first: log-service settles both orders).
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
    const recordCreated =
      endpoints.length > 0 ? this.js.publish(deliveriesCreatedSubject(tenantId), encodeMessage(created), { msgID: deliveriesCreatedMessageId(tenantId, eventId) }) : undefined;
    await Promise.all([
      recordCreated,
      ...endpoints.map(({ endpoint, deliveryId }) => {
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
        return this.js.publish(deliveryTaskSubject(tenantId, endpoint.id), encodeMessage(task), { msgID: deliveryId });
      }),
    ]);
    this.logger.debug({ tenantId, eventType, eventId, deliveries: endpoints.length }, 'event fanned out');
    message.ack();
  }
}
