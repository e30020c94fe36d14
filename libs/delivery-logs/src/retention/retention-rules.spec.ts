import { expiryCutoff, retentionDaysOf, type RetentionRules } from './retention-rules';

describe('retention rules', () => {
  const rules: RetentionRules = {
    defaults: { successDays: 30, failedDays: 90 },
    overrides: new Map([['acme', { successDays: 7, failedDays: 14 }]]),
  };
  const now = new Date('2026-06-30T12:00:00.000Z');

  it('gives a tenant its override, and every other tenant the defaults', () => {
    expect(retentionDaysOf(rules, 'acme')).toEqual({ successDays: 7, failedDays: 14 });
    expect(retentionDaysOf(rules, 'globex')).toEqual({ successDays: 30, failedDays: 90 });
  });

  it('keeps failures for their own, longer period', () => {
    expect(expiryCutoff(now, rules.defaults, 'success').toISOString()).toBe('2026-05-31T12:00:00.000Z');
    expect(expiryCutoff(now, rules.defaults, 'failed').toISOString()).toBe('2026-04-01T12:00:00.000Z');
    expect(expiryCutoff(now, retentionDaysOf(rules, 'acme'), 'failed').toISOString()).toBe('2026-06-16T12:00:00.000Z');
  });
});
