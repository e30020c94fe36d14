import type { DeliveryAttemptRepository } from '../attempts/delivery-attempt.repository';
import type { DeliveryRepository } from '../deliveries/delivery.repository';
import type { EventPayloadRepository } from '../payloads/event-payload.repository';
import {
  ATTEMPT_CLOCK_SKEW_ALLOWANCE_MS,
  FINAL_DELIVERY_STATUSES,
  expiryCutoff,
  retentionDaysOf,
  type FinalDeliveryStatus,
  type RetentionRules,
} from './retention-rules';

/** What a purge pass applies. */
export interface PurgeOptions {
  rules: RetentionRules;
  /** The instant expiry is judged against (fixed for the whole pass). */
  now: Date;
  /** Most deliveries selected, and deleted, by one batch. */
  batchSize: number;
  /** Count what would be deleted and delete nothing. */
  dryRun: boolean;
}

/** Where old hourly rollups are deleted from. */
export interface RollupPurge {
  /** Deletes at most `limit` rollup documents of a tenant for hours before `before`; returns how many went. */
  deleteOlderThan(tenantId: string, before: Date, limit: number): Promise<number>;
}

/**
 * One batch: deliveries of one tenant and final state with their attempts, or (`status` null)
 * the tenant's payloads and rollups older than its longest period.
 */
export interface PurgeBatch {
  tenantId: string;
  status: FinalDeliveryStatus | null;
  /** Deliveries in this state last updated before this instant had expired. */
  cutoff: Date;
  /** Expired deliveries the batch selected (at most the batch size). */
  selected: number;
  /** Deliveries deleted (dry run: that would be deleted). */
  deliveries: number;
  /** Attempts deleted (dry run: that would be deleted). */
  attempts: number;
  /** Payloads no attempt used within the tenant's longest period, deleted (dry run: none). */
  payloads: number;
  /** Hourly rollups older than the tenant's longest period, deleted (dry run: none). */
  rollups: number;
}

/** Where the next page of a tenant's expired deliveries starts: after `createdAt`, skipping ids already seen at it. */
interface PageStart {
  createdAt: Date;
  skipIds: string[];
}

/**
 * Deletes expired delivery logs in bounded batches. A delivery (with all its attempts) expires
 * when it has been in a final state (`success` or `failed`) for longer than its tenant's
 * period for that state; `pending` and `retrying` deliveries are never touched.
 *
 * Deliveries are selected, never attempts: each batch deletes the attempts of its deliveries
 * first and the deliveries after, so a pass interrupted between the two leaves expired
 * deliveries that the next pass selects again and finishes, and never leaves an attempt whose
 * delivery is gone. Selection walks the `{ tenantId, status, createdAt }` index of `deliveries`
 * and deletes use `_id` and `{ deliveryId }`, so a batch costs about its own size whatever the
 * collection's size.
 *
 * {@link batches} runs one batch per iteration, so the caller decides what happens between
 * two (pause, renew a lease, stop).
 */
export class DeliveryLogPurger {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly attempts: DeliveryAttemptRepository,
    private readonly payloads: EventPayloadRepository,
    private readonly rollups: RollupPurge,
  ) {}

  /** Runs the pass one batch at a time; stop iterating to stop it between batches. */
  async *batches(options: PurgeOptions): AsyncGenerator<PurgeBatch, void, undefined> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error('batchSize must be a positive integer');
    const tenantIds = [...new Set([...(await this.deliveries.tenants()), ...(await this.payloads.tenants())])].sort();
    for (const tenantId of tenantIds) {
      const days = retentionDaysOf(options.rules, tenantId);
      for (const status of FINAL_DELIVERY_STATUSES) {
        yield* this.tenantBatches(tenantId, status, expiryCutoff(options.now, days, status), options);
      }
      if (!options.dryRun) yield* this.housekeepingBatches(tenantId, expiryCutoff(options.now, days, 'failed'), options.batchSize);
    }
  }

  /**
   * A tenant's payloads and rollups past its longest period (that of failures). A payload is
   * marked used by every attempt that sends it, so one unused that long belongs to no delivery
   * still kept; a delivery still retrying sends its payload again and stores it anew.
   */
  private async *housekeepingBatches(tenantId: string, cutoff: Date, batchSize: number): AsyncGenerator<PurgeBatch, void, undefined> {
    for (;;) {
      const ids = await this.payloads.unusedSince(tenantId, cutoff, batchSize);
      const payloads = await this.payloads.deleteUnused(tenantId, ids, cutoff);
      const rollups = await this.rollups.deleteOlderThan(tenantId, cutoff, batchSize);
      if (payloads === 0 && rollups === 0) return;
      yield { tenantId, status: null, cutoff, selected: ids.length, deliveries: 0, attempts: 0, payloads, rollups };
      if (ids.length < batchSize && rollups < batchSize) return;
    }
  }

  private async *tenantBatches(
    tenantId: string,
    status: FinalDeliveryStatus,
    cutoff: Date,
    options: PurgeOptions,
  ): AsyncGenerator<PurgeBatch, void, undefined> {
    let start: PageStart | undefined;
    for (;;) {
      const page = await this.selectExpired(tenantId, status, cutoff, start, options.batchSize);
      if (page.length === 0) return;
      const ids = page.map((row) => row._id);
      const counts = options.dryRun ? await this.countBatch(tenantId, ids, cutoff) : await this.deleteBatch(tenantId, status, ids, cutoff);
      yield { tenantId, status, cutoff, selected: ids.length, ...counts, payloads: 0, rollups: 0 };
      if (page.length < options.batchSize) return;
      start = nextPageStart(start, page);
    }
  }

  private async selectExpired(
    tenantId: string,
    status: FinalDeliveryStatus,
    cutoff: Date,
    start: PageStart | undefined,
    limit: number,
  ): Promise<Array<{ _id: string; createdAt: Date }>> {
    return this.deliveries.expired(tenantId, status, cutoff, start, limit);
  }

  private async countBatch(tenantId: string, ids: string[], cutoff: Date): Promise<{ deliveries: number; attempts: number }> {
    return { deliveries: ids.length, attempts: await this.attempts.countOfDeliveries(tenantId, ids, attemptCutoff(cutoff)) };
  }

  /**
   * Attempts first, then the deliveries, each re-checked against the expiry filter: a delivery
   * that a manual retry brought back to life since it was selected is no longer expired and stays.
   */
  private async deleteBatch(tenantId: string, status: FinalDeliveryStatus, ids: string[], cutoff: Date): Promise<{ deliveries: number; attempts: number }> {
    const attempts = await this.attempts.deleteOfDeliveries(tenantId, ids, attemptCutoff(cutoff));
    const deliveries = await this.deliveries.deleteExpired(tenantId, status, ids, cutoff);
    return { deliveries, attempts };
  }
}

/** Attempts newer than an hour past the cutoff (clock skew, a manual retry) are never deleted. */
const attemptCutoff = (cutoff: Date): Date => new Date(cutoff.getTime() + ATTEMPT_CLOCK_SKEW_ALLOWANCE_MS);

/** Keyset paging on `createdAt`: ids seen at the last page's last `createdAt` are skipped, so equal times are neither repeated nor missed. */
function nextPageStart(previous: PageStart | undefined, page: Array<{ _id: string; createdAt: Date }>): PageStart {
  const last = page[page.length - 1].createdAt;
  const seen = page.filter((row) => row.createdAt.getTime() === last.getTime()).map((row) => row._id);
  const carried = previous && previous.createdAt.getTime() === last.getTime() ? previous.skipIds : [];
  return { createdAt: last, skipIds: [...carried, ...seen] };
}
