import { useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AttemptLog, DeliveryLog } from '../api/client';
import { useSession } from '../app/session';
import { formatDate, formatDuration } from '../components/format';
import { HttpOutcome, StatusBadge } from '../components/status';
import { useToast } from '../components/toasts';
import type { LogView } from './log-filters';
import { describeRetry, describeRetryError, retryLog } from './retry';

interface LogTableProps {
  view: LogView;
  rows: Array<AttemptLog | DeliveryLog>;
  /** Rows that arrived with the last live update, marked for a moment. */
  fresh: ReadonlySet<string>;
  /** Rows of other filters are shown while the new ones load. */
  busy: boolean;
  onRetried(): void;
}

const HEADINGS: Record<LogView, string[]> = {
  attempts: ['Time', 'Status', 'HTTP', 'Webhook', 'Event', 'Error', 'Identifiers', 'Duration', 'Attempt'],
  deliveries: ['Created', 'Status', 'HTTP', 'Webhook', 'Event', 'Last error', 'Identifiers', 'Attempts', 'Retries'],
};

/** The attempt a row opens, or null while a delivery waits for its first attempt (there is nothing to show yet). */
export function rowTarget(view: LogView, row: AttemptLog | DeliveryLog): string | null {
  if (view === 'deliveries') {
    const delivery = row as DeliveryLog;
    return delivery.attempts > 0 ? delivery.last_attempt_id || delivery.id : null;
  }
  const attempt = row as AttemptLog;
  return attempt.attempt > 0 ? attempt.id : null;
}

const ROW_KEYS: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };

/**
 * The delivery log as a table (cards on a phone). Each row's time is a link to the attempt:
 * Tab reaches it, ↑/↓ or j/k move between rows, Enter opens one; a click anywhere on a row opens it too.
 */
