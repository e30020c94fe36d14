import { LOG_PREVIEW_CHARS, type AttemptRecordedMessage } from '@wirehook/contracts';
import { attemptIdOf, redactHeaders, statusClassOf } from './attempts/attempt-fields';
import type { DeliveryAttemptRepository } from './attempts/delivery-attempt.repository';
import type { DeliveryAttemptDocument } from './attempts/delivery-attempt.schema';
import type { DeliveryRepository } from './deliveries/delivery.repository';
import type { EventTypeRepository } from './event-types/event-type.repository';
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

  async record(records: AttemptRecordedMessage[]): Promise<void> {
    if (records.length === 0) return;
    const now = new Date();
    await this.payloads.store(
      records.map((record) => ({ tenantId: record.tenantId, body: record.request.body })),
      now,
    );
    const inserted = await this.attempts.insertMissing(records.map(toAttemptDocument));
    await this.deliveries.recordStates(records, now);
    await this.rollups.recordInserted(inserted);
    await this.eventTypes.record(records, now);
  }
}
