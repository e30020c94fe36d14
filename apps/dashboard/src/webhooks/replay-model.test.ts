import { replayProgress, replayRequestOf } from './replay-model';

const window = { from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T10:00:00.000Z' };

describe('replay progress', () => {
  it('places the last event handled between the start and the end of the window', () => {
    expect(replayProgress({ ...window, state: 'running', reached_at: '2026-03-02T08:30:00.000Z' })).toBe(25);
    expect(replayProgress({ ...window, state: 'running', reached_at: null })).toBe(0);
    expect(replayProgress({ ...window, state: 'cancelled', reached_at: '2026-03-02T09:59:59.000Z' })).toBe(99);
    expect(replayProgress({ ...window, state: 'running', reached_at: '2026-03-02T07:00:00.000Z' })).toBe(0);
  });

  it('is complete once completed, and unknown while queued', () => {
    expect(replayProgress({ ...window, state: 'completed', reached_at: null })).toBe(100);
    expect(replayProgress({ ...window, state: 'queued', reached_at: null })).toBeUndefined();
  });
});

describe('the replay request of the form', () => {
  const now = Date.parse('2026-03-02T12:00:30.000Z');
  const local = (iso: string) => {
    const at = new Date(iso);
    return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };

  it('takes in the whole minute of the end and the chosen patterns', () => {
    expect(replayRequestOf({ from: local('2026-03-02T08:00:00Z'), to: local('2026-03-02T09:00:00Z'), events: ['order.*'] }, now)).toEqual({
      body: { from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T09:00:59.999Z', events: ['order.*'] },
      problems: {},
    });
  });

  it('leaves the end out when empty or when its minute is the current one', () => {
    expect(replayRequestOf({ from: local('2026-03-02T08:00:00Z'), to: '', events: [] }, now).body).toEqual({ from: '2026-03-02T08:00:00.000Z' });
    expect(replayRequestOf({ from: local('2026-03-02T08:00:00Z'), to: local('2026-03-02T12:00:00Z'), events: [] }, now).body).toEqual({
      from: '2026-03-02T08:00:00.000Z',
    });
  });

  it('refuses a missing start, an end before the start and an end in the future', () => {
    expect(replayRequestOf({ from: '', to: '', events: [] }, now)).toEqual({ problems: { from: ['Choose when the window starts.'] } });
    expect(replayRequestOf({ from: local('2026-03-02T09:00:00Z'), to: local('2026-03-02T08:00:00Z'), events: [] }, now).problems).toEqual({
      to: ['The window ends before it starts.'],
    });
    expect(replayRequestOf({ from: local('2026-03-02T09:00:00Z'), to: local('2026-03-02T12:05:00Z'), events: [] }, now).problems.to?.[0]).toMatch(
      /cannot end in the future/,
    );
    expect(replayRequestOf({ from: local('2026-03-02T12:05:00Z'), to: '', events: [] }, now).problems.from?.[0]).toMatch(/cannot start in the future/);
  });
});
