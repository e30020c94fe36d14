import type { AnyBulkWriteOperation, Connection, Model } from 'mongoose';
import { DELIVERY_STATUSES, STATUS_CLASSES, type AttemptErrorCode, type DeliveryStatus } from '@wirehook/contracts';
import type { LogQueryLimits } from '../log-query-limits';
import { durationBucketOf, durationPercentiles, mergeDurationHistogram, type DurationHistogram } from './duration-histogram';
import {
  DELIVERY_ROLLUPS_COLLECTION,
  DeliveryRollupIndex,
  deliveryRollupSchema,
  eventTypeKey,
  eventTypeOfKey,
  rollupHourOf,
  rollupIdOf,
  type DeliveryRollupDocument,
  type RollupStatusClass,
} from './delivery-rollup.schema';

const HOUR_MS = 60 * 60 * 1000;
const DUPLICATE_KEY = 11000;

/**
 * Most endpoints one tenant may have: the `@Max` of config-api's `MAX_WEBHOOKS_PER_TENANT`
 * (libraries cannot import apps; keep the two in step). A tenant-wide window reads at most this
 * many rollups per hour.
 */
export const ROLLUP_MAX_ENDPOINTS_PER_TENANT = 1000;

/**
 * Most hours one statistics window may overlap: 31 days, plus one because a window of exactly
 * 31 days that does not start on the hour overlaps one more. Wider windows are refused.
 */
export const ROLLUP_MAX_WINDOW_HOURS = 31 * 24 + 1;

/** How many event types and error codes statistics list, most frequent first. */
export const ROLLUP_TOP_COUNT = 10;

/** Rounds of retrying upserts that lost a race to create their rollup (each retry updates the document the winner created). */
const UPSERT_ROUNDS = 3;

/** The percentiles statistics report, as fractions for nearest-rank. */
const REPORTED_PERCENTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

/** The percentile reported for each hour of a window. */
const HOUR_PERCENTILES = { p95: 0.95 } as const;

/** What a rollup counts of one inserted attempt; a `DeliveryAttemptDocument` is one. */
export interface RollupInput {
  tenantId: string;
  endpointId: string;
  /** A valid event type (dot-separated segments); anything else is refused. */
  eventType: string;
  status: DeliveryStatus;
  statusClass: RollupStatusClass;
  /** The attempt's error, if any: its code is counted. */
  error: { code: AttemptErrorCode } | null;
  /** Whole milliseconds. */
  durationMs: number;
  /** When the attempt was made: picks the hour it counts in. */
  createdAt: Date;
}

/**
 * Statistics of the whole hours overlapping a window, read from the rollups. Counts are exact;
 * percentiles are within `DURATION_PERCENTILE_RELATIVE_ERROR` of the nearest-rank percentiles of
 * the attempts' durations.
 */
export interface RollupStats {
  /** Start of the first hour counted: `from` cut to the hour. */
  coveredFrom: Date;
  /** End (exclusive) of the last hour counted: the hour after the one holding `to`. */
  coveredTo: Date;
  attempts: number;
  /** Every delivery status, zero when absent. */
  byStatus: Record<DeliveryStatus, number>;
  /** Every status class and `none`, zero when absent. */
  byStatusClass: Record<RollupStatusClass, number>;
  /** Sum of the durations: the average is `durationSumMs / attempts`. */
  durationSumMs: number;
  /** Nearest-rank percentiles of the durations in milliseconds; null without attempts. */
  durationMs: { p50: number | null; p95: number | null; p99: number | null };
  /** The {@link ROLLUP_TOP_COUNT} most frequent event types: count descending, then event type ascending. */
  topEvents: Array<{ eventType: string; count: number }>;
  /** The {@link ROLLUP_TOP_COUNT} most frequent error codes: count descending, then code ascending. */
  topErrorCodes: Array<{ code: string; count: number }>;
  /**
   * Hours that have attempts, oldest first; `start` is the hour's ISO instant and `p95Ms` the
   * nearest-rank p95 of that hour's durations (from the hour's merged histograms, within the
   * same error as `durationMs`).
   */
  hours: Array<{ start: string; attempts: number; success: number; p95Ms: number | null }>;
  /** Rollup documents read: at most hours × endpoints. */
  documentsRead: number;
  /**
   * True when a tenant-wide read reached its limit (hours × {@link ROLLUP_MAX_ENDPOINTS_PER_TENANT}),
   * so the counts may miss some rollups: only possible when more endpoints than that had
   * attempts in the window (endpoints deleted and created meanwhile). Never for one endpoint.
   */
  truncated: boolean;
}

/** The fields a statistics read takes from each rollup. */
type RollupRow = Pick<
  DeliveryRollupDocument,
  'hour' | 'attempts' | 'byStatus' | 'byStatusClass' | 'byErrorCode' | 'byEventType' | 'durationSumMs' | 'durationHistogram'
>;

