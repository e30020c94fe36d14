import {
  DELIVERY_ID_PATTERN,
  EVENT_ID_PATTERN,
  MAX_COUNTED_ROWS,
  MAX_PAGED_ROWS,
  type DeliveryStatus,
  type ListLogsRequestMessage,
  type LogFilterMessage,
  type LogSortField,
} from '@wirehook/contracts';
import { ATTEMPT_ROW_PROJECTION, type AttemptRow, type DeliveryAttemptRepository } from '../attempts/delivery-attempt.repository';
import { AttemptIndex } from '../attempts/delivery-attempt.schema';
import type { DeliveryRepository } from '../deliveries/delivery.repository';
import { DeliveryIndex, type DeliveryDocument } from '../deliveries/delivery.schema';
import type { EventTypeRepository } from '../event-types/event-type.repository';
import type { LogRowSource } from '../shared/log-rows';
import { criteriaOf } from './log-criteria';
import { cursorScope, decodeCursor, encodeCursor, type RowKey } from './log-cursor';
import { MAX_RESOLVED_EVENT_TYPES, planListQuery, type ListIndexes, type LogCriteria, type LogSort, type PlannedQuery } from './log-plan';
import { LogQueryError } from './log-query.error';
import { keysetSteps } from './keyset';

/** What every row of both views has: the fields lists sort by. */
interface SortableRow {
  _id: string;
  createdAt: Date;
  status: DeliveryStatus;
  httpStatus: number | null;
}

/** One page of a list. */
export interface LogListPage<T> {
  rows: T[];
  page: number;
  /** Rows matching, counted up to {@link MAX_COUNTED_ROWS}; undefined when not counted. */
  total?: { count: number; exact: boolean };
  hasMore: boolean;
  nextCursor: string | null;
}

/** How one collection is listed: its rows, its indexes, and how search text looks it up. */
interface ListedCollection<T> {
  view: 'attempts' | 'deliveries';
  source: LogRowSource<T>;
  indexes: ListIndexes;
  projection?: Record<string, 0 | 1>;
  lookups(q: string): Array<NonNullable<LogCriteria['lookup']>>;
}

/** Matches of an exact lookup that the other filters may be applied to. */
export const MAX_LOOKUP_MATCHES = 200;

const ATTEMPT_ID = new RegExp(`^${DELIVERY_ID_PATTERN.source.slice(1, -1)}_\\d{1,3}$`);

/** What an export asks for: the filters, where to continue and how many rows. */
export type ExportRequest = LogFilterMessage & { after?: string; limit: number };

const exportListRequest = (request: ExportRequest): ListLogsRequestMessage => ({
  ...request,
  view: 'attempts',
  sort: 'created_at',
  order: 'asc',
  page: 1,
  perPage: request.limit,
  cursor: request.after,
});

/** What a cursor belongs to: it only continues the list of the same tenant, view, filters and sort. */
const scopeOf = (view: string, request: ListLogsRequestMessage): string =>
  cursorScope([
    view,
    request.tenantId,
    request.webhookId,
    request.status,
    request.statusClass,
    request.event,
    request.from,
    request.to,
    request.q,
    request.sort,
    request.order,
  ]);