export function LogTable({ view, rows, fresh, busy, onRetried }: LogTableProps) {
  const body = useRef<HTMLTableSectionElement>(null);
  const navigate = useNavigate();

  function moveBetweenRows(event: KeyboardEvent<HTMLTableSectionElement>) {
    const step = ROW_KEYS[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    const links = [...(body.current?.querySelectorAll<HTMLElement>('[data-row-link]') ?? [])];
    const current = links.findIndex((link) => link.closest('tr')?.contains(event.target as Node));
    const next = links[current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + step))];
    if (!next) return;
    event.preventDefault();
    next.focus();
  }

  function openRow(event: MouseEvent<HTMLTableRowElement>, target: string | null) {
    if (!target || (event.target as HTMLElement).closest('a, button') || window.getSelection()?.toString()) return;
    navigate(`/logs/${encodeURIComponent(target)}`);
  }

  return (
    <div className="logs-table-wrap" aria-busy={busy}>
      <p className="visually-hidden" id="logs-keys">
        Use the up and down arrow keys (or j and k) to move between rows, and Enter to open one.
      </p>
      <table className={`table logs-table logs-table-${view}${busy ? ' logs-table-busy' : ''}`} id="logs-table" data-view={view} aria-describedby="logs-keys">
        <caption className="visually-hidden">{view === 'deliveries' ? 'Deliveries' : 'Delivery attempts'}</caption>
        <colgroup>
          {['time', 'status', 'http', 'webhook', 'event', 'error', 'identifiers', 'duration', 'attempt', 'actions'].map((name) => (
            <col key={name} className={`col-${name}`} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {HEADINGS[view].map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody ref={body} onKeyDown={moveBetweenRows}>
          {rows.map((row) => {
            const target = rowTarget(view, row);
            return (
              <tr
                key={row.id}
                className={`logs-row${target ? ' logs-row-link' : ''}${fresh.has(row.id) ? ' logs-row-new' : ''}`}
                data-status={row.status}
                data-log-id={target ?? row.id}
                onClick={(event) => openRow(event, target)}
              >
                {view === 'deliveries' ? (
                  <DeliveryCells delivery={row as DeliveryLog} target={target} />
                ) : (
                  <AttemptCells attempt={row as AttemptLog} target={target} />
                )}
                <td className="logs-actions" data-label="">
                  {row.status === 'failed' && target && <RetryButton id={target} onRetried={onRetried} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TimeCell({ at, target, label }: { at: string; target: string | null; label: string }) {
  return (
    <td className="logs-time" data-label="Time">
      {target ? (
        <Link to={`/logs/${encodeURIComponent(target)}`} data-row-link="" aria-label={label}>
          {formatDate(at)}
        </Link>
      ) : (
        <span title="Waiting for its first attempt">{formatDate(at)}</span>
      )}
    </td>
  );
}

/** Text that may be long (URLs, errors): cut to the cell, whole in the tooltip. */
function Clipped({ text, className = '' }: { text: string; className?: string }) {
  return (
    <span className={`logs-clip ${className}`} title={text}>
      {text}
    </span>
  );
}

function WebhookCell({ row }: { row: AttemptLog | DeliveryLog }) {
  return (
    <td className="logs-webhook" data-label="Webhook">
      <Link className="logs-clip" to={`/webhooks/${encodeURIComponent(row.webhook_id)}`} title={row.webhook_name || row.url}>
        {row.webhook_name || row.url}
      </Link>
      <Clipped className="mono muted small" text={row.url} />
    </td>
  );
}

function EventCell({ row }: { row: AttemptLog | DeliveryLog }) {
  return (
    <td className="logs-event" data-label="Event">
      <Clipped className="mono" text={row.event} />
      <Clipped className="mono muted small" text={row.event_id} />
    </td>
  );
}

function Identifiers({ identifiers }: { identifiers: Record<string, string> }) {
  const entries = Object.entries(identifiers ?? {});
  return (
    <td className="logs-identifiers" data-label="Identifiers">
      {entries.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <ul className="logs-chips">
          {entries.map(([name, value]) => (
            <li key={name} className="chip mono" title={`${name}: ${value}`}>
              {name}={value}
            </li>
          ))}
        </ul>
      )}
    </td>
  );
}

function ErrorCell({ label, error, preview }: { label: string; error: string | null; preview?: string | null }) {
  return (
    <td className="logs-error" data-label={label}>
      {error ? <Clipped className="logs-error-text" text={error} /> : <span className="muted">—</span>}
      {preview && <Clipped className="mono muted small" text={preview} />}
    </td>
  );
}

function Cell({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <td className={className} data-label={label}>
      {children}
    </td>
  );
}

function describeRow(row: AttemptLog | DeliveryLog, what: string): string {
  return `${what}: ${row.event} to ${row.webhook_name || row.url}, ${row.status}${row.http_status !== null ? `, HTTP ${row.http_status}` : ''}, ${formatDate(row.created_at)}`;
}

function AttemptCells({ attempt, target }: { attempt: AttemptLog; target: string | null }) {
  return (
    <>
      <TimeCell at={attempt.created_at} target={target} label={describeRow(attempt, `Attempt #${attempt.attempt}`)} />
      <Cell label="Status" className="logs-status">
        <StatusBadge status={attempt.status} />
        {attempt.trigger !== 'auto' && <span className="tag">{attempt.trigger}</span>}
      </Cell>
      <Cell label="HTTP">
        <HttpOutcome httpStatus={attempt.http_status} errorCode={attempt.error_code} />
      </Cell>
      <WebhookCell row={attempt} />
      <EventCell row={attempt} />
      {/* The list keeps a preview of the body; the attempt page has it whole. */}
      <ErrorCell label="Error" error={attempt.error} preview={attempt.status === 'success' ? null : attempt.response_body} />
      <Identifiers identifiers={attempt.identifiers} />
      <Cell label="Duration" className="num">
        {attempt.attempt > 0 ? formatDuration(attempt.duration_ms) : '—'}
      </Cell>
      <Cell label="Attempt" className="num">
        {attempt.attempt > 0 ? `#${attempt.attempt}` : 'not yet'}
      </Cell>
    </>
  );
}

function DeliveryCells({ delivery, target }: { delivery: DeliveryLog; target: string | null }) {
  return (
    <>
      <TimeCell at={delivery.created_at} target={target} label={describeRow(delivery, `Delivery, ${delivery.attempts} attempts`)} />
      <Cell label="Status" className="logs-status">
        <StatusBadge status={delivery.status} />
      </Cell>
      <Cell label="HTTP">
        <HttpOutcome httpStatus={delivery.http_status} errorCode={delivery.http_status === null && delivery.last_error ? 'network' : null} />
      </Cell>
      <WebhookCell row={delivery} />
      <EventCell row={delivery} />
      <ErrorCell label="Last error" error={delivery.last_error} />
      <Identifiers identifiers={delivery.identifiers} />
      <Cell label="Attempts" className="num">
        {delivery.attempts}
      </Cell>
      <Cell label="Retries" className="num">
        {delivery.retry_count}
      </Cell>
    </>
  );
}

/** Attempts a failed delivery again now (admins only); the list reloads to show the new attempt. */
function RetryButton({ id, onRetried }: { id: string; onRetried(): void }) {
  const { api, canEdit } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!canEdit) return null;
  async function retry() {
    setBusy(true);
    try {
      const result = await retryLog(api, id);
      toast(describeRetry(result), result.success ? 'ok' : 'bad');
      onRetried();
    } catch (error) {
      toast(describeRetryError(error), 'bad');
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" className="button button-small" onClick={retry} disabled={busy} aria-label={`Retry ${id}`}>
      {busy ? 'Retrying…' : 'Retry'}
    </button>
  );
}
