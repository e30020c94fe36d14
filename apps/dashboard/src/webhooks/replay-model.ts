import type { Replay, ReplayRequest } from '../api/client';
import { fromLocalInput } from './local-time';

/** How often the list of replays is read again while one of them is queued or running. */
export const REPLAY_POLL_MS = 1000;
/** How long the events stream keeps an event, and so how far back a replay can start. */
export const EVENTS_KEPT_DAYS = 7;

type ReplayState = Replay['state'];

export const REPLAY_STATE_LABEL: Record<ReplayState, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const REPLAY_STATE_TONE: Record<ReplayState, 'ok' | 'bad' | 'warn' | 'muted'> = {
  queued: 'muted',
  running: 'warn',
  completed: 'ok',
  cancelled: 'muted',
  failed: 'bad',
};

/** Queued or running: it may still queue deliveries, can be cancelled, and the list follows it. */
export function isUnfinished(replay: Pick<Replay, 'state'>): boolean {
  return replay.state === 'queued' || replay.state === 'running';
}

/**
 * How far into its window a replay has got, in whole percent: where the store time of the last
 * event it handled (`reached_at`) lies between `from` and `to`. A completed replay is at 100;
 * a queued one that has not started yet has no progress (undefined).
 */
export function replayProgress(replay: Pick<Replay, 'state' | 'from' | 'to' | 'reached_at'>): number | undefined {
  if (replay.state === 'completed') return 100;
  if (!replay.reached_at) return replay.state === 'queued' ? undefined : 0;
  const from = Date.parse(replay.from);
  const span = Date.parse(replay.to) - from;
  if (span <= 0) return 100;
  const share = (Date.parse(replay.reached_at) - from) / span;
  return Math.floor(Math.min(1, Math.max(0, share)) * 100);
}

/** What the replay form holds: datetime-local values and the chosen patterns. */
export interface ReplayForm {
  from: string;
  to: string;
  events: string[];
}

export type ReplayFormProblems = { from?: string[]; to?: string[] };

/**
 * The request body for the form, or the problems to fix first. An empty "to", or one whose
 * minute has not ended yet, is left out: the server then replays up to its own now (it refuses
 * a `to` in its future, and the reader's clock may run ahead of it).
 */
export function replayRequestOf(form: ReplayForm, now = Date.now()): { body?: ReplayRequest; problems: ReplayFormProblems } {
  const from = fromLocalInput(form.from);
  const to = form.to ? fromLocalInput(form.to, true) : undefined;
  const problems: ReplayFormProblems = {};
  if (!from) problems.from = ['Choose when the window starts.'];
  if (form.to && !to) problems.to = ['Choose a valid end, or leave it empty to replay up to now.'];
  if (from && to && to < from) problems.to = ['The window ends before it starts.'];
  if (!problems.to && to && Date.parse(fromLocalInput(form.to) ?? '') > now)
    problems.to = ['The window cannot end in the future. Leave it empty to replay up to now.'];
  if (from && !problems.to && Date.parse(from) > now) problems.from = ['The window cannot start in the future.'];
  if (!from || problems.from || problems.to) return { problems };
  const body: ReplayRequest = { from };
  if (to && Date.parse(to) < now) body.to = to;
  if (form.events.length > 0) body.events = form.events;
  return { body, problems };
}
