import { RETRY_JITTER, nextRetryDelay, parseDuration } from './retry-schedule';

describe('parseDuration', () => {
  it.each([
    ['200ms', 200],
    ['5s', 5000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5', 's', '1.5s', '-1s', '5 minutes'])('refuses %s', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('nextRetryDelay', () => {
  const schedule = [5000, 300_000];

  it('follows the schedule and ends with it', () => {
    expect(nextRetryDelay(schedule, 1, () => 0.5)).toBe(5000);
    expect(nextRetryDelay(schedule, 2, () => 0.5)).toBe(300_000);
    expect(nextRetryDelay(schedule, 3, () => 0.5)).toBeUndefined();
    expect(nextRetryDelay([], 1)).toBeUndefined();
  });

  it('jitters within the bounds', () => {
    expect(nextRetryDelay(schedule, 1, () => 0)).toBe(5000 * (1 - RETRY_JITTER));
    expect(nextRetryDelay(schedule, 1, () => 1)).toBe(5000 * (1 + RETRY_JITTER));
    for (let i = 0; i < 200; i += 1) {
      const delay = nextRetryDelay(schedule, 2) as number;
      expect(delay).toBeGreaterThanOrEqual(240_000);
      expect(delay).toBeLessThanOrEqual(360_000);
    }
  });
});
