import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The delivery id (`webhook-id`) of an event for an endpoint. It is derived, not random, so a
 * redelivered event produces the same id and receivers can de-duplicate on it.
 */
export function deliveryIdFor(tenantId: string, eventId: string, endpointId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\n${eventId}\n${endpointId}`).digest();
  let id = '';
  for (let i = 0; i < 26; i += 1) id += BASE32[digest[i] & 31];
  return `msg_${id}`;
}

/** A random delivery id, for deliveries that belong to no published event (test sends). */
export function randomDeliveryId(): string {
  return `msg_${Array.from(randomBytes(26), (byte) => BASE32[byte & 31]).join('')}`;
}
