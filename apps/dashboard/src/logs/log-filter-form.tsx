import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Webhook } from '../api/client';
import { Field } from '../components/field';
import { StatusBadge } from '../components/status';
import {
  PER_PAGE_CHOICES,
  SORTS,
  STATUSES,
  STATUS_CLASSES,
  fromLocalInput,
  looksLikeLogId,
  toLocalInput,
  type LogFilters,
  type LogStatus,
  type LogView,
  type StatusClass,
} from './log-filters';
import { webhookLabel } from './use-webhook-choices';

interface LogFilterFormProps {
  filters: LogFilters;
  webhooks: Webhook[] | undefined;
  /** The server's problems with the filters (`error.fields`), by query parameter. */
  problems: Record<string, string[]>;
  onApply(next: LogFilters, notice?: string): void;
  onReset(): void;
}

export const SEARCH_HINT = 'Webhook name or URL, event type, or exactly an event id, delivery id (msg_…), attempt id or identifier value';

/** What is typed but not applied yet; it follows the URL when the URL changes (Back, a link). */
interface Drafts {
  source: string;
  q: string;
  event: string;
  from: string;
  to: string;
}

function draftsOf(filters: LogFilters): Drafts {
  return {
    source: [filters.q, filters.event, filters.from, filters.to].join('\n'),
    q: filters.q ?? '',
    event: filters.event ?? '',
    from: toLocalInput(filters.from),
    to: toLocalInput(filters.to),
  };
}

/**
 * The filters of the delivery log. Choices (boxes, selects, the view) apply at once; typed text
 * and dates apply with Enter or "Apply filters". The form stays as it is while the list reloads.
 */
export function LogFilterForm({ filters, webhooks, problems, onApply, onReset }: LogFilterFormProps) {
  const [drafts, setDrafts] = useState(() => draftsOf(filters));
  const current = draftsOf(filters);
  if (drafts.source !== current.source) setDrafts(current);

  /** The filters with the typed text taken in, and `change` on top. */
  function collect(change: Partial<LogFilters> = {}): LogFilters {
    return {
      ...filters,
      q: drafts.q.trim() || undefined,
      event: drafts.event.trim() || undefined,
      from: fromLocalInput(drafts.from),
      to: fromLocalInput(drafts.to, true),
      ...change,
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(collect());
  }

  function toggleStatus(status: LogStatus, on: boolean) {
    const next = on ? [...filters.status, status] : filters.status.filter((value) => value !== status);
    if (on && status === 'pending' && filters.view === 'attempts') {
      onApply(collect({ status: next, view: 'deliveries' }), 'Pending deliveries have not been attempted yet, so the list now shows one row per delivery.');
      return;
    }
    onApply(collect({ status: next }));
  }

  function chooseView(view: LogView) {
    if (view === 'attempts' && filters.status.includes('pending')) {
      onApply(
        collect({ view, status: filters.status.filter((value) => value !== 'pending') }),
        'Attempts are never pending (a delivery is pending until its first attempt), so Pending was unticked.',
      );
      return;
    }
    onApply(collect({ view }));
  }

  const known = webhooks?.some((webhook) => webhook.id === filters.webhook_id);
  const typedId = looksLikeLogId(drafts.q.trim()) ? drafts.q.trim() : undefined;
  return (
    <form className="card logs-filters" role="search" aria-label="Filter delivery logs" onSubmit={submit} noValidate>
      <div className="logs-filter-row">
        <div className="logs-search">
          <Field label="Search" hint={SEARCH_HINT} errors={problems['q']}>
            <input
              type="search"
              value={drafts.q}
              maxLength={200}
              spellCheck={false}
              placeholder="CRM sync, order.created, msg_…, batch-42"
              onChange={(event) => setDrafts({ ...drafts, q: event.target.value })}
            />
          </Field>
          {typedId && (
            <p className="logs-lookup-hint">
              <Link to={`/logs/${encodeURIComponent(typedId)}`}>Open {typedId}</Link>
            </p>
          )}
        </div>
        <Field label="Webhook" errors={problems['webhook_id']}>
          <select value={filters.webhook_id ?? ''} onChange={(event) => onApply(collect({ webhook_id: event.target.value || undefined }))}>
            <option value="">All webhooks</option>
            {filters.webhook_id && !known && <option value={filters.webhook_id}>{webhooks ? `${filters.webhook_id} (deleted)` : filters.webhook_id}</option>}
            {webhooks?.map((webhook) => (
              <option key={webhook.id} value={webhook.id}>
                {webhookLabel(webhook)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Event" hint='Exact type, or a prefix ending in "."' errors={problems['event']}>
          <input
            type="text"
            value={drafts.event}
            maxLength={200}
            spellCheck={false}
            placeholder="order.created or order."
            onChange={(event) => setDrafts({ ...drafts, event: event.target.value })}
          />
        </Field>
      </div>
      <div className="logs-filter-row">
        <fieldset className="checks logs-statuses">
          <legend>Status</legend>
          {STATUSES.map((status) => (
            <label key={status} className="check">
              <input
                type="checkbox"
                name="status"
                value={status}
                checked={filters.status.includes(status)}
                onChange={(event) => toggleStatus(status, event.target.checked)}
              />
              <StatusBadge status={status} />
            </label>
          ))}
        </fieldset>
        <Field label="Status class" errors={problems['status_class']}>
          <select
            value={filters.status_class ?? ''}
            onChange={(event) => onApply(collect({ status_class: (event.target.value || undefined) as StatusClass | undefined }))}
          >
            <option value="">Any</option>
            {STATUS_CLASSES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From" errors={problems['from']}>
          <input type="datetime-local" value={drafts.from} onChange={(event) => setDrafts({ ...drafts, from: event.target.value })} />
        </Field>
        <Field label="To" errors={problems['to']}>
          <input type="datetime-local" value={drafts.to} onChange={(event) => setDrafts({ ...drafts, to: event.target.value })} />
        </Field>
      </div>
      <div className="logs-filter-row logs-filter-end">
        <fieldset className="segmented">
          <legend className="visually-hidden">Show one row per</legend>
          {(['attempts', 'deliveries'] as const).map((view) => (
            <label key={view} className="segment">
              <input type="radio" name="view" value={view} checked={filters.view === view} onChange={() => chooseView(view)} />
              <span>{view === 'attempts' ? 'Attempts' : 'Deliveries'}</span>
            </label>
          ))}
        </fieldset>
        <Field label="Sort">
          <select value={filters.sort} onChange={(event) => onApply(collect({ sort: event.target.value }))}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Rows">
          <select value={filters.per_page} onChange={(event) => onApply(collect({ per_page: Number(event.target.value) }))}>
            {PER_PAGE_CHOICES.map((count) => (
              <option key={count} value={count}>
                {count} per page
              </option>
            ))}
          </select>
        </Field>
        <div className="actions logs-filter-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button type="button" className="button button-quiet" onClick={onReset}>
            Reset
          </button>
        </div>
      </div>
      {filters.status.includes('pending') && (
        <p className="hint logs-pending-hint">Pending deliveries are waiting for their first attempt: they are listed one row per delivery.</p>
      )}
    </form>
  );
}
