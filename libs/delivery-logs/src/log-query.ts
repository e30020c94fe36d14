import type { ListLogsRequestMessage, StatusClass } from '@wirehook/contracts';

/** Escapes text so it matches literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Field names of the collection being queried (attempts and deliveries differ slightly). */
export interface LogFieldNames {
  nameField: string;
  urlField: string;
  /** Field holding `2xx`..`5xx`, when the collection has one. */
  statusClassField?: string;
}

/** The filters every log query understands: lists, their totals, and exports. */
export interface LogFilterRequest {
  tenantId: string;
  webhookId?: string;
  status?: readonly string[];
  statusClass?: StatusClass;
  event?: string;
  from?: string;
  to?: string;
  q?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The event condition: an exact type, or every type under a prefix written `resume.` or
 * `resume.*` (the subscription spelling). A prefix is an anchored, escaped pattern, which an
 * index on the event type serves as a range.
 */
function eventCondition(event: string): unknown {
  const prefix = event.endsWith('.*') ? event.slice(0, -1) : event.endsWith('.') ? event : undefined;
  return prefix ? { $regex: `^${escapeRegExp(prefix)}` } : event;
}

/**
 * The time condition. `to` is inclusive; a date without a time (`2026-03-01`, what a date
 * picker sends) stands for that whole day, so `from=D&to=D` is the day D.
 */
function timeCondition(from: string | undefined, to: string | undefined): Record<string, Date> | undefined {
  if (!from && !to) return undefined;
  return {
    ...(from ? { $gte: new Date(from) } : {}),
    ...(to ? (DATE_ONLY.test(to) ? { $lt: new Date(Date.parse(to) + DAY_MS) } : { $lte: new Date(to) }) : {}),
  };
}

/**
 * Builds the MongoDB filter for a logs request. The tenant always comes first so every query
 * uses a tenant-prefixed index; free text is escaped and never interpreted as a pattern.
 */
export function buildLogFilter(request: LogFilterRequest, fields: LogFieldNames): Record<string, unknown> {
  const filter: Record<string, unknown> = { tenantId: request.tenantId };
  if (request.webhookId) filter.endpointId = request.webhookId;
  if (request.status?.length) filter.status = request.status.length === 1 ? request.status[0] : { $in: request.status };
  if (request.statusClass) {
    // Attempts keep their class; deliveries are filtered by the status of their last answer.
    if (fields.statusClassField) filter[fields.statusClassField] = request.statusClass;
    else filter.httpStatus = { $gte: Number(request.statusClass[0]) * 100, $lt: Number(request.statusClass[0]) * 100 + 100 };
  }
  if (request.event) filter.eventType = eventCondition(request.event);
  const createdAt = timeCondition(request.from, request.to);
  if (createdAt) filter.createdAt = createdAt;
  if (request.q) {
    const text = { $regex: escapeRegExp(request.q), $options: 'i' };
    filter.$or = [{ [fields.nameField]: text }, { [fields.urlField]: text }, { eventType: text }];
  }
  return filter;
}

const SORT_FIELDS = { created_at: 'createdAt', status: 'status', http_status: 'httpStatus' } as const;

/**
 * Sort for a logs request. Ties are broken by time, newest first, then by id, so pages never
 * overlap. A descending sort is the exact reverse of the ascending one (ties oldest first),
 * which lets one index per field serve both directions: `{ tenantId, <field>, createdAt: -1,
 * _id: -1 }` walked forwards or backwards. Without an attempt's HTTP status (no answer), it
 * sorts before every status.
 */
export function buildLogSort(request: Pick<ListLogsRequestMessage, 'sort' | 'order'>): Record<string, 1 | -1> {
  const direction = request.order === 'asc' ? 1 : -1;
  const field = SORT_FIELDS[request.sort];
  return field === 'createdAt' ? { createdAt: direction, _id: direction } : { [field]: direction, createdAt: direction === 1 ? -1 : 1, _id: direction === 1 ? -1 : 1 };
}
