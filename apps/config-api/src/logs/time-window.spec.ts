import { refusal } from '../../test/support/domain-refusal';
import { checkedWindow, windowEnd, windowStart } from './time-window';

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

describe('checkedWindow', () => {
  it('gives the bounds that were given, as instants', () => {
    expect(checkedWindow({ from: '2026-11-30', to: '2026-11-30' })).toEqual({
      from: new Date('2026-11-30T00:00:00.000Z'),
      to: new Date('2026-11-30T23:59:59.999Z'),
    });
    expect(checkedWindow({ to: '2026-11-30T10:15:00Z' })).toEqual({ from: undefined, to: new Date('2026-11-30T10:15:00Z') });
    expect(checkedWindow({})).toEqual({ from: undefined, to: undefined });
  });

  it('refuses a date JavaScript cannot read, naming the field', () => {
    const message = 'to must be a calendar date or date-time such as 2026-03-01T12:00:00Z';
    expect(refusal(() => checkedWindow({ from: '2026-11-30', to: '2026-W48' }))).toMatchObject({
      kind: 'invalid',
      code: 'invalid_window',
      message,
      fields: { to: [message] },
    });
  });

  it('refuses a window that ends before it starts', () => {
    expect(refusal(() => checkedWindow({ from: '2026-12-01', to: '2026-11-30' }))).toMatchObject({
      kind: 'invalid',
      code: 'invalid_window',
      message: 'from must not be after to',
      fields: { from: ['from must not be after to'] },
    });
  });
});
