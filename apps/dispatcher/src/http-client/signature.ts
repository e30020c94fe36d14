import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** Decodes a `whsec_` secret into the HMAC key bytes. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * The Standard Webhooks `webhook-signature` value: `v1,<base64 HMAC-SHA256>` of
 * `<id>.<timestamp>.<body>` for each secret, space-separated (several during rotation).
 */
export function signWebhook(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string): string {
  const content = `${webhookId}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secretKeyBytes(secret)).update(content).digest('base64')}`).join(' ');
}
