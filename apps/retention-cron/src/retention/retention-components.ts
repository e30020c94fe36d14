import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { DeliveryLogs } from '@wirehook/delivery-logs';
import type { RetentionCronConfig } from '../config/retention-cron.config';
import { RetentionLeaseRepository } from '../lease/retention-lease.repository';
import { RetentionPolicyRepository } from '../policies/retention-policy.repository';
import { RetentionPolicyService } from '../policies/retention-policy.service';
import { RetentionRunner, type RunListener } from './retention-runner.service';

/** What the app and the run-once command share. */
/** Time limit of retention's reads: a batch runs in the background, with no caller waiting on it. */
const RETENTION_QUERY_MAX_TIME_MS = 60_000;

export interface RetentionComponents {
  policies: RetentionPolicyService;
  lease: RetentionLeaseRepository;
  runner: RetentionRunner;
}

/**
 * Builds the retention runner and policies on a MongoDB connection, the same way for the
 * long-running app and for the run-once command. Every retention query relies on the delivery
 * log indexes, which `npm run migrate` creates (the app reports not-ready until they exist).
 */
export async function createRetentionComponents(
  connection: Connection,
  config: RetentionCronConfig,
  logger: Logger,
  listeners: RunListener[] = [],
): Promise<RetentionComponents> {
  const logs = new DeliveryLogs(connection, { maxTimeMs: RETENTION_QUERY_MAX_TIME_MS });
  const policies = new RetentionPolicyService(new RetentionPolicyRepository(connection), {
    successDays: config.RETENTION_DEFAULT_DAYS,
    failedDays: config.RETENTION_FAILED_DAYS,
  });
  const lease = new RetentionLeaseRepository(connection);
  const runner = new RetentionRunner(
    logs.purger,
    policies,
    lease,
    { batchSize: config.RETENTION_BATCH_SIZE, pauseMs: config.RETENTION_BATCH_PAUSE_MS, leaseTtlMs: config.RETENTION_LEASE_TTL_MS },
    logger,
    listeners,
  );
  return { policies, lease, runner };
}
