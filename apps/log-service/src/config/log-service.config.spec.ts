import { ConfigError, loadConfig } from '@wirehook/config';
import { LogServiceConfig } from './log-service.config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(LogServiceConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('LogServiceConfig', () => {
  it('defaults to 4 queries per tenant, 16 in all, a 1 s wait for a turn and a 4 s limit per query', () => {
    expect(loadConfig(LogServiceConfig, {})).toMatchObject({
      PORT: 3002,
      LOG_QUERY_CONCURRENCY_PER_TENANT: 4,
      LOG_QUERY_CONCURRENCY: 16,
      LOG_QUERY_QUEUE_WAIT_MS: 1000,
      LOG_QUERY_MAX_TIME_MS: 3000,
    });
  });

  it('reads the query limits from the environment', () => {
    expect(
      loadConfig(LogServiceConfig, {
        LOG_QUERY_CONCURRENCY_PER_TENANT: '2',
        LOG_QUERY_CONCURRENCY: '2',
        LOG_QUERY_QUEUE_WAIT_MS: '0',
        LOG_QUERY_MAX_TIME_MS: '2500',
      }),
    ).toMatchObject({ LOG_QUERY_CONCURRENCY_PER_TENANT: 2, LOG_QUERY_CONCURRENCY: 2, LOG_QUERY_QUEUE_WAIT_MS: 0, LOG_QUERY_MAX_TIME_MS: 2500 });
  });

  it('names every bad query limit', () => {
    const message = problemsOf({
      LOG_QUERY_CONCURRENCY_PER_TENANT: '0',
      LOG_QUERY_CONCURRENCY: 'lots',
      LOG_QUERY_QUEUE_WAIT_MS: '-1',
      LOG_QUERY_MAX_TIME_MS: '99',
    });
    for (const expected of [
      "LOG_QUERY_CONCURRENCY_PER_TENANT must be an integer between 1 and 1000 (got '0')",
      "LOG_QUERY_CONCURRENCY must be an integer between 1 and 10000 (got 'lots')",
      "LOG_QUERY_QUEUE_WAIT_MS must be an integer between 0 and 10000 (got '-1')",
      "LOG_QUERY_MAX_TIME_MS must be an integer between 100 and 60000 (got '99')",
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('keeps the process-wide limit at least the per-tenant one', () => {
    expect(problemsOf({ LOG_QUERY_CONCURRENCY_PER_TENANT: '8', LOG_QUERY_CONCURRENCY: '4' })).toContain(
      "LOG_QUERY_CONCURRENCY must be at least LOG_QUERY_CONCURRENCY_PER_TENANT (got '4')",
    );
  });
});
