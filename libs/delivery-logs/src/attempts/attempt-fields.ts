import { REDACTED_HEADER_VALUE, type StatusClass } from '@wirehook/contracts';

/** Header names that carry credentials or session state by definition. */
const SECRET_HEADER_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);
/** Names that announce a secret whatever the prefix (`x-webhook-secret`, `x-auth-token`, `x-password`). */
const SECRET_HEADER_WORDS = /secret|token|passw|credential|session/i;

/**
 * Replaces the values of secret headers by {@link REDACTED_HEADER_VALUE}. The dispatcher already redacts the
 * endpoint's auth and custom headers before a record leaves it; this second pass at the point
 * of storage keeps credentials out of MongoDB even if a producer (a future one, or a response
 * that sets a cookie) forgets. `webhook-signature` stays: an HMAC reveals nothing of the secret
 * and is what a person compares when debugging a verification failure.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      return [name, SECRET_HEADER_NAMES.has(lower) || SECRET_HEADER_WORDS.test(lower) ? REDACTED_HEADER_VALUE : value];
    }),
  );
}

/** The status class of a response status, `none` without a response. */
export function statusClassOf(status: number | undefined): StatusClass | 'none' {
  if (status === undefined || status < 200 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}
