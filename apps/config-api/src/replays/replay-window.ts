import { ApiErrorCode } from '@wirehook/contracts';
import { checkedWindow, invalidWindow } from '../logs/time-window';

/** Longest window one replay covers: the events stream keeps a week. */
export const MAX_REPLAY_WINDOW_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the events stream holds, from its stream info. */
export interface KeptEvents {
  /** How long the stream keeps an event (its `max_age`), in milliseconds. */
  maxAgeMs: number;
  /** Sequence and store time of its oldest event (`state.first_seq`, `state.first_ts`). */
  firstSequence: number;
  firstStoredAt: Date;
}

/**
 * The oldest moment whose events are all still in the stream: `max_age` ago, or, once older
 * events have been removed (the first sequence is past 1), the oldest event kept.
 */
export function keptSince(kept: KeptEvents, now: Date): Date {
  // max_age 0 keeps events until removed by hand.
  const byAge = kept.maxAgeMs > 0 ? now.getTime() - kept.maxAgeMs : -Infinity;
  const byRemoval = kept.firstSequence > 1 ? kept.firstStoredAt.getTime() : -Infinity;
  return new Date(Math.max(byAge, byRemoval));
}

/**
 * The window of a replay as instants, checked: a date alone is the whole day (UTC) as in the
 * log filters, `to` defaults to now, `from` must not be after `to`, neither in the future, at
 * most {@link MAX_REPLAY_WINDOW_DAYS} days, and `from` inside what the stream still keeps (the
 * message names that range, so the caller can choose again).
 */
export function replayWindow(input: { from: string; to?: string }, kept: KeptEvents, now: Date): { from: Date; to: Date } {
  // `to` left out is now, which `from` must not be after either.
  const { from, to } = checkedWindow({ from: input.from, to: input.to ?? now.toISOString() });
  if (to.getTime() > now.getTime()) {
    throw invalidWindow('to', `to must not be in the future (it is now ${now.toISOString()}); leave it out to replay up to now`, ApiErrorCode.windowInFuture);
  }
  if (to.getTime() - from.getTime() > MAX_REPLAY_WINDOW_DAYS * DAY_MS) {
    throw invalidWindow('from', `a replay covers at most ${MAX_REPLAY_WINDOW_DAYS} days; split the window`, ApiErrorCode.windowTooLong);
  }
  const since = keptSince(kept, now);
  if (from.getTime() < since.getTime()) {
    throw invalidWindow(
      'from',
      `events are kept from ${since.toISOString()} to now (${now.toISOString()}); from must be at or after ${since.toISOString()}`,
      ApiErrorCode.windowOutsideKeptRange,
    );
  }
  return { from, to };
}
