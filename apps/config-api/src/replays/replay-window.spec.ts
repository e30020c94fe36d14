import { refusal } from '../../test/support/domain-refusal';
import { keptSince, replayWindow, type KeptEvents } from './replay-window';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-03-10T12:00:00.000Z');
/** A stream that keeps a week and has not removed anything yet. */
const fresh: KeptEvents = { maxAgeMs: 7 * DAY, firstSequence: 1, firstStoredAt: new Date('2026-03-09T00:00:00.000Z') };
/** One whose oldest events were removed: it keeps from its first event on. */
const trimmed: KeptEvents = { maxAgeMs: 7 * DAY, firstSequence: 500, firstStoredAt: new Date('2026-03-08T00:00:00.000Z') };

describe('replayWindow', () => {
  it('takes a window inside what the stream keeps, to defaulting to now', () => {
    expect(replayWindow({ from: '2026-03-09T10:00:00Z', to: '2026-03-09T11:00:00Z' }, fresh, now)).toEqual({
      from: new Date('2026-03-09T10:00:00Z'),
      to: new Date('2026-03-09T11:00:00Z'),
    });
    expect(replayWindow({ from: '2026-03-09T10:00:00Z' }, fresh, now).to).toEqual(now);
  });

  it('reads a date alone as the whole day (UTC)', () => {
    expect(replayWindow({ from: '2026-03-08', to: '2026-03-08' }, trimmed, now)).toEqual({
      from: new Date('2026-03-08T00:00:00.000Z'),
      to: new Date('2026-03-08T23:59:59.999Z'),
    });
  });

  it('refuses from after to, and a window reaching into the future', () => {
    expect(refusal(() => replayWindow({ from: '2026-03-09T11:00:00Z', to: '2026-03-09T10:00:00Z' }, fresh, now))).toMatchObject({
      code: 'invalid_window',
      kind: 'invalid',
    });
    const future = refusal(() => replayWindow({ from: '2026-03-10T11:00:00Z', to: '2026-03-10T13:00:00Z' }, fresh, now));
    expect(future).toMatchObject({ code: 'window_in_future', fields: { to: [expect.stringContaining('future')] } });
  });

  it('refuses more than 7 days', () => {
    const long = refusal(() => replayWindow({ from: '2026-03-03T11:59:00Z', to: '2026-03-10T12:00:00Z' }, { ...fresh, maxAgeMs: 30 * DAY }, now));
    expect(long.code).toBe('window_too_long');
  });

  it('refuses a window starting before the kept range, naming the range', () => {
    const old = refusal(() => replayWindow({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, fresh, now));
    expect(old.code).toBe('window_outside_kept_range');
    expect(old.message).toContain('events are kept from 2026-03-03T12:00:00.000Z to now');
    const removed = refusal(() => replayWindow({ from: '2026-03-07T00:00:00Z' }, trimmed, now));
    expect(removed.message).toContain('from 2026-03-08T00:00:00.000Z');
    expect(removed.fields).toEqual({ from: [removed.message] });
  });

  it('refuses what is not a date', () => {
    expect(refusal(() => replayWindow({ from: 'yesterday' }, fresh, now)).code).toBe('invalid_window');
  });
});

describe('keptSince', () => {
  it('is max_age ago until events have been removed, then the oldest event kept', () => {
    expect(keptSince(fresh, now)).toEqual(new Date(now.getTime() - 7 * DAY));
    expect(keptSince(trimmed, now)).toEqual(trimmed.firstStoredAt);
    expect(keptSince({ ...trimmed, maxAgeMs: 0 }, now)).toEqual(trimmed.firstStoredAt);
  });
});
