import { Matches } from 'class-validator';

/**
 * Shapes of identifiers that travel inside NATS subjects, so every app validates them alike.
 * Tenant ids and endpoint ids are single subject tokens; event types are dot-separated tokens.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const ENDPOINT_ID_PATTERN = /^ep_[a-z0-9]{20,40}$/;
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,15}$/;
export const EVENT_TYPE_MAX_LENGTH = 200;
/** An event type, `*`, a prefix such as `resume.*`, or `*` standing for one segment (`resume.*.failed`). */
export const EVENT_PATTERN_PATTERN = /^(\*|[A-Za-z0-9_-]+)(\.(\*|[A-Za-z0-9_-]+)){0,15}$/;
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Who published an event: a service name, or `api-key:<key id>` for HTTP ingest. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:@/-]{1,128}$/;

/**
 * Whether an event type matches a subscription pattern. `*` alone matches every event; a
 * trailing `.*` matches any number of further segments (`resume.*` matches
 * `resume.bulk_upload_parse.started`); `*` elsewhere matches exactly one segment.
 */
export function eventMatchesPattern(eventType: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const eventSegments = eventType.split('.');
  const patternSegments = pattern.split('.');
  const last = patternSegments.length - 1;
  for (let i = 0; i <= last; i += 1) {
    const segment = patternSegments[i];
    if (i === last && segment === '*') return eventSegments.length > last;
    if (i >= eventSegments.length) return false;
    if (segment !== '*' && segment !== eventSegments[i]) return false;
  }
  return eventSegments.length === patternSegments.length;
}

export const DELIVERY_ID_PATTERN = /^msg_[a-z0-9]{26}$/;

/** A tenant id field: one subject token. */
export const IsTenantId = () => Matches(TENANT_ID_PATTERN, { message: '$property must be a tenant id: 1-63 lowercase letters, digits, _ or -' });
/** An endpoint id field (`ep_...`). */
export const IsEndpointId = (options: { each?: boolean } = {}) =>
  Matches(ENDPOINT_ID_PATTERN, { ...options, message: '$property must be a webhook id (ep_...)' });
/** A delivery id field (`msg_...`), the `webhook-id` of every attempt. */
export const IsDeliveryId = () => Matches(DELIVERY_ID_PATTERN, { message: '$property must be a delivery id (msg_...)' });
/** An event id field. */
export const IsEventId = () => Matches(EVENT_ID_PATTERN, { message: '$property must be 1-128 characters of letters, digits, _ . : -' });
/** A client id field: who published the event. */
export const IsClientId = () => Matches(CLIENT_ID_PATTERN, { message: '$property must be 1-128 characters of letters, digits, _ . : @ / -' });
/** An event type field (dot-separated segments). */
export const IsEventType = () => Matches(EVENT_TYPE_PATTERN, { message: '$property must be dot-separated segments of letters, digits, _ and -' });
