/** A calendar date without a time, as a date picker sends it. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where a window given as `from` starts: a date alone is the start of that day (UTC), like
 * the delivery-log filters read it.
 */
export function windowStart(from: string): Date {
  return new Date(from);
}

/**
 * Where a window given as `to` ends, inclusive: a date alone stands for the whole day (its last
 * millisecond, UTC), so `from=D&to=D` is the day D everywhere a window is asked for.
 */
export function windowEnd(to: string): Date {
  return DATE_ONLY.test(to) ? new Date(Date.parse(to) + DAY_MS - 1) : new Date(to);
}
