import { useId } from 'react';
import { unwrap, type LogStats } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/error-alert';
import { formatCount, formatDuration, formatPercent } from '../components/format';
import { BucketCharts } from './stats-charts';

export const STATS_WINDOWS = {
  '24h': { label: 'Last 24 hours', hours: 24 },
  '7d': { label: 'Last 7 days', hours: 24 * 7 },
  '30d': { label: 'Last 30 days', hours: 24 * 30 },
} as const;

export type StatsWindow = keyof typeof STATS_WINDOWS;

function isStatsWindow(value: string | null): value is StatsWindow {
  return value !== null && Object.hasOwn(STATS_WINDOWS, value);
}

/** The window chosen in the URL (`?window=7d`), the last 24 hours by default. */
export function statsWindowFrom(params: URLSearchParams): StatsWindow {
  const value = params.get('window');
  return isStatsWindow(value) ? value : '24h';
}

interface WebhookStatsProps {
  webhookId: string;
  window: StatsWindow;
  /** Changes when the logs may have changed (after a test send): the statistics load again. */
  round: number;
  onWindow(window: StatsWindow): void;
}

export function WebhookStats({ webhookId, window, round, onWindow }: WebhookStatsProps) {
  const { api } = useSession();
  const selectId = useId();
  const stats = useLoad(async (signal) => {
    const to = new Date();
    const from = new Date(to.getTime() - STATS_WINDOWS[window].hours * 3_600_000);
    return (
      await unwrap(
        api.GET('/api/v1/webhooks/{id}/stats', { params: { path: { id: webhookId }, query: { from: from.toISOString(), to: to.toISOString() } }, signal }),
      )
    ).data;
  }, `${webhookId}:${window}:${round}`);
  return (
    <section className="card webhook-stats" aria-labelledby="webhook-stats" aria-busy={stats.state === 'loading'}>
      <div className="card-header webhook-stats-header">
        <h2 id="webhook-stats">Delivery statistics</h2>
        <div className="webhook-inline-field">
          <label htmlFor={selectId}>Window</label>
          <select id={selectId} className="select-inline" value={window} onChange={(event) => onWindow(event.target.value as StatsWindow)}>
            {Object.entries(STATS_WINDOWS).map(([value, { label }]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {stats.state === 'failed' && <ErrorAlert error={stats.error} onRetry={stats.reload} />}
      {stats.state === 'loading' && (
        <p className="muted small" role="status">
          Loading statistics…
        </p>
      )}
      {stats.data && <StatsContent stats={stats.data} />}
    </section>
  );
}

function Tile({ label, value, tone }: { label: string; value: string; tone?: 'ok' | 'bad' }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`}>
      <dt className="tile-label">{label}</dt>
      <dd className="tile-value">{value}</dd>
    </div>
  );
}

function StatsContent({ stats }: { stats: LogStats }) {
  const { totals, duration_ms: durations, by_status_class: classes } = stats;
  return (
    <>
      <dl className="tiles webhook-tiles" aria-label="Totals">
        <Tile label="Attempts" value={formatCount(totals.attempts)} />
        <Tile label="Succeeded" value={formatCount(totals.success)} tone="ok" />
        <Tile label="Failed" value={formatCount(totals.failed)} tone={totals.failed ? 'bad' : undefined} />
        <Tile label="Retrying" value={formatCount(totals.retrying)} />
        <Tile label="Success rate" value={formatPercent(stats.success_rate)} />
        <Tile label="Average" value={formatDuration(durations.avg)} />
        <Tile label="p50" value={formatDuration(durations.p50)} />
        <Tile label="p95" value={formatDuration(durations.p95)} />
        <Tile label="p99" value={formatDuration(durations.p99)} />
      </dl>
      <p className="hint">
        Hours counted: {new Date(stats.window.from).toLocaleString()} to {new Date(stats.window.to).toLocaleString()}. Durations within{' '}
        {formatPercent(durations.percentile_error)}.
      </p>
      <BucketCharts buckets={stats.buckets} />
      <div className="webhook-ranks">
        <RankList
          title="By status class"
          rows={[
            ['2xx', classes['2xx']],
            ['3xx', classes['3xx']],
            ['4xx', classes['4xx']],
            ['5xx', classes['5xx']],
            ['No response', classes.none],
          ]}
          empty=""
        />
        <RankList title="Top events" rows={stats.top_events.map((entry) => [entry.event, entry.count])} empty="No events in this window." />
        <RankList title="Top error codes" rows={stats.top_error_codes.map((entry) => [entry.code, entry.count])} empty="No errors in this window." />
      </div>
    </>
  );
}

function RankList({ title, rows, empty }: { title: string; rows: Array<[string, number]>; empty: string }) {
  return (
    <div className="webhook-rank">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="webhook-rank-list" aria-label={title}>
          {rows.map(([name, count]) => (
            <li key={name}>
              <span className="mono break">{name}</span>
              <span className="webhook-rank-count">{formatCount(count)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
