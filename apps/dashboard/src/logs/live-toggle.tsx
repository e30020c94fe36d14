import { LIVE_INTERVAL_MS } from './use-log-list';

interface LiveToggleProps {
  paused: boolean;
  onFirstPage: boolean;
  polling: boolean;
  onToggle(): void;
}

/** "Live" while the first page is asked again every few seconds, "Paused" otherwise, with the switch. */
export function LiveToggle({ paused, onFirstPage, polling, onToggle }: LiveToggleProps) {
  const why = paused
    ? 'Live updates are paused.'
    : !onFirstPage
      ? 'Live updates run on the first page only.'
      : polling
        ? `New rows appear as they arrive (checked every ${LIVE_INTERVAL_MS / 1000} s).`
        : 'Live updates wait while this tab is hidden.';
  return (
    <div className="logs-live">
      <span className={`logs-live-state ${polling ? 'logs-live-on' : 'logs-live-off'}`} title={why} data-testid="live-state">
        <span className="logs-live-dot" aria-hidden="true" />
        {polling ? 'Live' : 'Paused'}
        <span className="visually-hidden">: {why}</span>
      </span>
      <button type="button" className="button button-small button-quiet" aria-pressed={paused} onClick={onToggle}>
        {paused ? 'Resume live updates' : 'Pause live updates'}
      </button>
    </div>
  );
}