const STATS_PROJECTION: Record<keyof RollupRow | '_id', 0 | 1> = {
  _id: 0,
  hour: 1,
  attempts: 1,
  byStatus: 1,
  byStatusClass: 1,
  byErrorCode: 1,
  byEventType: 1,
  durationSumMs: 1,
  durationHistogram: 1,
};

/** What one rollup gains from a batch of attempts. */
interface RollupIncrement {
  _id: string;
  tenantId: string;
  endpointId: string;
  hour: Date;
  inc: Record<string, number>;
}

type RollupUpsert = AnyBulkWriteOperation<DeliveryRollupDocument>;

function increment(inc: Record<string, number>, path: string, by = 1): void {
  inc[path] = (inc[path] ?? 0) + by;
}

function addCounts(target: Map<string, number>, counts: Readonly<Record<string, number>> | undefined): void {
  for (const [key, count] of Object.entries(counts ?? {})) target.set(key, (target.get(key) ?? 0) + count);
}

function topOf(counts: Map<string, number>): Array<[string, number]> {
  return [...counts.entries()]
    .filter(([, count]) => count > 0)
    .sort(([keyA, countA], [keyB, countB]) => countB - countA || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
    .slice(0, ROLLUP_TOP_COUNT);
}

/** Batch positions of a bulk write that failed only on duplicate keys; undefined for any other failure. */
function duplicateKeyPositions(error: unknown): Set<number> | undefined {
  const writeErrors = (error as { writeErrors?: Array<{ code?: number; index?: number }> }).writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) return undefined;
  if (!writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY && typeof writeError.index === 'number')) return undefined;
  return new Set(writeErrors.map((writeError) => writeError.index as number));
}

/**
 * Hourly rollups of the delivery attempts (`delivery_rollups`): one document per tenant,
 * endpoint and hour, grown by the writer with the attempts it inserted, read by statistics
 * and purged by retention. Every read names the tenant, its index, a limit and `maxTimeMS`.
 */
export class DeliveryRollupRepository {
  private readonly rollups: Model<DeliveryRollupDocument>;

  constructor(
    connection: Connection,
    private readonly limits: LogQueryLimits,
  ) {
    this.rollups = connection.model<DeliveryRollupDocument>('DeliveryRollup', deliveryRollupSchema, DELIVERY_ROLLUPS_COLLECTION);
  }

  /**
   * Counts attempts the caller has just inserted, each exactly once: pass only attempts this
   * write stored (never one already stored), or the rollups count it twice. One unordered
   * `bulkWrite` of `$inc` upserts, one per rollup touched. An upsert that lost the race to
   * create its document (duplicate key: it changed nothing) is sent again and then updates it.
   * Throws when a write fails otherwise; the rollups touched by the failed operations then miss
   * these attempts.
   */
  async recordInserted(attempts: readonly RollupInput[]): Promise<void> {
    const increments = new Map<string, RollupIncrement>();
    for (const attempt of attempts) {
      const id = rollupIdOf(attempt.tenantId, attempt.endpointId, attempt.createdAt);
      let rollup = increments.get(id);
      if (!rollup) {
        rollup = { _id: id, tenantId: attempt.tenantId, endpointId: attempt.endpointId, hour: rollupHourOf(attempt.createdAt), inc: {} };
        increments.set(id, rollup);
      }
      const { inc } = rollup;
      increment(inc, 'attempts');
      increment(inc, `byStatus.${attempt.status}`);
      increment(inc, `byStatusClass.${attempt.statusClass}`);
      if (attempt.error) increment(inc, `byErrorCode.${attempt.error.code}`);
      increment(inc, `byEventType.${eventTypeKey(attempt.eventType)}`);
      increment(inc, 'durationSumMs', attempt.durationMs);
      increment(inc, `durationHistogram.${durationBucketOf(attempt.durationMs)}`);
    }
    // The filter names the whole shard key (tenant, endpoint, hour) besides `_id`, so each
    // upsert routes to one shard; the identity fields come from it when a rollup is created.
    let pending: RollupUpsert[] = [...increments.values()].map(({ _id, tenantId, endpointId, hour, inc }) => ({
      updateOne: {
        filter: { _id, tenantId, endpointId, hour },
        update: { $inc: inc, $setOnInsert: { tenantId, endpointId, hour } },
        upsert: true,
      },
    }));
    for (let round = 1; pending.length > 0; round += 1) {
      try {
        await this.rollups.bulkWrite(pending, { ordered: false });
        return;
      } catch (error) {
        const lost = duplicateKeyPositions(error);
        if (!lost || round >= UPSERT_ROUNDS) throw error;
        pending = pending.filter((_, position) => lost.has(position));
      }
    }
  }

