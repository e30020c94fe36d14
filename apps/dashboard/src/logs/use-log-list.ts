import { useEffect, useSyncExternalStore } from 'react';
import { ApiError, unwrap, type AttemptLog, type DeliveryLog, type LogPagination } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { listQuery, writeFilters, type LogFilters } from './log-filters';

/** How often the first page is asked again while it is live. */
export const LIVE_INTERVAL_MS = 5000;

export interface LogPage {
  /** The filters (as a URL query) this page answers: rows of other filters are stale. */
  key: string;
  view: LogFilters['view'];
  rows: Array<AttemptLog | DeliveryLog>;
  pagination: LogPagination;
}

function subscribeVisibility(onChange: () => void) {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

/** Whether the tab is shown: a hidden tab asks nothing of the server. */
export function useTabVisible(): boolean {
  return useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState !== 'hidden',
    () => true,
  );
}

/**
 * One page of the delivery log for `filters`. While `live` (the first page, no cursor, the tab
 * shown, not paused), the page is asked again every few seconds so that new attempts appear;
 * a 429 waits as long as the server says.
 */
export function useLogList(filters: LogFilters, live: boolean) {
  const { api } = useSession();
  const key = writeFilters(filters).toString();
  const list = useLoad<LogPage>(async (signal) => {
    const body = await unwrap(api.GET('/api/v1/deliveries', { params: { query: listQuery(filters) }, signal }));
    return { key, view: filters.view, rows: body.data, pagination: body.pagination };
  }, key);
  const visible = useTabVisible();
  const polling = live && visible && !filters.cursor;
  const { state, error, reload } = list;
  useEffect(() => {
    if (!polling || state === 'loading') return;
    const wait = error instanceof ApiError && error.status === 429 ? Math.max(1, error.retryAfterSeconds ?? 1) * 1000 : LIVE_INTERVAL_MS;
    const timer = setTimeout(reload, wait);
    return () => clearTimeout(timer);
  }, [polling, state, error, reload]);
  /** True while rows of other filters are shown (a filter was just applied): the table says it is loading. */
  const stale = state === 'loading' && list.data?.key !== key;
  return { ...list, key, stale, polling };
}
