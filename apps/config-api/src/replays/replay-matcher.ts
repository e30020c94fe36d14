import {
  InvalidMessageError,
  PublishedEventMessage,
  decodeFlatMessage,
  deliveryBodyOf,
  deliveryIdFor,
  eventMatchesPattern,
  parseEventSubject,
  storedEventIdentity,
} from '@wirehook/contracts';

/** An event as the events stream holds it. */
export interface StoredEvent {
  subject: string;
  data: Uint8Array;
  sequence: number;
  storedAt: Date;
}

/** What a replay needs of its endpoint, as it is configured now. */
export interface ReplayTarget {
  tenantId: string;
  endpointId: string;
  /** The endpoint's subscription patterns. */
  events: readonly string[];
  tenantField: 'tenantId' | 'companyId';
}

/** One delivery a replay re-sends: the same id and body fan-out gives this event and endpoint. */
export interface ReplayedDelivery {
  deliveryId: string;
  eventId: string;
  eventType: string;
  identifiers?: Record<string, string>;
  clientId?: string;
  eventTimestamp: string;
  body: string;
}

/**
 * The delivery a stored event makes for the endpoint, or undefined when it makes none: another
 * tenant's event, one the endpoint's patterns (and the replay's narrowing ones, when given) do
 * not match, or one fan-out refused (malformed, too large, subject and body disagreeing: it was
 * dead-lettered, never delivered).
 *
 * The id and body are built by the contracts helpers fan-out uses: the same `webhook-id` and
 * the same bytes, so receivers de-duplicate a replayed event they already have.
 */
export function replayedDeliveryOf(
  event: StoredEvent,
  target: ReplayTarget,
  narrowing: readonly string[] | null,
  maxPayloadBytes: number,
): ReplayedDelivery | undefined {
  const parsed = parseEventSubject(event.subject);
  if (!parsed || parsed.tenantId !== target.tenantId) return undefined;
  const { tenantId, eventType } = parsed;
  if (!target.events.some((pattern) => eventMatchesPattern(eventType, pattern))) return undefined;
  if (narrowing && !narrowing.some((pattern) => eventMatchesPattern(eventType, pattern))) return undefined;
  if (event.data.length > maxPayloadBytes) return undefined;
  let published: PublishedEventMessage;
  try {
    published = decodeFlatMessage(PublishedEventMessage, event.data);
  } catch (error) {
    if (error instanceof InvalidMessageError) return undefined;
    throw error;
  }
  if (published.event !== eventType) return undefined;
  const { eventId, timestamp } = storedEventIdentity(published, event.sequence, event.storedAt);
  return {
    deliveryId: deliveryIdFor(tenantId, eventId, target.endpointId),
    eventId,
    eventType,
    identifiers: published.identifiers,
    clientId: published.source,
    eventTimestamp: timestamp,
    body: deliveryBodyOf({ eventType, timestamp, tenantId, data: published.data }, target.tenantField),
  };
}
