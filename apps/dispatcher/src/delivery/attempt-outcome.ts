import { AttemptErrorCode } from '@wirehook/contracts';
import type { SendResult } from './webhook-sender';

/** The most we wait because an endpoint asked us to (Retry-After). */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** How an attempt ends: delivered, worth another try, or not worth one. */
export type AttemptOutcome =
  | { kind: 'success' }
  | { kind: 'retry'; minDelayMs: number }
  | { kind: 'final'; disableEndpoint: boolean };

/** Reads `Retry-After` as seconds or as an HTTP date; `0` when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number {
  if (!value) return 0;
  const seconds = Number(value);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(delay) && delay > 0 ? Math.min(delay, MAX_RETRY_AFTER_MS) : 0;
}

/**
 * The delivery rules: any 2xx is success; 408, 429, 5xx, timeouts and network errors are
 * retried; 410 Gone is final and disables the endpoint; every other status (3xx included:
 * redirects are never followed) is final, and so is a connection the address policy refused.
 */
export function judgeAttempt(result: SendResult): AttemptOutcome {
  const { response, error } = result;
  if (response) {
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'success' };
    if (status === 410) return { kind: 'final', disableEndpoint: true };
    if (status === 408 || status === 429 || status >= 500) {
      return { kind: 'retry', minDelayMs: retryAfterMs(response.headers['retry-after']) };
    }
    return { kind: 'final', disableEndpoint: false };
  }
  if (error?.code === AttemptErrorCode.ssrfBlocked) return { kind: 'final', disableEndpoint: false };
  return { kind: 'retry', minDelayMs: 0 };
}

/** The error recorded for a response that was not a success. */
export function describeUnsuccessfulResponse(status: number): string {
  return `the endpoint answered HTTP ${status}`;
}
