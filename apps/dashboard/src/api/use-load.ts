import { useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> =
  { state: 'loading'; data?: T; error?: undefined } | { state: 'ready'; data: T; error?: undefined } | { state: 'failed'; data?: T; error: unknown };

/**
 * Runs `load` when `key` changes and on `reload()`, keeping the last data while the next load
 * runs (so a table can show "loading" in place instead of emptying the page). A load that a
 * newer one overtook is dropped.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> & { reload: () => void } {
  const [round, setRound] = useState(0);
  const request = `${round}:${key}`;
  const [loaded, setLoaded] = useState<Loaded<T> & { request: string }>({ state: 'loading', request });
  // A new request shows as loading in the same render that asked for it.
  if (loaded.request !== request) setLoaded({ state: 'loading', data: loaded.data, request });

  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });
  useEffect(() => {
    const controller = new AbortController();
    latest.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setLoaded({ state: 'ready', data, request });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoaded((previous) => ({ state: 'failed', data: previous.data, error, request }));
      },
    );
    return () => controller.abort();
  }, [request]);

  const reload = useCallback(() => setRound((value) => value + 1), []);
  const { request: _request, ...result } = loaded;
  return { ...(result as Loaded<T>), reload };
}
