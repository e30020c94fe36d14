/**
 * How long an HTTP `Retry-After` header asks the client to wait, in milliseconds: the header
 * holds seconds or an HTTP date. `0` when it is absent, unreadable or already past. Not capped:
 * each caller bounds the wait by its own rules (the dispatcher at an hour, the publisher at its
 * longest backoff).
 */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number {
  if (!value) return 0;
  const seconds = Number(value);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}
