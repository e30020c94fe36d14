import { useEffect } from 'react';
import { unwrap, type Replay } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { REPLAY_POLL_MS, isUnfinished } from './replay-model';

/** How many of a webhook's replays the page shows: the newest ones. */
export const RECENT_REPLAYS = 5;

/**
 * The webhook's newest replays, read again every {@link REPLAY_POLL_MS} while one of them is
 * queued or running. Polling stops once all are finished, after a failed read (the page offers
 * "Try again") and when the page goes away.
 */
export function useReplays(webhookId: string) {
  const { api } = useSession();
  const replays = useLoad<Replay[]>(
    async (signal) =>
      (await unwrap(api.GET('/api/v1/webhooks/{id}/replays', { params: { path: { id: webhookId }, query: { per_page: RECENT_REPLAYS } }, signal }))).data,
    webhookId,
  );
  const { state, data, reload } = replays;
  const following = state === 'ready' && data.some(isUnfinished);
  // Each answer (a new `data`) schedules the next read.
  useEffect(() => {
    if (!following) return;
    const timer = setTimeout(reload, REPLAY_POLL_MS);
    return () => clearTimeout(timer);
  }, [following, data, reload]);
  return replays;
}
