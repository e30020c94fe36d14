import type { AttemptLog } from '../api/client';

export type LogStatus = AttemptLog['status'];
export type LogView = 'attempts' | 'deliveries';

export const STATUSES: readonly LogStatus[] = ['pending', 'retrying', 'success', 'failed'];
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export const PER_PAGE_CHOICES = [25, 50, 100] as const;
export const DEFAULT_SORT = '-created_at';
export const SORTS: ReadonlyArray<readonly [string, string]> = [
  ['-created_at', 'Newest first'],
  ['created_at', 'Oldest first'],
  ['status', 'Status (A to Z)'],
  ['-status', 'Status (Z to A)'],
  ['-http_status', 'HTTP status (high first)'],
  ['http_status', 'HTTP status (low first)'],
];

/** The logs page's state as the URL (`#/logs?status=failed&q=...`) holds it. */
export interface LogFilters {
  status: LogStatus[];
  status_class?: StatusClass;
  event?: string;
  webhook_id?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
  q?: string;
  view: LogView;
  sort: string;
  per_page: number;
  /** The next_cursor of the page before; absent on the first page. */
  cursor?: string;
  /** 1-based number of the page shown (for "26–50 of ..."); the API pages by cursor. */
  page: number;
}

/** The filters that narrow the list (not view, sort or paging): "no matches" only makes sense with one of them. */
const NARROWING = ['status_class', 'event', 'webhook_id', 'from', 'to', 'q'] as const;

function oneOf<T extends string>(value: string | null, choices: readonly T[]): T | undefined {
  return choices.find((choice) => choice === value);
}

/**
 * The filters a URL asks for, with defaults filled in and unknown values dropped. Attempts are
 * never pending (a delivery is pending until its first attempt): pending in the attempts view
 * is read as the deliveries view, where those deliveries are.
 */
export function readFilters(params: URLSearchParams): LogFilters {
  const status = [...new Set((params.get('status') ?? '').split(','))].filter((value): value is LogStatus => oneOf(value, STATUSES) !== undefined);
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const perPage = Number(params.get('per_page'));
  const sort = params.get('sort');
  const page = Math.floor(Number(params.get('page')));
  const cursor = text('cursor');
  return {
    status,
    status_class: oneOf(params.get('status_class'), STATUS_CLASSES),
    event: text('event'),
    webhook_id: text('webhook_id'),
    from: text('from'),
    to: text('to'),
    q: text('q'),
    view: status.includes('pending') || params.get('view') === 'deliveries' ? 'deliveries' : 'attempts',
    sort: SORTS.some(([value]) => value === sort) ? (sort as string) : DEFAULT_SORT,
    per_page: PER_PAGE_CHOICES.find((choice) => choice === perPage) ?? PER_PAGE_CHOICES[0],
    cursor,
    page: cursor && page > 1 ? page : 1,
  };
}

/** The URL query of `filters`, leaving out defaults so that shared links stay short. */
export function writeFilters(filters: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status.length) params.set('status', STATUSES.filter((status) => filters.status.includes(status)).join(','));
  for (const name of NARROWING) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  if (filters.view === 'deliveries') params.set('view', 'deliveries');
  if (filters.sort !== DEFAULT_SORT) params.set('sort', filters.sort);
  if (filters.per_page !== PER_PAGE_CHOICES[0]) params.set('per_page', String(filters.per_page));
  if (filters.cursor) {
    params.set('cursor', filters.cursor);
    params.set('page', String(filters.page));
  }
  return params;
}

/** Whether anything narrows the list (so an empty list means "no matches", not "nothing yet"). */
export function isNarrowed(filters: LogFilters): boolean {
  return filters.status.length > 0 || NARROWING.some((name) => Boolean(filters[name]));
}

/** The list query of the API for `filters`. */
export function listQuery(filters: LogFilters) {
  return {
    ...exportQuery(filters),
    view: filters.view,
    sort: filters.sort,
    per_page: filters.per_page,
    cursor: filters.cursor,
  };
}

/** The export's query: the same filters, without view and paging (an export is every matching attempt). */
export function exportQuery(filters: LogFilters) {
  return {
    status: filters.status.length ? filters.status : undefined,
    status_class: filters.status_class,
    event: filters.event,
    webhook_id: filters.webhook_id,
    from: filters.from,
    to: filters.to,
    q: filters.q,
  };
}

/** A `datetime-local` value (the reader's time zone) for an ISO instant. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO instant of a `datetime-local` value; `endOfMinute` makes a "to" include its whole minute. */
export function fromLocalInput(value: string, endOfMinute = false): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return undefined;
  return new Date(at.getTime() + (endOfMinute ? 59_999 : 0)).toISOString();
}

/**
 * Search text that names one delivery or attempt (`msg_...`, `msg_..._2`): the page offers to
 * open it. The id's exact shape is the API's business: it answers 404 for anything else.
 */
export function looksLikeLogId(q: string | undefined): q is string {
  return Boolean(q && /^msg_\S+$/.test(q));
}
