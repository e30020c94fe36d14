import { DELIVERY_STATUSES, type DeliveryStatus, type LogSortField } from '@wirehook/contracts';
import { LogQueryError } from './log-query.error';

/** The filters of a log request once resolved to indexed values. */
export interface LogCriteria {
  tenantId: string;
  /** One webhook, or the webhooks search text matched. */
  endpointIds?: string[];
  statuses?: DeliveryStatus[];
  /** `status_class`: HTTP statuses from `gte` up to (not including) `lt`. */
  httpStatus?: { gte: number; lt: number };
  /** An exact event type, the types under a prefix, or the types search text matched. */
  eventTypes?: string[];
  createdAt?: { $gte?: Date; $lt?: Date; $lte?: Date };
  /** An exact lookup of search text: selective, so the other filters apply to its matches. */
  lookup?: { field: string; value: string; index: string };
}

export interface LogSort {
  field: LogSortField;
  order: 'asc' | 'desc';
}

/** The indexes a collection offers the lists (attempts and deliveries name theirs alike). */
export interface ListIndexes {
  time: string;
  endpointStatusTime: string;
  endpointEventStatusTime: string;
  statusTime: string;
  eventStatusTime: string;
  httpStatusTime: string;
  identifierTime: string;
}

/** One query as it is sent: a filter, the index it is meant to use and the order of its rows. */
export interface PlannedQuery {
  filter: Record<string, unknown>;
  hint: string;
  sort: Record<string, 1 | -1>;
  /** The sort field in the documents (`createdAt`, `status` or `httpStatus`). */
  sortField: 'createdAt' | 'status' | 'httpStatus';
  direction: 1 | -1;
}

/**
 * Most points an `$in` may expand into, below MongoDB's limit for merging index ranges in sort
 * order (200): beyond it MongoDB would sort a tenant's history in memory.
 */
export const MAX_MERGED_POINTS = 200;
/** Most event types an event prefix or search text may resolve to (each is four points with the statuses). */
export const MAX_RESOLVED_EVENT_TYPES = MAX_MERGED_POINTS / DELIVERY_STATUSES.length;

const SORT_FIELDS = { created_at: 'createdAt', status: 'status', http_status: 'httpStatus' } as const;

/** Every HTTP status of a class, as points of the HTTP-status index. */
function httpStatuses(range: { gte: number; lt: number }): number[] {
  return Array.from({ length: range.lt - range.gte }, (_, offset) => range.gte + offset);
}

const oneOrIn = <T>(values: readonly T[]): T | { $in: T[] } => (values.length === 1 ? values[0] : { $in: [...values] });

/**
 * The order of a list. Ties are broken by time, newest first, then by id; a descending sort is
 * the exact reverse of the ascending one, so one index per field serves both directions.
 */
export function sortOf(sort: LogSort): Pick<PlannedQuery, 'sort' | 'sortField' | 'direction'> {
  const direction = sort.order === 'asc' ? 1 : -1;
  const field = SORT_FIELDS[sort.field];
  const order: Record<string, 1 | -1> =
    field === 'createdAt' ? { createdAt: direction, _id: direction } : { [field]: direction, createdAt: -direction as 1 | -1, _id: -direction as 1 | -1 };
  return { sort: order, sortField: field, direction };
}

const unservable = (parameter: string, message: string) => new LogQueryError(parameter, message);

/**
 * Chooses the index of a list query and writes the filter so that the index bounds the work:
 * every filter is an equality (or a small set of points) on the index's leading fields, then
 * `createdAt` and `_id` give the order. Filters no index can serve together are refused with the
 * parameter to change, rather than scanning a tenant's history. Without a status filter, the
 * status fields of an index are given every status as points, which MongoDB merges in order.
 */
