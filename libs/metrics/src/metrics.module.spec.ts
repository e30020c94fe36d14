import { UnauthorizedException } from '@nestjs/common';
import { MetricsAccess } from './metrics.module';

describe('MetricsAccess: the metrics token', () => {
  const token = 'metrics-token-0123456789';

  it('leaves /metrics open without a token', () => {
    expect(() => new MetricsAccess(undefined).check(undefined)).not.toThrow();
    expect(() => new MetricsAccess(undefined).check('Bearer anything')).not.toThrow();
  });

  it('lets through only Authorization: Bearer <token>', () => {
    const access = new MetricsAccess(token);
    expect(() => access.check(`Bearer ${token}`)).not.toThrow();
    expect(() => access.check(`bearer ${token}`)).not.toThrow();
    for (const header of [undefined, '', token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, 'Bearer ', `Bearer ${token} extra`]) {
      expect(() => access.check(header)).toThrow(UnauthorizedException);
    }
  });
});