  /**
   * Statistics of a tenant (or one of its endpoints) over the whole hours that overlap
   * `[from, to]`: the rollups with `floor(from) <= hour <= to`. Reads at most hours × endpoints
   * documents through one index, streaming them into the merged counts; never the raw attempts.
   * Throws a RangeError for a window that ends before it starts or overlaps more than
   * {@link ROLLUP_MAX_WINDOW_HOURS} hours.
   */
  async windowStats(tenantId: string, endpointId: string | undefined, from: Date, to: Date): Promise<RollupStats> {
    const coveredFrom = rollupHourOf(from);
    const hourCount = Math.floor((to.getTime() - coveredFrom.getTime()) / HOUR_MS) + 1;
    if (!(to.getTime() >= from.getTime())) throw new RangeError('a statistics window may not end before it starts');
    if (hourCount > ROLLUP_MAX_WINDOW_HOURS) throw new RangeError(`a statistics window may overlap at most ${ROLLUP_MAX_WINDOW_HOURS} hours`);
    const limit = endpointId === undefined ? hourCount * ROLLUP_MAX_ENDPOINTS_PER_TENANT : hourCount;
    const filter =
      endpointId === undefined ? { tenantId, hour: { $gte: coveredFrom, $lte: to } } : { tenantId, endpointId, hour: { $gte: coveredFrom, $lte: to } };
    const cursor = this.rollups
      .find(filter, STATS_PROJECTION)
      .hint(endpointId === undefined ? DeliveryRollupIndex.tenantHour : DeliveryRollupIndex.tenantEndpointHour)
      .limit(limit)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<RollupRow[]>()
      .cursor();

    let attempts = 0;
    let durationSumMs = 0;
    let documentsRead = 0;
    const byStatus = new Map<string, number>();
    const byStatusClass = new Map<string, number>();
    const byErrorCode = new Map<string, number>();
    const byEventKey = new Map<string, number>();
    const histogram: DurationHistogram = new Map();
    // Each hour merges its endpoints' histograms too, for the p95 of each bucket of the charts.
    const hours = new Map<number, { attempts: number; success: number; histogram: DurationHistogram }>();
    for await (const row of cursor as AsyncIterable<RollupRow>) {
      documentsRead += 1;
      attempts += row.attempts;
      durationSumMs += row.durationSumMs;
      addCounts(byStatus, row.byStatus);
      addCounts(byStatusClass, row.byStatusClass);
      addCounts(byErrorCode, row.byErrorCode);
      addCounts(byEventKey, row.byEventType);
      mergeDurationHistogram(histogram, row.durationHistogram ?? {});
      const hour = hours.get(row.hour.getTime()) ?? { attempts: 0, success: 0, histogram: new Map() };
      hour.attempts += row.attempts;
      hour.success += row.byStatus?.success ?? 0;
      mergeDurationHistogram(hour.histogram, row.durationHistogram ?? {});
      hours.set(row.hour.getTime(), hour);
    }

    return {
      coveredFrom,
      coveredTo: new Date(coveredFrom.getTime() + hourCount * HOUR_MS),
      attempts,
      byStatus: Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, byStatus.get(status) ?? 0])) as Record<DeliveryStatus, number>,
      byStatusClass: Object.fromEntries([...STATUS_CLASSES, 'none'].map((statusClass) => [statusClass, byStatusClass.get(statusClass) ?? 0])) as Record<
        RollupStatusClass,
        number
      >,
      durationSumMs,
      durationMs: durationPercentiles(histogram, REPORTED_PERCENTILES),
      topEvents: topOf(new Map([...byEventKey].map(([key, count]) => [eventTypeOfKey(key), count]))).map(([eventType, count]) => ({ eventType, count })),
      topErrorCodes: topOf(byErrorCode).map(([code, count]) => ({ code, count })),
      hours: [...hours.entries()]
        .filter(([, hour]) => hour.attempts > 0)
        .sort(([a], [b]) => a - b)
        .map(([start, hour]) => ({
          start: new Date(start).toISOString(),
          attempts: hour.attempts,
          success: hour.success,
          p95Ms: durationPercentiles(hour.histogram, HOUR_PERCENTILES).p95,
        })),
      documentsRead,
      // One endpoint has one rollup per hour, so only a tenant-wide read can reach its limit.
      truncated: endpointId === undefined && documentsRead >= limit,
    };
  }

  /**
   * Deletes at most `limit` rollups of a tenant for hours before `before`, oldest first, and
   * returns how many went: one bounded read of ids, then a delete by those ids and the tenant.
   */
  async deleteOlderThan(tenantId: string, before: Date, limit: number): Promise<number> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    const rows = await this.rollups
      .find({ tenantId, hour: { $lt: before } }, { _id: 1 })
      .sort({ hour: 1 })
      .hint(DeliveryRollupIndex.tenantHour)
      .limit(limit)
      .maxTimeMS(this.limits.maxTimeMs)
      .lean<Array<{ _id: string }>>();
    if (rows.length === 0) return 0;
    const { deletedCount } = await this.rollups.deleteMany({ tenantId, _id: { $in: rows.map((row) => row._id) } });
    return deletedCount;
  }
}
