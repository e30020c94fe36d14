import { randomUUID } from 'node:crypto';
import { PublishedEventMessage, validateFlat } from '@wirehook/contracts/events';

/** What a service publishes; `id` defaults to a new UUID, `timestamp` to now. */
export interface WebhookEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
  timestamp?: string;
  identifiers?: Record<string, string>;
  /** Who publishes (a service's name); the delivery logs show it as `client_id`. */
  source?: string;
}

/** A validated event with its id and timestamp, as it goes on the wire. */
export type PreparedEvent = PublishedEventMessage & { id: string; timestamp: string };

/**
 * Validates an event before it leaves the process (throws `InvalidMessageError` naming each bad
 * field) and fixes its id and timestamp, so that every retry of one publish sends the same event.
 */
export function prepareEvent(event: WebhookEvent): PreparedEvent {
  return validateFlat(PublishedEventMessage, {
    ...event,
    id: event.id ?? `evt_${randomUUID()}`,
    timestamp: event.timestamp ?? new Date().toISOString(),
  }) as PreparedEvent;
}
