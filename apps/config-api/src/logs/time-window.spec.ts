import { windowEnd, windowStart } from './time-window';

describe('time windows: a date alone means the whole day', () => {
  it('starts a date at midnight UTC and ends it at its last millisecond', () => {
    expect(windowStart('2026-11-30').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(windowEnd('2026-11-30').toISOString()).toBe('2026-11-30T23:59:59.999Z');
  });

  it('takes a date-time as the instant it names', () => {
    expect(windowStart('2026-11-30T10:15:00+01:00').toISOString()).toBe('2026-11-30T09:15:00.000Z');
    expect(windowEnd('2026-11-30T10:15:00Z').toISOString()).toBe('2026-11-30T10:15:00.000Z');
  });
});
