import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApiErrorCode, EVENT_ID_PATTERN, eventSubject, type TraceContext } from '@wirehook/contracts';
import { NATS_CONNECTION } from '@wirehook/nats';
import { WebhookEventPublisher, type PublishResult } from '@wirehook/publisher';
import { SpanAttributes, SpanNames, Tracing } from '@wirehook/tracing';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';
import type { IngestEventDto } from './event.dto';

/**
 * HTTP ingest: publishes an event to the same JetStream subject NATS publishers use, and
 * reports success only once JetStream stored it. The event id (from the body, or the
 * Idempotency-Key header) is the JetStream message id, so a retried request publishes once.
 */
@Injectable()
export class EventIngestService {
  private readonly publisher: WebhookEventPublisher;

  constructor(
    private readonly config: ConfigApiConfig,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly tracing: Tracing,
  ) {
    this.publisher = new WebhookEventPublisher(nc);
  }

  /**
   * Publishes an event for a tenant; the delivery logs name the API key that published it as its
   * client. The publish is a span of the caller's trace (`trace`, from its `traceparent`), whose
   * context the event carries on to fan-out.
   */
  async ingest(tenantId: string, keyId: string, input: IngestEventDto, idempotencyKey?: string, trace?: TraceContext): Promise<PublishResult> {
    if (idempotencyKey !== undefined && !EVENT_ID_PATTERN.test(idempotencyKey)) {
      throw new DomainError('invalid', ApiErrorCode.invalidIdempotencyKey, 'Idempotency-Key must be 1-128 characters of letters, digits, _ . : -');
    }
    if (input.id && idempotencyKey && input.id !== idempotencyKey) {
      throw new DomainError('invalid', ApiErrorCode.conflictingIds, 'id and the Idempotency-Key header differ; send one of them, or the same value');
    }
    const event = { ...input, id: input.id ?? idempotencyKey ?? `evt_${randomUUID()}`, source: `api-key:${keyId}` };
    const size = Buffer.byteLength(JSON.stringify(event));
    const limit = this.config.DELIVERY_MAX_PAYLOAD_BYTES;
    if (size > limit) {
      throw new DomainError(
        'too_large',
        ApiErrorCode.payloadTooLarge,
        `the event is ${size} bytes; events may be at most ${limit} bytes: send less data, or a reference the receiver can fetch`,
      );
    }
    const span = this.tracing.startSpan(SpanNames.publishEvent, 'producer', trace);
    if (span.recording) {
      span.setAttributes({
        [SpanAttributes.tenantId]: tenantId,
        [SpanAttributes.eventType]: event.event,
        [SpanAttributes.eventId]: event.id,
        [SpanAttributes.messagingSystem]: 'nats',
        [SpanAttributes.messagingDestination]: eventSubject(tenantId, event.event),
      });
    }
    try {
      return await this.publisher.publish(tenantId, event, span.context);
    } catch {
      span.fail('NATS did not store the event');
      throw new DomainError(
        'unavailable',
        ApiErrorCode.eventBusUnavailable,
        'the event was not accepted because NATS is unavailable; retry with the same id or Idempotency-Key',
      );
    } finally {
      span.end();
    }
  }
}
