const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `200ms`, `5s`, `5m`, `2h` or `1d` into milliseconds; `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

/** Share of a delay by which it may be moved either way, so retries of many deliveries spread out. */
export const RETRY_JITTER = 0.2;

/**
 * Delay before the next attempt after attempt `attempt` failed, or `undefined` when the schedule
 * is used up. `random` is injectable so tests can pin the jitter.
 */
export function nextRetryDelay(scheduleMs: readonly number[], attempt: number, random: () => number = Math.random): number | undefined {
  const base = scheduleMs[attempt - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
}
