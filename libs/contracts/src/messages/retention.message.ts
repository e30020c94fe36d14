import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { TENANT_ID_PATTERN } from '../identifiers';

/** Bounds of every retention period, in days. */
export const RETENTION_MIN_DAYS = 1;
export const RETENTION_MAX_DAYS = 365;

/** Valid when the property is a number at least as large as the number in `otherProperty`. */
export function IsAtLeastProperty(otherProperty: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isAtLeastProperty',
      constraints: [otherProperty],
      validator: {
        validate: (value: unknown, args) => {
          const other = (args?.object as Record<string, unknown> | undefined)?.[otherProperty];
          // The other property reports its own problem when it is not a number.
          return typeof other !== 'number' || (typeof value === 'number' && value >= other);
        },
        defaultMessage: (args) => `${args?.property} must be at least ${otherProperty}`,
      },
    },
    options,
  );
}

/** Asks for the effective policy of one tenant (its override, or the defaults). */
export class GetRetentionPolicyRequestMessage {
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be a tenant id' })
  tenantId!: string;
}

/**
 * Sets a tenant's override. Failed deliveries are kept at least as long as successful ones,
 * so failures stay available for debugging after successes are gone.
 */
export class SetRetentionPolicyRequestMessage {
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be a tenant id' })
  tenantId!: string;

  @IsInt({ message: `successDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `successDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `successDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  successDays!: number;

  @IsInt({ message: `failedDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `failedDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `failedDays must be an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}` })
  @IsAtLeastProperty('successDays', { message: 'failedDays must be at least successDays (failures are kept at least as long as successes)' })
  failedDays!: number;
}

/** Removes a tenant's override. */
export class ResetRetentionPolicyRequestMessage {
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be a tenant id' })
  tenantId!: string;
}

/** Longest time a `run` request may wait for the run to finish before the reply says it is still running. */
export const RETENTION_RUN_MAX_WAIT_MS = 300_000;

/** Starts a retention pass now. */
export class RunRetentionRequestMessage {
  /** Report what would be deleted, per tenant, and delete nothing. */
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun!: boolean;

  /**
   * How long to wait for the run before replying `running`; the run goes on either way. Keep
   * it below the requester's own timeout.
   */
  @Type(() => Number)
  @IsInt({ message: `waitMs must be an integer between 0 and ${RETENTION_RUN_MAX_WAIT_MS}` })
  @Min(0, { message: `waitMs must be an integer between 0 and ${RETENTION_RUN_MAX_WAIT_MS}` })
  @Max(RETENTION_RUN_MAX_WAIT_MS, { message: `waitMs must be an integer between 0 and ${RETENTION_RUN_MAX_WAIT_MS}` })
  waitMs!: number;
}

/** A tenant's effective retention policy as the API shows it (field names follow the public API). */
export interface RetentionPolicyView {
  tenant_id: string;
  success_days: number;
  failed_days: number;
  /** `tenant` when the tenant has an override, `default` when the platform defaults apply. */
  source: 'tenant' | 'default';
  defaults: { success_days: number; failed_days: number };
  /** When the override was last set; null for defaults. */
  updated_at: string | null;
}

export const RETENTION_RUN_RESULTS = ['completed', 'skipped', 'aborted', 'failed'] as const;
/**
 * How a run ended: `completed`; `skipped` (another runner holds the lease, nothing was read or
 * deleted); `aborted` (the process was shutting down; the next run goes on); `failed` (an error,
 * or the lease was lost to another runner).
 */
export type RetentionRunResult = (typeof RETENTION_RUN_RESULTS)[number];

export const RETENTION_RUN_TRIGGERS = ['schedule', 'rpc', 'cli'] as const;
export type RetentionRunTrigger = (typeof RETENTION_RUN_TRIGGERS)[number];

/** Numbers of deliveries and attempts deleted (or, in a dry run, that would be). */
export class RetentionCounts {
  @IsInt()
  @Min(0)
  deliveries!: number;

  @IsInt()
  @Min(0)
  attempts!: number;
}

function isTenantCounts(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([tenantId, counts]) =>
      TENANT_ID_PATTERN.test(tenantId) &&
      typeof counts === 'object' &&
      counts !== null &&
      Number.isInteger((counts as RetentionCounts).deliveries) &&
      Number.isInteger((counts as RetentionCounts).attempts),
  );
}

/**
 * What one retention run did: logged as `retention run finished`, answered to `run` requests
 * and published on `webhooks.ops.v1.retention.run-completed`.
 */
export class RetentionRunSummaryMessage {
  @IsString()
  @MaxLength(100)
  runId!: string;

  @IsIn(RETENTION_RUN_TRIGGERS)
  trigger!: RetentionRunTrigger;

  @IsBoolean()
  dryRun!: boolean;

  @IsIn(RETENTION_RUN_RESULTS)
  result!: RetentionRunResult;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  finishedAt!: string;

  @IsInt()
  @Min(0)
  durationMs!: number;

  /** Batches processed; each deletes (or counts) at most the configured batch size of deliveries. */
  @IsInt()
  @Min(0)
  batches!: number;

  /** Totals over every tenant. */
  @ValidateNested()
  @Type(() => RetentionCounts)
  deleted!: RetentionCounts;

  /** Per tenant, only tenants with something deleted (or that would be, in a dry run). */
  @ValidateBy({
    name: 'isTenantCounts',
    validator: { validate: isTenantCounts, defaultMessage: () => 'tenants must map tenant ids to { deliveries, attempts }' },
  })
  tenants!: Record<string, RetentionCounts>;

  /** Why the run was skipped, aborted or failed. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** The reply to a `run` request: the summary, or word that the run is still going. */
export type RunRetentionReply =
  { state: 'finished'; summary: RetentionRunSummaryMessage } | { state: 'running'; runId: string; dryRun: boolean; startedAt: string };
