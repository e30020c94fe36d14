import { parseRetryAfterMs } from './retry-after';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds and HTTP dates, uncapped', () => {
    expect(parseRetryAfterMs('30', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfterMs('999999', now)).toBe(999_999_000);
  });

  it('is 0 for absent, past, negative and unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBe(0);
    expect(parseRetryAfterMs(null, now)).toBe(0);
    expect(parseRetryAfterMs('', now)).toBe(0);
    expect(parseRetryAfterMs('-5', now)).toBe(0);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBe(0);
  });
});
