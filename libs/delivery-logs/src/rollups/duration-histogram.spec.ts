import {
  DURATION_BUCKET_COUNT,
  DURATION_EXACT_BELOW_MS,
  DURATION_PERCENTILE_RELATIVE_ERROR,
  durationBucketOf,
  durationBucketRange,
  durationHistogramOf,
  durationPercentiles,
  mergeDurationHistogram,
  nearestRank,
  type DurationHistogram,
} from './duration-histogram';

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PERCENTILES = { p50: 0.5, p95: 0.95, p99: 0.99, p999: 0.999, min: 0, max: 1 };

/** The oracle: nearest-rank over the durations sorted ascending, as the raw-attempt statistics read it. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[nearestRank(p, sorted.length)];
}

/** Durations shaped like webhook latencies: fast answers, a slow tail, timeouts, and instant refusals. */
function latencies(next: () => number, count: number): number[] {
  return Array.from({ length: count }, () => {
    const kind = next();
    if (kind < 0.1) return Math.floor(next() * DURATION_EXACT_BELOW_MS);
    if (kind < 0.8) return Math.round(Math.exp(Math.log(20) + next() * Math.log(2000 / 20)));
    if (kind < 0.97) return Math.round(Math.exp(Math.log(2000) + next() * Math.log(60_000 / 2000)));
    return 30_000;
  });
}

function expectWithinBound(estimate: number | null, exact: number): void {
  expect(estimate).not.toBeNull();
  expect(Math.abs((estimate as number) - exact)).toBeLessThanOrEqual(DURATION_PERCENTILE_RELATIVE_ERROR * exact);
}

describe('duration buckets', () => {
  it('cover every whole millisecond once, in ascending order, each representative within the bound', () => {
    let expectedLo = 0;
    for (let bucket = 0; bucket < DURATION_BUCKET_COUNT; bucket += 1) {
      const { lo, hi, value } = durationBucketRange(bucket);
      expect(lo).toBe(expectedLo);
      expect(hi).toBeGreaterThanOrEqual(lo);
      expect(value).toBeGreaterThanOrEqual(lo);
      expect(value).toBeLessThanOrEqual(hi);
      // The bucket's extremes are the worst cases: the error grows towards both ends.
      expect(value - lo).toBeLessThanOrEqual(DURATION_PERCENTILE_RELATIVE_ERROR * lo);
      expect(hi - value).toBeLessThanOrEqual(DURATION_PERCENTILE_RELATIVE_ERROR * hi);
      expectedLo = hi + 1;
    }
    expect(expectedLo).toBeGreaterThan(2 ** 40);
  });

  it('place each duration in the bucket whose range holds it', () => {
    const next = random(7);
    const durations = [...Array.from({ length: 200_001 }, (_, duration) => duration), ...Array.from({ length: 10_000 }, () => Math.floor(next() * 2 ** 40))];
    const misplaced = durations.filter((duration) => {
      const { lo, hi } = durationBucketRange(durationBucketOf(duration));
      return duration < lo || duration > hi;
    });
    expect(misplaced).toEqual([]);
  });

  it('keep durations below the exact limit apart, and stay small for an hour of latencies', () => {
    expect(DURATION_EXACT_BELOW_MS).toBe(49);
    for (let duration = 0; duration < DURATION_EXACT_BELOW_MS; duration += 1)
      expect(durationBucketRange(durationBucketOf(duration))).toEqual({ lo: duration, hi: duration, value: duration });
    // 1 ms to 1 minute: the range a webhook's latencies span.
    expect(durationBucketOf(60_000) - durationBucketOf(1)).toBeLessThan(250);
  });

  it('count odd inputs somewhere sensible', () => {
    expect(durationBucketOf(-5)).toBe(0);
    expect(durationBucketOf(Number.NaN)).toBe(0);
    expect(durationBucketOf(12.4)).toBe(12);
    expect(durationBucketOf(Number.POSITIVE_INFINITY)).toBe(DURATION_BUCKET_COUNT - 1);
    expect(durationBucketOf(2 ** 50)).toBe(DURATION_BUCKET_COUNT - 1);
    expect(() => durationBucketRange(DURATION_BUCKET_COUNT)).toThrow(RangeError);
  });
});

describe('duration percentiles', () => {
  it('are null without durations', () => {
    expect(durationPercentiles(new Map(), { p50: 0.5 })).toEqual({ p50: null });
  });

  it('are exact for durations below the exact limit', () => {
    const durations = [3, 0, 48, 17, 17, 5, 9, 1, 30, 44];
    const sorted = [...durations].sort((a, b) => a - b);
    const read = durationPercentiles(durationHistogramOf(durations), PERCENTILES);
    for (const [name, p] of Object.entries(PERCENTILES)) expect(read[name as keyof typeof PERCENTILES]).toBe(exactPercentile(sorted, p));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('stay within the bound of exact nearest-rank on random latencies merged from many histograms (seed %i)', (seed) => {
    const next = random(seed);
    const parts = Array.from({ length: 1 + Math.floor(next() * 40) }, () => latencies(next, 1 + Math.floor(next() * 400)));
    const merged: DurationHistogram = new Map();
    for (const part of parts) {
      // Rollups store their histograms with string keys; merge that form as the reader does.
      mergeDurationHistogram(merged, Object.fromEntries([...durationHistogramOf(part)].map(([bucket, count]) => [String(bucket), count])));
    }
    const sorted = parts.flat().sort((a, b) => a - b);
    const read = durationPercentiles(merged, PERCENTILES);
    for (const [name, p] of Object.entries(PERCENTILES)) expectWithinBound(read[name as keyof typeof PERCENTILES], exactPercentile(sorted, p));
  });

  it('stay within the bound at every rank of a wide spread', () => {
    const durations = latencies(random(99), 3000);
    const sorted = [...durations].sort((a, b) => a - b);
    const histogram = durationHistogramOf(durations);
    for (let p = 0; p <= 1; p += 0.001) expectWithinBound(durationPercentiles(histogram, { p }).p, exactPercentile(sorted, p));
  });

  it('refuse a stored key that names no bucket', () => {
    expect(() => mergeDurationHistogram(new Map(), { '9999999': 1 })).toThrow(RangeError);
    expect(() => mergeDurationHistogram(new Map(), { x: 1 })).toThrow(RangeError);
  });
});
