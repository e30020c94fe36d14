import type { AttemptRecordedMessage } from '@wirehook/contracts';

/** What the oracle needs of a row of either view. */
export interface OracleRow {
  id: string;
  webhook_id: string;
  webhook_name: string;
  url: string;
  event: string;
  status: string;
  http_status: number | null;
  created_at: string;
}

/** Query parameters of the log lists, as strings the way a URL carries them. */
export type LogQuery = Partial<Record<'webhook_id' | 'status' | 'status_class' | 'event' | 'from' | 'to' | 'q' | 'sort' | 'view', string>>;

/** One row per attempt. */
export function attemptRows(records: AttemptRecordedMessage[]): OracleRow[] {
  return records.map((record) => ({
    // Spelled out, not attemptIdOf: the oracle stays independent of the code it checks.
    id: `${record.deliveryId}_${record.attempt}`,
    webhook_id: record.endpointId,
    webhook_name: record.endpointName,
    url: record.endpointUrl,
    event: record.eventType,
    status: record.status,
    http_status: record.response?.status ?? null,
    created_at: record.startedAt,
  }));
}

/** One row per delivery, in the state of its highest attempt, dated when the delivery was created. */
export function deliveryRows(records: AttemptRecordedMessage[]): OracleRow[] {
  const latest = new Map<string, AttemptRecordedMessage>();
  for (const record of records) {
    const seen = latest.get(record.deliveryId);
    if (!seen || seen.attempt < record.attempt) latest.set(record.deliveryId, record);
  }
  return [...latest.values()].map((record) => ({ ...attemptRows([record])[0], id: record.deliveryId, created_at: record.deliveryCreatedAt }));
}

/** An inclusive end: a date without a time stands for the whole of that day. */
function endOf(to: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? Date.parse(to) + 24 * 60 * 60 * 1000 - 1 : Date.parse(to);
}

function matches(row: OracleRow, query: LogQuery): boolean {
  if (query.webhook_id && row.webhook_id !== query.webhook_id) return false;
  if (query.status && !query.status.split(',').includes(row.status)) return false;
  if (query.status_class) {
    const low = Number(query.status_class[0]) * 100;
    if (row.http_status === null || row.http_status < low || row.http_status >= low + 100) return false;
  }
  if (query.event) {
    const prefix = query.event.endsWith('.*') ? query.event.slice(0, -1) : query.event.endsWith('.') ? query.event : undefined;
    if (prefix ? !row.event.startsWith(prefix) : row.event !== query.event) return false;
  }
  const at = Date.parse(row.created_at);
  if (query.from && at < Date.parse(query.from)) return false;
  if (query.to && at > endOf(query.to)) return false;
  if (query.q) {
    const text = query.q.toLowerCase();
    if (![row.webhook_name, row.url, row.event].some((field) => field.toLowerCase().includes(text))) return false;
  }
  return true;
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The documented order: by the chosen field (no HTTP status before any), ties newest first;
 * descending is the exact reverse of ascending. `created_at` ties are broken by id.
 */
function sorted(rows: OracleRow[], sort = '-created_at'): OracleRow[] {
  const descending = sort.startsWith('-') || sort.endsWith(':desc');
  const field = sort.replace(/^-/, '').replace(/:(asc|desc)$/, '');
  const byTime = (a: OracleRow, b: OracleRow) => compare(Date.parse(a.created_at), Date.parse(b.created_at)) || compare(a.id, b.id);
  const ascending = [...rows].sort((a, b) => {
    if (field === 'created_at') return byTime(a, b);
    const key = (row: OracleRow) => (field === 'status' ? row.status : (row.http_status ?? -1));
    return compare(key(a), key(b)) || -byTime(a, b);
  });
  return descending ? ascending.reverse() : ascending;
}

/** The ids a list request should answer, in order (all pages). */
export function expectedIds(rows: OracleRow[], query: LogQuery): string[] {
  return sorted(
    rows.filter((row) => matches(row, query)),
    query.sort,
  ).map((row) => row.id);
}

/** A query string from parameters. */
export function queryString(query: Record<string, string | number | undefined>): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined) as Array<[string, string | number]>;
  return entries.length ? `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)])).toString()}` : '';
}
