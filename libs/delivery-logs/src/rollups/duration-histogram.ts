/**
 * Duration histograms whose percentiles carry a stated error bound, so statistics can be read
 * from hourly rollups instead of sorting a window's attempts.
 *
 * A duration (whole milliseconds, as attempt records carry it) falls in one bucket of a fixed
 * layout: contiguous ranges of whole milliseconds `[lo, hi]`, in ascending order, each with a
 * representative value `r` such that every duration `d` of the bucket satisfies
 * `|r - d| <= DURATION_PERCENTILE_RELATIVE_ERROR * d`. Buckets are as wide as the bound allows,
 * so below {@link DURATION_EXACT_BELOW_MS} each holds one value and percentiles there are exact;
 * above it they grow by about 4 % each (about 60 buckets per factor of 10).
 *
 * Why the bound holds for percentiles of merged histograms: the nearest-rank percentile is the
 * duration at rank `ceil(p * n) - 1` of all durations sorted ascending. Counting buckets in
 * ascending order finds the bucket that holds that rank, hence that duration, and the bucket's
 * representative is within the bound of every duration in it. Merging histograms adds counts per
 * bucket and loses nothing the read needs.
 *
 * The layout is a stored format: bucket indices are the keys of the rollups' duration
 * histograms. Changing {@link DURATION_PERCENTILE_RELATIVE_ERROR} or the construction below
 * means a new rollup field, never a new meaning for stored keys.
 */

/** The bound as a fraction `1 / ERROR_DENOMINATOR`, so the layout is built in integer arithmetic. */
const ERROR_DENOMINATOR = 50;

/**
 * Largest relative error of a percentile read from a duration histogram:
 * `|estimate - exact| <= DURATION_PERCENTILE_RELATIVE_ERROR * exact`, where `exact` is the
 * nearest-rank percentile of the durations counted (2 %).
 */
export const DURATION_PERCENTILE_RELATIVE_ERROR = 1 / ERROR_DENOMINATOR;

/** Longest duration the layout covers with the bound (2^40 ms, about 35 years); longer ones count in the last bucket. */
const LAYOUT_MAX_MS = 2 ** 40;

/** Lower bound, upper bound and representative of each bucket, by index. */
const BUCKET_LOWER: number[] = [];
const BUCKET_UPPER: number[] = [];
const BUCKET_VALUE: number[] = [];

// Each bucket starts right after the previous one. Its representative is the largest r with
// r - lo <= lo / D, its upper bound the largest hi with hi - r <= hi / D (D = ERROR_DENOMINATOR).
for (let lo = 0; lo <= LAYOUT_MAX_MS;) {
  const value = lo + Math.floor(lo / ERROR_DENOMINATOR);
  const hi = value + Math.floor(value / (ERROR_DENOMINATOR - 1));
  BUCKET_LOWER.push(lo);
  BUCKET_UPPER.push(hi);
  BUCKET_VALUE.push(value);
  lo = hi + 1;
}

/** Durations below this many milliseconds have a bucket each: their percentiles are exact (49 ms). */
export const DURATION_EXACT_BELOW_MS = BUCKET_LOWER[BUCKET_LOWER.findIndex((lo, index) => BUCKET_UPPER[index] > lo)];

/** Number of buckets of the layout; bucket indices are `0 .. DURATION_BUCKET_COUNT - 1`. */
export const DURATION_BUCKET_COUNT = BUCKET_LOWER.length;

/** Counts per bucket index; buckets without durations are absent. */
export type DurationHistogram = Map<number, number>;

/** A histogram as rollups store it: counts by bucket index written as a string. */
export type StoredDurationHistogram = Readonly<Record<string, number>>;

/** The bucket of a duration in milliseconds. Fractions are rounded; negative durations count as 0. */
export function durationBucketOf(durationMs: number): number {
  const value = Number.isFinite(durationMs) ? Math.max(0, Math.round(durationMs)) : durationMs > 0 ? LAYOUT_MAX_MS : 0;
  let low = 0;
  let high = DURATION_BUCKET_COUNT - 1;
  // The last bucket whose lower bound is at most the value.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (BUCKET_LOWER[middle] <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The whole milliseconds a bucket covers, inclusive, and the value a percentile in it reads as. */
export function durationBucketRange(bucket: number): { lo: number; hi: number; value: number } {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= DURATION_BUCKET_COUNT) throw new RangeError(`${bucket} is not a duration bucket`);
  return { lo: BUCKET_LOWER[bucket], hi: BUCKET_UPPER[bucket], value: BUCKET_VALUE[bucket] };
}

/** Adds `count` durations of `durationMs` to a histogram. */
export function addDuration(histogram: DurationHistogram, durationMs: number, count = 1): void {
  const bucket = durationBucketOf(durationMs);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
}

/** The histogram of some durations. */
export function durationHistogramOf(durations: Iterable<number>): DurationHistogram {
  const histogram: DurationHistogram = new Map();
  for (const duration of durations) addDuration(histogram, duration);
  return histogram;
}

/**
 * Adds the counts of `source` (in memory, or as a rollup stores it) to `target`. A stored key
 * that names no bucket of the layout fails loudly: its durations could not be placed.
 */
export function mergeDurationHistogram(target: DurationHistogram, source: DurationHistogram | StoredDurationHistogram): void {
  const entries = source instanceof Map ? source.entries() : Object.entries(source).map(([key, count]) => [Number(key), count] as const);
  for (const [bucket, count] of entries) {
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= DURATION_BUCKET_COUNT) throw new RangeError(`duration histogram key ${bucket} is not a bucket`);
    if (count > 0) target.set(bucket, (target.get(bucket) ?? 0) + count);
  }
}

/** The nearest-rank index of percentile `p` (0..1) among `n` sorted values: `ceil(p * n) - 1`, within `0 .. n - 1`. */
export function nearestRank(p: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
}

/**
 * Nearest-rank percentiles read from a histogram, within {@link DURATION_PERCENTILE_RELATIVE_ERROR}
 * of those of the durations it counts; null for an empty histogram.
 */
export function durationPercentiles<P extends string>(histogram: DurationHistogram, percentiles: Readonly<Record<P, number>>): Record<P, number | null> {
  const buckets = [...histogram.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  const result = {} as Record<P, number | null>;
  for (const name of Object.keys(percentiles) as P[]) {
    if (total === 0) {
      result[name] = null;
      continue;
    }
    const rank = nearestRank(percentiles[name], total);
    let seen = 0;
    const bucket = buckets.find(([, count]) => (seen += count) > rank);
    result[name] = bucket ? BUCKET_VALUE[bucket[0]] : null;
  }
  return result;
}
