import { AttemptErrorCode } from '@wirehook/contracts';
import { judgeAttempt, retryAfterMs } from './attempt-outcome';
import type { SendResult } from '../http-client/webhook-sender';

const response = (status: number, headers: Record<string, string> = {}): SendResult => ({
  response: { status, headers, body: '', bodyTruncated: false },
  durationMs: 5,
});

describe('judgeAttempt', () => {
  it.each([200, 201, 204, 299])('%i is a success', (status) => {
    expect(judgeAttempt(response(status))).toEqual({ kind: 'success' });
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (status) => {
    expect(judgeAttempt(response(status)).kind).toBe('retry');
  });

  it.each([301, 302, 307, 400, 401, 403, 404, 422])('%i is final and keeps the endpoint', (status) => {
    expect(judgeAttempt(response(status))).toEqual({ kind: 'final', disableEndpoint: false });
  });

  it('410 Gone disables the endpoint', () => {
    expect(judgeAttempt(response(410))).toEqual({ kind: 'final', disableEndpoint: true });
  });

  it('retries network errors but not refused addresses', () => {
    expect(judgeAttempt({ error: { code: AttemptErrorCode.timeout, message: 't' }, durationMs: 1 }).kind).toBe('retry');
    expect(judgeAttempt({ error: { code: AttemptErrorCode.connectionRefused, message: 'r' }, durationMs: 1 }).kind).toBe('retry');
    expect(judgeAttempt({ error: { code: AttemptErrorCode.ssrfBlocked, message: 's' }, durationMs: 0 })).toEqual({ kind: 'final', disableEndpoint: false });
  });

  it('honours Retry-After as the minimum delay', () => {
    expect(judgeAttempt(response(429, { 'retry-after': '120' }))).toEqual({ kind: 'retry', minDelayMs: 120_000 });
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds and HTTP dates, and caps at an hour', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120_000);
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
  });

  it('ignores absent, negative and unreadable values', () => {
    expect(retryAfterMs(undefined, now)).toBe(0);
    expect(retryAfterMs('-5', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBe(0);
  });
});
