import type { PublishedEventMessage } from './messages/published-event.message';
import { streamEventId } from './wire-names';

/**
 * The id and timestamp a delivery of a stored event carries: the event's own, or for an event
 * published without them, its sequence in the events stream and the time it was stored. Fan-out
 * and replay both name an event this way, so a replay re-sends under the same `webhook-id`.
 */
export function storedEventIdentity(event: PublishedEventMessage, streamSequence: number, storedAt: Date): { eventId: string; timestamp: string } {
  return { eventId: event.id ?? streamEventId(streamSequence), timestamp: event.timestamp ?? storedAt.toISOString() };
}

/**
 * The body an endpoint receives for an event: the envelope with the tenant under the field the
 * endpoint names (`tenantId`, or `companyId` for older receivers). Built here alone, so a
 * replayed delivery is the same bytes as the first one.
 */
export function deliveryBodyOf(
  event: { eventType: string; timestamp: string; tenantId: string; data: Record<string, unknown> },
  tenantField: 'tenantId' | 'companyId',
): string {
  return JSON.stringify({ event: event.eventType, timestamp: event.timestamp, [tenantField]: event.tenantId, data: event.data });
}