const compare = (a: string | number | null, b: string | number | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** The order of {@link sortOf}, for merging the rows of several queries. */
function compareRows(plan: Pick<PlannedQuery, 'sortField' | 'direction'>): (a: SortableRow, b: SortableRow) => number {
  return (a, b) => {
    const byTime = compare(a.createdAt.getTime(), b.createdAt.getTime()) || compare(a._id, b._id);
    if (plan.sortField === 'createdAt') return plan.direction * byTime;
    return plan.direction * (compare(a[plan.sortField], b[plan.sortField]) || -byTime);
  };
}

const keyOf = (row: SortableRow, plan: PlannedQuery): RowKey => ({
  ...(plan.sortField === 'createdAt' ? {} : { primary: row[plan.sortField] }),
  createdAt: row.createdAt,
  id: row._id,
});

/**
 * The delivery-log lists and exports. Each request becomes one planned query, or one per way
 * search text matches (webhooks, event types, exact lookups), each on its own index; their rows
 * are merged in order. Every query reads about a page: a cursor continues after the last row's
 * sort key, page numbers stay within {@link MAX_PAGED_ROWS}, and totals are counted up to
 * {@link MAX_COUNTED_ROWS}.
 */
export class DeliveryLogQueries {
  private readonly attemptList: ListedCollection<AttemptRow>;
  private readonly deliveryList: ListedCollection<DeliveryDocument>;

  constructor(
    attempts: DeliveryAttemptRepository,
    deliveries: DeliveryRepository,
    private readonly eventTypes: EventTypeRepository,
  ) {
    this.attemptList = {
      view: 'attempts',
      source: attempts.rows,
      indexes: AttemptIndex,
      projection: ATTEMPT_ROW_PROJECTION,
      lookups: (q) => [
        ...(EVENT_ID_PATTERN.test(q) ? [{ field: 'eventId', value: q, index: AttemptIndex.eventId }] : []),
        ...(DELIVERY_ID_PATTERN.test(q) ? [{ field: 'deliveryId', value: q, index: AttemptIndex.deliveryAttempt }] : []),
        ...(ATTEMPT_ID.test(q) ? [{ field: '_id', value: q, index: '_id_' }] : []),
        { field: 'identifierValues', value: q, index: AttemptIndex.identifierTime },
      ],
    };
    this.deliveryList = {
      view: 'deliveries',
      source: deliveries.rows,
      indexes: DeliveryIndex,
      lookups: (q) => [
        ...(EVENT_ID_PATTERN.test(q) ? [{ field: 'eventId', value: q, index: DeliveryIndex.eventId }] : []),
        ...(DELIVERY_ID_PATTERN.test(q) ? [{ field: '_id', value: q, index: '_id_' }] : []),
        { field: 'identifierValues', value: q, index: DeliveryIndex.identifierTime },
      ],
    };
  }

  /** One page of attempts (or of deliveries with `view: deliveries`), with its total. */
  async list(request: ListLogsRequestMessage): Promise<LogListPage<AttemptRow> | LogListPage<DeliveryDocument>> {
    return request.view === 'deliveries' ? this.page(this.deliveryList, request, true) : this.page(this.attemptList, request, true);
  }

  /** One page of an export: attempts oldest first after `after` (a cursor of this list), not counted. */
  async exportPage(request: ExportRequest): Promise<LogListPage<AttemptRow>> {
    return this.page(this.attemptList, exportListRequest(request), false);
  }

  /** The cursor of an export that continues after `row` (for a page cut short to fit a reply). */
  exportCursorAfter(request: ExportRequest, row: AttemptRow): string {
    return encodeCursor({ page: 2, after: { createdAt: row.createdAt, id: row._id } }, scopeOf('attempts', exportListRequest(request)));
  }

  private async page<T extends SortableRow>(collection: ListedCollection<T>, request: ListLogsRequestMessage, count: boolean): Promise<LogListPage<T>> {
    const sort: LogSort = { field: request.sort, order: request.order };
    const plans = (await this.searchBranches(collection, request)).map((criteria) => planListQuery(criteria, sort, collection.indexes));
    const [first] = plans;
    const scope = scopeOf(collection.view, request);
    const cursor = request.cursor ? decodeCursor(request.cursor, scope, sort.field !== 'created_at') : undefined;
    const page = cursor?.page ?? request.page;
    const skip = cursor ? 0 : (page - 1) * request.perPage;
    if (skip + request.perPage > MAX_PAGED_ROWS) {
      throw new LogQueryError('page', `page × per_page may reach at most ${MAX_PAGED_ROWS} rows; continue with cursor (the next_cursor of each page) instead`);
    }
    // Each query reads one row more than the page to tell whether another page follows.
    const wanted = request.perPage + 1;
    const batches = await Promise.all(
      plans.map(async (plan) => {
        const query = { hint: plan.hint, sort: plan.sort, projection: collection.projection };
        if (!cursor) {
          return collection.source.findRows({
            ...query,
            filter: plan.filter,
            skip: plans.length === 1 ? skip : 0,
            limit: plans.length === 1 ? wanted : skip + wanted,
          });
        }
        const rows: T[] = [];
        for (const filter of keysetSteps(plan, cursor.after)) {
          rows.push(...(await collection.source.findRows({ ...query, filter, limit: wanted - rows.length })));
          if (rows.length >= wanted) break;
        }
        return rows;
      }),
    );
    const seen = new Set<string>();
    const merged = batches
      .flat()
      .sort(compareRows(first))
      .filter((row) => !seen.has(row._id) && seen.add(row._id));
    const window = plans.length === 1 || cursor ? merged : merged.slice(skip);
    const rows = window.slice(0, request.perPage);
    const hasMore = window.length > request.perPage;
    const last = rows[rows.length - 1];
    return {
      rows,
      page,
      total: count ? await this.total(collection, plans) : undefined,
      hasMore,
      nextCursor: hasMore && last ? encodeCursor({ page: page + 1, after: keyOf(last, first) }, scope) : null,
    };
  }

  /** Rows matching, up to the cap: one counted query, or the union of the ids each search query finds. */
  private async total<T>(collection: ListedCollection<T>, plans: PlannedQuery[]): Promise<{ count: number; exact: boolean }> {
    const cap = MAX_COUNTED_ROWS + 1;
    let count: number;
    if (plans.length === 1) {
      count = await collection.source.countUpTo(plans[0].filter, plans[0].hint, cap);
    } else {
      const ids = new Set<string>();
      for (const plan of plans) {
        (await collection.source.idsUpTo(plan.filter, plan.hint, cap)).forEach((id) => ids.add(id));
        if (ids.size >= cap) break;
      }
      count = ids.size;
    }
    return { count: Math.min(count, MAX_COUNTED_ROWS), exact: count <= MAX_COUNTED_ROWS };
  }

  /**
   * The criteria to query: the request's own, or with search text one set per way the text
   * matches: the webhooks config-api found by name or URL, the tenant's event types containing
   * it, and exact event ids, delivery ids and identifier values. Neither webhooks nor event types
   * can be searched together with `status_class` (no index serves both): when the text matches
   * such names, the request is refused rather than answered with part of the matches.
   */
  private async searchBranches<T>(collection: ListedCollection<T>, request: ListLogsRequestMessage): Promise<LogCriteria[]> {
    const criteria = await criteriaOf(request, this.eventTypes);
    const q = request.q?.trim();
    if (!q) return [criteria];
    const branches: LogCriteria[] = [];
    const webhooks = (request.qWebhookIds ?? []).filter((id) => !criteria.endpointIds || criteria.endpointIds.includes(id));
    if (webhooks.length > 0) {
      if (criteria.httpStatus)
        throw new LogQueryError(
          'q',
          'q matches webhook names or URLs, which cannot be searched together with status_class; remove status_class, or filter by status',
        );
      branches.push({ ...criteria, endpointIds: webhooks });
    }
    const found = await this.eventTypes.containing(request.tenantId, q, MAX_RESOLVED_EVENT_TYPES + 1);
    if (found.length > MAX_RESOLVED_EVENT_TYPES) {
      throw new LogQueryError('q', `q matches more than ${MAX_RESOLVED_EVENT_TYPES} event types; search for a longer text, or filter with event`);
    }
    const types = criteria.eventTypes ? found.filter((type) => criteria.eventTypes?.includes(type)) : found;
    if (types.length > 0) {
      if (criteria.httpStatus)
        throw new LogQueryError('q', 'q matches event types, which cannot be searched together with status_class; remove status_class, or filter by status');
      branches.push({ ...criteria, eventTypes: types });
    }
    for (const lookup of collection.lookups(q)) {
      await this.checkSelective(collection, criteria, lookup, request.sort);
      branches.push({ ...criteria, lookup });
    }
    return branches;
  }

  /**
   * An exact lookup reads its index for the value and applies the other filters (and any order
   * but time, for identifier values) to what it finds. That is bounded while a value is rare (an
   * event id, a delivery id, most identifier values); a value many rows share, combined with
   * other filters or another order, is refused instead of read through, after a count that
   * itself stops past the bound.
   */
  private async checkSelective<T>(
    collection: ListedCollection<T>,
    criteria: LogCriteria,
    lookup: NonNullable<LogCriteria['lookup']>,
    sort: LogSortField,
  ): Promise<void> {
    const filtered = criteria.endpointIds || criteria.statuses || criteria.eventTypes || criteria.httpStatus;
    const ordered = lookup.index === collection.indexes.identifierTime && sort === 'created_at';
    if (!filtered && ordered) return;
    const matches = await collection.source.countUpTo(
      { tenantId: criteria.tenantId, [lookup.field]: lookup.value, ...(criteria.createdAt ? { createdAt: criteria.createdAt } : {}) },
      lookup.index,
      MAX_LOOKUP_MATCHES + 1,
    );
    if (matches > MAX_LOOKUP_MATCHES) {
      throw new LogQueryError('q', `q matches more than ${MAX_LOOKUP_MATCHES} rows as an exact value; search it with from/to alone, or drop the other filters`);
    }
  }
}