export function planListQuery(criteria: LogCriteria, sort: LogSort, indexes: ListIndexes): PlannedQuery {
  const order = sortOf(sort);
  const filter: Record<string, unknown> = { tenantId: criteria.tenantId };
  const allStatuses = () => oneOrIn(criteria.statuses ?? DELIVERY_STATUSES);
  let hint: string;
  if (criteria.lookup) {
    hint = criteria.lookup.index;
    filter[criteria.lookup.field] = criteria.lookup.value;
    if (criteria.endpointIds) filter.endpointId = oneOrIn(criteria.endpointIds);
    if (criteria.statuses) filter.status = oneOrIn(criteria.statuses);
    if (criteria.eventTypes) filter.eventType = oneOrIn(criteria.eventTypes);
    if (criteria.httpStatus) filter.httpStatus = { $gte: criteria.httpStatus.gte, $lt: criteria.httpStatus.lt };
  } else if (criteria.httpStatus) {
    if (criteria.endpointIds || criteria.statuses || criteria.eventTypes) {
      throw unservable(
        'status_class',
        'status_class cannot be combined with webhook_id, status or event; use status_class alone (with from/to), or filter by status instead',
      );
    }
    if (order.sortField === 'status') throw unservable('sort', 'sort=status cannot be combined with status_class; sort by created_at or http_status');
    hint = indexes.httpStatusTime;
    filter.httpStatus =
      order.sortField === 'httpStatus' ? { $gte: criteria.httpStatus.gte, $lt: criteria.httpStatus.lt } : { $in: httpStatuses(criteria.httpStatus) };
  } else if (criteria.endpointIds && criteria.eventTypes) {
    if (order.sortField === 'httpStatus')
      throw unservable('sort', 'sort=http_status cannot be combined with webhook_id and event; sort by created_at or status');
    hint = indexes.endpointEventStatusTime;
    filter.endpointId = oneOrIn(criteria.endpointIds);
    filter.eventType = oneOrIn(criteria.eventTypes);
    if (criteria.statuses || order.sortField === 'createdAt') filter.status = allStatuses();
  } else if (criteria.endpointIds) {
    if (order.sortField === 'httpStatus') throw unservable('sort', 'sort=http_status cannot be combined with webhook_id; sort by created_at or status');
    hint = indexes.endpointStatusTime;
    filter.endpointId = oneOrIn(criteria.endpointIds);
    if (criteria.statuses || order.sortField === 'createdAt') filter.status = allStatuses();
  } else if (criteria.eventTypes) {
    if (order.sortField === 'httpStatus') throw unservable('sort', 'sort=http_status cannot be combined with event; sort by created_at or status');
    hint = indexes.eventStatusTime;
    filter.eventType = oneOrIn(criteria.eventTypes);
    if (criteria.statuses || order.sortField === 'createdAt') filter.status = allStatuses();
  } else if (criteria.statuses) {
    if (order.sortField === 'httpStatus') throw unservable('sort', 'sort=http_status cannot be combined with status; sort by created_at or status');
    hint = indexes.statusTime;
    filter.status = allStatuses();
  } else {
    hint = order.sortField === 'status' ? indexes.statusTime : order.sortField === 'httpStatus' ? indexes.httpStatusTime : indexes.time;
  }
  if (criteria.createdAt) filter.createdAt = criteria.createdAt;
  const points = ['endpointId', 'eventType', 'status', 'httpStatus'].reduce((product, field) => product * pointCount(filter[field]), 1);
  if (points > MAX_MERGED_POINTS && !criteria.lookup) {
    throw unservable(
      criteria.eventTypes && criteria.eventTypes.length > 1 ? 'event' : 'q',
      'the filters name too many webhooks and event types together; narrow the event prefix or the search text',
    );
  }
  return { filter, hint, ...order };
}

/** Index points a condition stands for: each value of an `$in`, one for anything else. */
function pointCount(condition: unknown): number {
  const values = (condition as { $in?: unknown[] } | undefined)?.$in;
  return Array.isArray(values) ? values.length : 1;
}
