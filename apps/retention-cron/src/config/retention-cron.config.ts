import { IsBoolean, IsInt, IsString, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { validateCronExpression } from 'cron';
import { AppConfig, EnvBoolean, EnvInt, withMongo } from '@wirehook/config';
import { IsAtLeastProperty, RETENTION_MAX_DAYS, RETENTION_MIN_DAYS } from '@wirehook/contracts';

/** The value of `RETENTION_SCHEDULE` that turns scheduled runs off. */
export const SCHEDULE_OFF = 'off';

/** A cron expression (5 fields, or 6 with seconds first), or `off`. */
function IsScheduleExpression(options: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isScheduleExpression',
      validator: { validate: (value: unknown) => typeof value === 'string' && (value === SCHEDULE_OFF || validateCronExpression(value).valid) },
    },
    options,
  );
}

const DAYS_RANGE = `an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}`;

/** Environment of retention-cron. */
export class RetentionCronConfig extends withMongo(AppConfig) {
  override PORT = 3003;

  /** Days successful deliveries are kept, for tenants without an override. */
  @EnvInt()
  @IsInt({ message: `RETENTION_DEFAULT_DAYS must be ${DAYS_RANGE}` })
  @Min(RETENTION_MIN_DAYS, { message: `RETENTION_DEFAULT_DAYS must be ${DAYS_RANGE}` })
  @Max(RETENTION_MAX_DAYS, { message: `RETENTION_DEFAULT_DAYS must be ${DAYS_RANGE}` })
  RETENTION_DEFAULT_DAYS = 30;

  /** Days failed deliveries are kept, for tenants without an override: longer, for debugging. */
  @EnvInt()
  @IsInt({ message: `RETENTION_FAILED_DAYS must be ${DAYS_RANGE}` })
  @Min(RETENTION_MIN_DAYS, { message: `RETENTION_FAILED_DAYS must be ${DAYS_RANGE}` })
  @Max(RETENTION_MAX_DAYS, { message: `RETENTION_FAILED_DAYS must be ${DAYS_RANGE}` })
  @IsAtLeastProperty('RETENTION_DEFAULT_DAYS', { message: 'RETENTION_FAILED_DAYS must be at least RETENTION_DEFAULT_DAYS' })
  RETENTION_FAILED_DAYS = 90;

  /** When scheduled runs start (cron syntax, server time zone), or `off`. */
  @IsString({ message: "RETENTION_SCHEDULE must be a cron expression such as '0 * * * *', or 'off'" })
  @IsScheduleExpression({ message: "RETENTION_SCHEDULE must be a cron expression such as '0 * * * *', or 'off'" })
  RETENTION_SCHEDULE = '0 * * * *';

  /** Deliveries (with their attempts) deleted per batch. */
  @EnvInt()
  @IsInt({ message: 'RETENTION_BATCH_SIZE must be an integer between 1 and 10000' })
  @Min(1, { message: 'RETENTION_BATCH_SIZE must be an integer between 1 and 10000' })
  @Max(10000, { message: 'RETENTION_BATCH_SIZE must be an integer between 1 and 10000' })
  RETENTION_BATCH_SIZE = 500;

  /** Pause between two batches, leaving MongoDB to live traffic. */
  @EnvInt()
  @IsInt({ message: 'RETENTION_BATCH_PAUSE_MS must be an integer between 0 and 60000' })
  @Min(0, { message: 'RETENTION_BATCH_PAUSE_MS must be an integer between 0 and 60000' })
  @Max(60000, { message: 'RETENTION_BATCH_PAUSE_MS must be an integer between 0 and 60000' })
  RETENTION_BATCH_PAUSE_MS = 200;

  /** Scheduled runs only report what they would delete. */
  @EnvBoolean()
  @IsBoolean({ message: 'RETENTION_DRY_RUN must be true or false' })
  RETENTION_DRY_RUN = false;

  /**
   * How long the runner's lease lasts without renewal; it is renewed before every batch, so it
   * must outlast a pause and a batch. A crashed runner's lease lapses after this long.
   */
  @EnvInt()
  @IsInt({ message: 'RETENTION_LEASE_TTL_MS must be an integer between 1000 and 3600000' })
  @Min(1000, { message: 'RETENTION_LEASE_TTL_MS must be an integer between 1000 and 3600000' })
  @Max(3_600_000, { message: 'RETENTION_LEASE_TTL_MS must be an integer between 1000 and 3600000' })
  @ValidateBy(
    {
      name: 'leaseOutlastsPause',
      validator: {
        validate: (value: unknown, args) => {
          const pause: unknown = (args?.object as Partial<RetentionCronConfig> | undefined)?.RETENTION_BATCH_PAUSE_MS;
          // A bad pause reports its own problem.
          return typeof pause !== 'number' || (typeof value === 'number' && value >= 2 * pause);
        },
      },
    },
    { message: 'RETENTION_LEASE_TTL_MS must be at least twice RETENTION_BATCH_PAUSE_MS' },
  )
  RETENTION_LEASE_TTL_MS = 60000;
}
