import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorAlert } from '../components/error-alert';
import { formatCount } from '../components/format';
import { PageHeader } from '../components/page-header';
import { Pager } from '../components/pager';
import { ExportButtons } from './export-buttons';
import { LiveToggle } from './live-toggle';
import { LogFilterForm } from './log-filter-form';
import { isNarrowed, readFilters, writeFilters, type LogFilters } from './log-filters';
import { LogLookup } from './log-lookup';
import { LogTable } from './log-table';
import { useFreshRows } from './use-fresh-rows';
import { useLogList } from './use-log-list';
import { useWebhookChoices } from './use-webhook-choices';
import './logs.css';

/** Kept in the history entry of each page after the first: the cursors that lead back (Previous, Back). */
interface PageState {
  cursors?: string[];
}

const SUBTITLES = {
  attempts: 'Every attempt to deliver an event. Open a row for the request, the response and the timeline.',
  deliveries: 'One row per delivery (event × webhook) with its latest state and retry count. Open a row for its latest attempt.',
};

export function LogsPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const filters = useMemo(() => readFilters(params), [params]);
  const cursors = useMemo(() => (location.state as PageState | null)?.cursors ?? [], [location.state]);
  const [paused, setPaused] = useState(false);
  const [notice, setNotice] = useState<string>();
  const list = useLogList(filters, !paused);
  const webhooks = useWebhookChoices();
  const current = list.data && list.data.key === list.key ? list.data : list.stale ? list.data : undefined;
  const fresh = useFreshRows(current);

  useEffect(() => {
    document.title = 'Delivery logs · wirehook';
  }, []);

  const go = useCallback((next: LogFilters, state?: PageState) => setParams(writeFilters(next), { state }), [setParams]);
  const apply = (next: LogFilters, message?: string) => {
    setNotice(message);
    go({ ...next, cursor: undefined, page: 1 });
  };
  const pagination = current?.pagination;
  const next = pagination?.next_cursor;
  const onNext =
    next && !list.stale ? () => go({ ...filters, cursor: next, page: filters.page + 1 }, { cursors: [...cursors, filters.cursor ?? ''] }) : undefined;
  const onPrevious = filters.cursor
    ? () => {
        // Without the history (a shared link), Previous starts over at the first page.
        const previous = cursors.length ? cursors[cursors.length - 1] : '';
        go({ ...filters, cursor: previous || undefined, page: cursors.length ? filters.page - 1 : 1 }, { cursors: cursors.slice(0, -1) });
      }
    : undefined;

  const problems = list.error instanceof ApiError && list.error.status === 400 ? list.error.fields : {};
  const noun = filters.view === 'deliveries' ? 'deliveries' : 'attempts';
  return (
    <>
      <PageHeader title="Delivery logs" subtitle={SUBTITLES[filters.view]} />
      <LogFilterForm filters={filters} webhooks={webhooks.data} problems={problems} onApply={apply} onReset={() => apply(readFilters(new URLSearchParams()))} />
      {notice && (
        <p className="alert logs-notice logs-notice-warn" role="status">
          {notice}
        </p>
      )}
      {filters.q && <LogLookup q={filters.q} />}
      <section className="card card-flush logs-results" aria-labelledby="logs-results-title">
        <div className="logs-results-bar">
          <h2 id="logs-results-title" className="logs-results-title">
            {pagination && current?.key === list.key
              ? `${formatCount(pagination.total, pagination.total_exact)} ${noun}`
              : noun === 'deliveries'
                ? 'Deliveries'
                : 'Attempts'}
          </h2>
          <LiveToggle paused={paused} onFirstPage={!filters.cursor} polling={list.polling} onToggle={() => setPaused(!paused)} />
          <ExportButtons filters={filters} />
        </div>
        <p className="visually-hidden" role="status">
          {list.stale ? 'Loading…' : fresh.size ? `${fresh.size} new ${fresh.size === 1 ? 'row' : 'rows'}` : ''}
        </p>
        {list.state === 'failed' && (
          <div className="logs-results-alert">
            <ErrorAlert error={list.error} onRetry={list.reload} />
          </div>
        )}
        {!current && list.state === 'loading' && <p className="loading logs-empty">Loading…</p>}
        {current && current.rows.length > 0 && <LogTable view={current.view} rows={current.rows} fresh={fresh} busy={list.stale} onRetried={list.reload} />}
        {current && current.rows.length === 0 && !list.stale && (
          <EmptyLogs filtered={isNarrowed(filters)} firstPage={!filters.cursor} onClear={() => apply(readFilters(new URLSearchParams()))} />
        )}
        {current && current.rows.length === 0 && list.stale && <p className="loading logs-empty">Loading…</p>}
        {pagination && current && current.rows.length > 0 && (
          <Pager
            first={(filters.page - 1) * filters.per_page + 1}
            shown={current.rows.length}
            total={pagination.total}
            totalExact={pagination.total_exact}
            noun={noun}
            onPrevious={list.stale ? undefined : onPrevious}
            onNext={onNext}
          />
        )}
      </section>
    </>
  );
}

function EmptyLogs({ filtered, firstPage, onClear }: { filtered: boolean; firstPage: boolean; onClear(): void }) {
  if (!firstPage) {
    return (
      <div className="empty">
        <h2>No more rows</h2>
        <p>This page is past the end of the list (rows may have gone meanwhile).</p>
      </div>
    );
  }
  if (filtered) {
    return (
      <div className="empty">
        <h2>No deliveries match these filters</h2>
        <p>Try a wider time window or fewer filters.</p>
        <button type="button" className="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="empty">
      <h2>No deliveries yet</h2>
      <p>
        Events your services publish are listed here as they are delivered to your <Link to="/webhooks">webhooks</Link>. Send a test event from a webhook&apos;s
        page to see one.
      </p>
    </div>
  );
}
