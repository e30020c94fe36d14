import {
  AttemptTrigger,
  DeliveryStatus,
  LOG_PREVIEW_CHARS,
  attemptIdOf,
  pendingAttemptIdOf,
  traceIdOf,
  type AttemptRecordedMessage,
  type DeliveriesCreatedMessage,
} from '@wirehook/contracts';
import { redactHeaders, statusClassOf } from './attempts/attempt-fields';
import type { DeliveryAttemptRepository } from './attempts/delivery-attempt.repository';
import type { DeliveryAttemptDocument } from './attempts/delivery-attempt.schema';
import type { DeliveryRepository } from './deliveries/delivery.repository';
import type { DeliveryDocument } from './deliveries/delivery.schema';
import type { EventTypeRepository } from './event-types/event-type.repository';
import { idsByTenant } from './shared/ids-by-tenant';
import { payloadIdOf, type EventPayloadRepository } from './payloads/event-payload.repository';

/** Where the attempts a batch inserted are counted (the hourly rollups). */
export interface InsertedAttemptsSink {
  recordInserted(attempts: DeliveryAttemptDocument[]): Promise<void>;
}

/** The first {@link LOG_PREVIEW_CHARS} characters of a text. */
export const previewOf = (text: string): string => (text.length <= LOG_PREVIEW_CHARS ? text : text.slice(0, LOG_PREVIEW_CHARS));

function toAttemptDocument(record: AttemptRecordedMessage): DeliveryAttemptDocument {
  const startedAt = new Date(record.startedAt);
  const identifiers = record.identifiers ?? {};
  return {
    _id: attemptIdOf(record),
    tenantId: record.tenantId,
    endpointId: record.endpointId,
    endpointName: record.endpointName,
    endpointUrl: record.endpointUrl,
    deliveryId: record.deliveryId,
    eventId: record.eventId,
    eventType: record.eventType,
    identifiers,
    identifierValues: Object.values(identifiers),
    clientId: record.clientId ?? null,
    attempt: record.attempt,
    trigger: record.trigger,
    status: record.status,
    httpStatus: record.response?.status ?? null,
    statusClass: statusClassOf(record.response?.status),
    payloadId: payloadIdOf(record.tenantId, record.request.body),
    request: {
      method: record.request.method,
      url: record.request.url,
      headers: redactHeaders(record.request.headers),
      bodyLength: record.request.body.length,
      bodyPreview: previewOf(record.request.body),
    },
    response: record.response
      ? {
          status: record.response.status,
          headers: redactHeaders(record.response.headers),
          body: record.response.body,
          bodyTruncated: record.response.bodyTruncated,
          bodyLength: record.response.body.length,
          bodyPreview: previewOf(record.response.body),
        }
      : null,
    error: record.error ? { code: record.error.code, message: record.error.message } : null,
    durationMs: record.durationMs,
    deliveryCreatedAt: new Date(record.deliveryCreatedAt),
    startedAt,
    completedAt: new Date(record.completedAt),
    nextAttemptAt: record.nextAttemptAt ? new Date(record.nextAttemptAt) : null,
    createdAt: startedAt,
    traceId: record.traceparent ? traceIdOf(record.traceparent) : null,
  };
}

/** The attempts-view row of a delivery not attempted yet: attempt 0, `pending`, nothing sent. */
function pendingRow(delivery: DeliveryDocument): DeliveryAttemptDocument {
  return {
    _id: pendingAttemptIdOf(delivery._id),
    tenantId: delivery.tenantId,
    endpointId: delivery.endpointId,
    endpointName: delivery.endpointName,
    endpointUrl: delivery.endpointUrl,
    deliveryId: delivery._id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    identifiers: delivery.identifiers,
    identifierValues: delivery.identifierValues,
    clientId: delivery.clientId,
    attempt: 0,
    trigger: AttemptTrigger.auto,
    status: DeliveryStatus.pending,
    httpStatus: null,
    statusClass: 'none',
    payloadId: '',
    request: { method: 'POST', url: delivery.endpointUrl, headers: {}, bodyLength: 0, bodyPreview: '' },
    response: null,
    error: null,
    durationMs: 0,
    deliveryCreatedAt: delivery.createdAt,
    startedAt: delivery.createdAt,
    completedAt: delivery.createdAt,
    nextAttemptAt: null,
    createdAt: delivery.createdAt,
  };
}

/**
 * Writes attempt records into the delivery logs: the payload once per tenant and content, one
 * document per attempt, the delivery's latest state, the hourly rollups and the catalog of event
 * types. Replaying records is harmless: attempts already stored are skipped, and only attempts
 * this call inserted are counted in the rollups. Payloads go first, so no attempt ever names a
 * payload that is not stored. A crash between the attempts and the rollups leaves those
 * attempts uncounted (never counted twice).
 */
export class DeliveryLogRecorder {
  constructor(
    private readonly payloads: EventPayloadRepository,
    private readonly attempts: DeliveryAttemptRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly rollups: InsertedAttemptsSink,
    private readonly eventTypes: EventTypeRepository,
  ) {}

  /**
   * Records a batch: the deliveries fan-out created (as `pending`, with a row of attempt 0 in the
   * attempts view), then the attempts. A delivery attempted before its creation is recorded (a
   * redelivered message) stays as its attempts left it; an attempted one loses its pending row.
   */
  async record(records: AttemptRecordedMessage[], created: DeliveriesCreatedMessage[] = []): Promise<void> {
    const now = new Date();
    if (created.length > 0) {
      const pending = await this.deliveries.insertPending(created, now);
      await this.attempts.insertMissing(pending.map(pendingRow));
    }
    if (records.length === 0) return;
    await this.payloads.store(
      records.map((record) => ({ tenantId: record.tenantId, body: record.request.body })),
      now,
    );
    const inserted = await this.attempts.insertMissing(records.map(toAttemptDocument));
    const attemptedPending = await this.deliveries.recordStates(records, now);
    for (const [tenantId, deliveryIds] of idsByTenant(attemptedPending, (record) => record.deliveryId))
      await this.attempts.deletePendingRows(tenantId, deliveryIds);
    await this.rollups.recordInserted(inserted);
    await this.eventTypes.record(records, now);
  }
}
