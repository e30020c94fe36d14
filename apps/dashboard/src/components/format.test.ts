import { formatCount, formatDuration, formatPercent } from './format';

describe('formatting for people', () => {
  it('writes durations in the unit a person reads', () => {
    expect([0, 143, 2400, 12_000, 185_000, 7_800_000].map(formatDuration)).toEqual(['0 ms', '143 ms', '2.4 s', '12 s', '3 min 5 s', '2 h 10 min']);
    expect(formatDuration(null)).toBe('—');
  });

  it('marks a lower-bound count with a plus', () => {
    expect(formatCount(10_000, false)).toBe(`${(10_000).toLocaleString()}+`);
    expect(formatCount(25)).toBe('25');
  });

  it('shows shares as percentages', () => {
    expect([1, 0, 0.975, null].map(formatPercent)).toEqual(['100 %', '0 %', '97.5 %', '—']);
  });
});
