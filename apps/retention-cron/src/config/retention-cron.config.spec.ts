import { ConfigError, loadConfig } from '@wirehook/config';
import { RetentionCronConfig } from './retention-cron.config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(RetentionCronConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('RetentionCronConfig', () => {
  it('defaults to 30 days for successes, 90 for failures, hourly batches of 500 with a pause', () => {
    expect(loadConfig(RetentionCronConfig, {})).toMatchObject({
      PORT: 3003,
      RETENTION_DEFAULT_DAYS: 30,
      RETENTION_FAILED_DAYS: 90,
      RETENTION_SCHEDULE: '0 * * * *',
      RETENTION_BATCH_SIZE: 500,
      RETENTION_BATCH_PAUSE_MS: 200,
      RETENTION_DRY_RUN: false,
      RETENTION_LEASE_TTL_MS: 60000,
    });
  });

  it('accepts cron expressions with or without seconds, and off', () => {
    expect(loadConfig(RetentionCronConfig, { RETENTION_SCHEDULE: '*/10 * * * * *' }).RETENTION_SCHEDULE).toBe('*/10 * * * * *');
    expect(loadConfig(RetentionCronConfig, { RETENTION_SCHEDULE: '15 3 * * *', RETENTION_DRY_RUN: 'yes' })).toMatchObject({ RETENTION_DRY_RUN: true });
    expect(loadConfig(RetentionCronConfig, { RETENTION_SCHEDULE: 'off' }).RETENTION_SCHEDULE).toBe('off');
  });

  it('names every bad variable', () => {
    const message = problemsOf({
      RETENTION_DEFAULT_DAYS: '0',
      RETENTION_FAILED_DAYS: '366',
      RETENTION_SCHEDULE: 'every hour',
      RETENTION_BATCH_SIZE: 'many',
      RETENTION_BATCH_PAUSE_MS: '-1',
      RETENTION_DRY_RUN: 'maybe',
      RETENTION_LEASE_TTL_MS: '10',
    });
    for (const expected of [
      "RETENTION_DEFAULT_DAYS must be an integer between 1 and 365 (got '0')",
      "RETENTION_FAILED_DAYS must be an integer between 1 and 365 (got '366')",
      "RETENTION_SCHEDULE must be a cron expression such as '0 * * * *', or 'off' (got 'every hour')",
      "RETENTION_BATCH_SIZE must be an integer between 1 and 10000 (got 'many')",
      "RETENTION_BATCH_PAUSE_MS must be an integer between 0 and 60000 (got '-1')",
      "RETENTION_DRY_RUN must be true or false (got 'maybe')",
      "RETENTION_LEASE_TTL_MS must be an integer between 1000 and 3600000 (got '10')",
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('keeps failures at least as long as successes, and a lease longer than the pauses', () => {
    expect(problemsOf({ RETENTION_DEFAULT_DAYS: '60', RETENTION_FAILED_DAYS: '30' })).toContain(
      'RETENTION_FAILED_DAYS must be at least RETENTION_DEFAULT_DAYS',
    );
    expect(problemsOf({ RETENTION_BATCH_PAUSE_MS: '30000', RETENTION_LEASE_TTL_MS: '45000' })).toContain(
      'RETENTION_LEASE_TTL_MS must be at least twice RETENTION_BATCH_PAUSE_MS',
    );
  });
});
