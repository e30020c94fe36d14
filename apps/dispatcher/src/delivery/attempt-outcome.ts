import { AttemptErrorCode, parseRetryAfterMs } from '@wirehook/contracts';
import type { SendResult } from '../http-client/webhook-sender';

/** The most we wait because an endpoint asked us to (Retry-After). */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** How an attempt ends: delivered, worth another try, or not worth one. */
export type AttemptOutcome = { kind: 'success' } | { kind: 'retry'; minDelayMs: number } | { kind: 'final'; disableEndpoint: boolean };

/** The wait an endpoint's `Retry-After` asks for, at most {@link MAX_RETRY_AFTER_MS}; `0` when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number {
  return Math.min(parseRetryAfterMs(value, now), MAX_RETRY_AFTER_MS);
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
