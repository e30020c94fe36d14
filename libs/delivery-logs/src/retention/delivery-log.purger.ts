import type { DeliveryLogRepository } from '../delivery-log.repository';
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

/** One batch: deliveries of one tenant and final state, and their attempts. */
export interface PurgeBatch {
  tenantId: string;
  status: FinalDeliveryStatus;
  /** Deliveries in this state last updated before this instant had expired. */
  cutoff: Date;
  /** Expired deliveries the batch selected (at most the batch size). */
  selected: number;
  /** Deliveries deleted (dry run: that would be deleted). */
  deliveries: number;
  /** Attempts deleted (dry run: that would be deleted). */
  attempts: number;
}

/** Where the next page of a tenant's expired deliveries starts: after `createdAt`, skipping ids already seen at it. */
interface PageStart {
  createdAt: Date;
  seenAtCreatedAt: string[];
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
  constructor(private readonly repository: DeliveryLogRepository) {}

  /** Runs the pass one batch at a time; stop iterating to stop it between batches. */
  async *batches(options: PurgeOptions): AsyncGenerator<PurgeBatch, void, undefined> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error('batchSize must be a positive integer');
    const tenantIds = ((await this.repository.deliveries.distinct('tenantId')) as string[]).sort();
    for (const tenantId of tenantIds) {
      const days = retentionDaysOf(options.rules, tenantId);
      for (const status of FINAL_DELIVERY_STATUSES) {
        yield* this.tenantBatches(tenantId, status, expiryCutoff(options.now, days, status), options);
      }
    }
  }

  private async *tenantBatches(tenantId: string, status: FinalDeliveryStatus, cutoff: Date, options: PurgeOptions): AsyncGenerator<PurgeBatch, void, undefined> {
    let start: PageStart | undefined;
    for (;;) {
      const page = await this.selectExpired(tenantId, status, cutoff, start, options.batchSize);
      if (page.length === 0) return;
      const ids = page.map((row) => row._id);
      const counts = options.dryRun ? await this.countBatch(tenantId, ids, cutoff) : await this.deleteBatch(tenantId, status, ids, cutoff);
      yield { tenantId, status, cutoff, selected: ids.length, ...counts };
      if (page.length < options.batchSize) return;
      start = nextPageStart(start, page);
    }
  }

  /**
   * The oldest expired deliveries of a tenant in one state. `createdAt < cutoff` is implied by
   * `updatedAt < cutoff`; it is there so the index bounds the scan.
   */
  private async selectExpired(
    tenantId: string,
    status: FinalDeliveryStatus,
    cutoff: Date,
    start: PageStart | undefined,
    limit: number,
  ): Promise<Array<{ _id: string; createdAt: Date }>> {
    const filter: Record<string, unknown> = {
      tenantId,
      status,
      createdAt: start ? { $gte: start.createdAt, $lt: cutoff } : { $lt: cutoff },
      updatedAt: { $lt: cutoff },
    };
    if (start && start.seenAtCreatedAt.length > 0) filter._id = { $nin: start.seenAtCreatedAt };
    return this.repository.deliveries
      .find(filter, { _id: 1, createdAt: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<Array<{ _id: string; createdAt: Date }>>();
  }

  private attemptsFilter(tenantId: string, ids: string[], cutoff: Date): Record<string, unknown> {
    return { deliveryId: { $in: ids }, tenantId, createdAt: { $lt: new Date(cutoff.getTime() + ATTEMPT_CLOCK_SKEW_ALLOWANCE_MS) } };
  }

  private async countBatch(tenantId: string, ids: string[], cutoff: Date): Promise<{ deliveries: number; attempts: number }> {
    return { deliveries: ids.length, attempts: await this.repository.attempts.countDocuments(this.attemptsFilter(tenantId, ids, cutoff)) };
  }

  /**
   * Attempts first, then the deliveries, each re-checked against the expiry filter: a delivery
   * that a manual retry brought back to life since it was selected is no longer expired and stays.
   */
  private async deleteBatch(tenantId: string, status: FinalDeliveryStatus, ids: string[], cutoff: Date): Promise<{ deliveries: number; attempts: number }> {
    const attempts = await this.repository.attempts.deleteMany(this.attemptsFilter(tenantId, ids, cutoff));
    const deliveries = await this.repository.deliveries.deleteMany({ _id: { $in: ids }, tenantId, status, updatedAt: { $lt: cutoff } });
    return { deliveries: deliveries.deletedCount, attempts: attempts.deletedCount };
  }
}

/** Keyset paging on `createdAt`: ids seen at the last page's last `createdAt` are skipped, so equal times are neither repeated nor missed. */
function nextPageStart(previous: PageStart | undefined, page: Array<{ _id: string; createdAt: Date }>): PageStart {
  const last = page[page.length - 1].createdAt;
  const seen = page.filter((row) => row.createdAt.getTime() === last.getTime()).map((row) => row._id);
  const carried = previous && previous.createdAt.getTime() === last.getTime() ? previous.seenAtCreatedAt : [];
  return { createdAt: last, seenAtCreatedAt: [...carried, ...seen] };
}
