import { isAttemptId, type ListLogsRequestMessage, type LogFilterMessage } from '@wirehook/contracts';
import type { DeliveryAttemptDocument, DeliveryDocument, DeliveryLogs } from '../../../src';
import { LogQueryError } from '../../../src';
import { encodeCursor } from '../../../src/queries/log-cursor';
import { deliveryIdOf, eventIdOf, eventOfDelivery, identifiersOf, type TenantHistory } from './plan-history';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Rows whose bodies log-service reads at once while it fills an export page (its `BODIES_PER_READ`). */
const EXPORT_BODIES_PER_READ = 8;

/** What a cursor position is made of. */
type RowKeyFields = Pick<DeliveryDocument, '_id' | 'createdAt' | 'status' | 'httpStatus'>;

/** An attempt and a delivery half way down a tenant's history (newest first), where deep cursors continue. */
export interface DeepRows {
  attempt: DeliveryAttemptDocument;
  delivery: DeliveryDocument;
}

export interface ShapeContext {
  history: TenantHistory;
  now: Date;
  /** Known once the history is seeded. */
  deepRows(): DeepRows;
}

/** One request of the public API, made as log-service makes it. */
export interface ApiQueryShape {
  name: string;
  run(logs: DeliveryLogs): Promise<unknown>;
}

type ListParams = Partial<ListLogsRequestMessage>;

/**
 * A cursor that continues a list after `row`: the first page's cursor with its position moved
 * deep into the history (as if every page before had been read), for the same list.
 */
function cursorAfter(firstPageCursor: string | null, row: RowKeyFields, sort: ListLogsRequestMessage['sort']): string {
  if (!firstPageCursor) throw new Error('the first page has no next_cursor: too little history');
  const { s: scope } = JSON.parse(Buffer.from(firstPageCursor, 'base64url').toString('utf8')) as { s: string };
  const primary = sort === 'status' ? row.status : sort === 'http_status' ? row.httpStatus : undefined;
  return encodeCursor({ page: 20_000, after: { ...(primary === undefined ? {} : { primary }), createdAt: row.createdAt, id: row._id } }, scope);
}

/** What log-service's `LogsHandler.get` reads for an attempt id, or for a delivery id (its latest attempt). */
async function detail(logs: DeliveryLogs, tenantId: string, id: string): Promise<unknown> {
  const attemptId = isAttemptId(id) ? id : (await logs.deliveries.find(tenantId, id))?.lastAttemptId;
  const attempt = attemptId ? await logs.attempts.find(tenantId, attemptId) : null;
  if (!attempt) throw new Error(`${id} is not seeded`);
  return Promise.all([
    logs.deliveries.find(tenantId, attempt.deliveryId),
    logs.attempts.ofDelivery(tenantId, attempt.deliveryId),
    logs.payloads.bodies(tenantId, [attempt.payloadId]),
  ]);
}

/**
 * Every kind of request the list, export, detail and statistics routes send to log-service, on
 * the seeded history: the benchmark's shapes, every sort, cursors near the top and deep in the
 * history, and the deepest page a page number reaches (page 400 of 25).
 */
export function apiQueryShapes(context: ShapeContext): ApiQueryShape[] {
  const { history, now } = context;
  const tenantId = history.tenantId;
  const [billing, billingEu, crm] = history.endpoints;
  const middleDelivery = 2 * Math.floor(history.deliveries / 4);
  const middleEvent = eventOfDelivery(middleDelivery);
  const request = (params: ListParams): ListLogsRequestMessage => ({
    tenantId,
    view: 'attempts',
    page: 1,
    perPage: 25,
    sort: 'created_at',
    order: 'desc',
    ...params,
  });
  const list = (name: string, params: ListParams): ApiQueryShape => ({ name, run: (logs) => logs.queries.list(request(params)) });
  /** The first page, then the page after it, then a page deep in the history. */
  const cursors = (name: string, params: ListParams): ApiQueryShape[] => {
    const deep = () => (params.view === 'deliveries' ? context.deepRows().delivery : context.deepRows().attempt);
    return [
      {
        name: `${name}: cursor to page 2`,
        run: async (logs) => logs.queries.list(request({ ...params, cursor: (await logs.queries.list(request(params))).nextCursor ?? undefined })),
      },
      {
        name: `${name}: cursor half way down the history`,
        run: async (logs) =>
          logs.queries.list(
            request({ ...params, cursor: cursorAfter((await logs.queries.list(request(params))).nextCursor, deep(), params.sort ?? 'created_at') }),
          ),
      },
    ];
  };
  const day = (daysAgo: number) => ({
    from: new Date(now.getTime() - daysAgo * DAY_MS).toISOString(),
    to: new Date(now.getTime() - (daysAgo - 1) * DAY_MS).toISOString(),
  });
  const q = (text: string, webhooks: string[] = []) => ({ q: text, qWebhookIds: webhooks });
  const byName = [billing.id, billingEu.id];
  const exportFilter = (filter: Partial<LogFilterMessage>) => ({ tenantId, ...filter, limit: 100 });
  const stats = (name: string, endpointId: string | undefined, hours: number): ApiQueryShape => ({
    name,
    run: (logs) => logs.rollups.windowStats(tenantId, endpointId, new Date(now.getTime() - hours * HOUR_MS), now),
  });
  const deliveryId = deliveryIdOf(tenantId, middleDelivery);
  const attemptId = `${deliveryId}_1`;

  return [
    list('newest page', {}),
    list('newest page of 100', { perPage: 100 }),
    list('one webhook', { webhookId: crm.id }),
    list('status=failed', { status: ['failed'] }),
    list('status=failed,retrying', { status: ['failed', 'retrying'] }),
    list('event, exact', { event: 'order.paid' }),
    list('event prefix', { event: 'order.' }),
    list('event prefix + status', { event: 'resume.', status: ['failed'] }),
    list('status_class=5xx', { statusClass: '5xx' }),
    list('status_class=4xx, sort=http_status', { statusClass: '4xx', sort: 'http_status', order: 'asc' }),
    list('one webhook + status', { webhookId: crm.id, status: ['failed'] }),
    list('one webhook + event prefix', { webhookId: crm.id, event: 'invoice.' }),
    list('one day a month ago', day(30)),
    list('one webhook, one day a month ago', { webhookId: crm.id, ...day(30) }),
    list('q = webhook names', q('Billing', byName)),
    list('q = webhook names + status', { ...q('Billing', byName), status: ['failed'] }),
    list('q = an event type', q('refund')),
    list('q = an identifier value', q(identifiersOf(tenantId, middleEvent).orderId)),
    list('q = an identifier value shared by a thousand attempts', q(identifiersOf(tenantId, middleEvent).batchId)),
    // Refused after a capped count: the other filters would read through the value's thousand matches.
    {
      name: 'q = an identifier value shared by a thousand attempts + status (refused)',
      run: async (logs) => {
        const refusal = await logs.queries
          .list(request({ ...q(identifiersOf(tenantId, middleEvent).batchId), status: ['failed'] }))
          .catch((error: unknown) => error);
        if (!(refusal instanceof LogQueryError) || refusal.parameter !== 'q') throw new Error(`expected q to be refused, got ${String(refusal)}`);
      },
    },
    list('q = an event id', q(eventIdOf(tenantId, middleEvent))),
    list('q = a delivery id', q(deliveryId)),
    list('q = an attempt id', q(attemptId)),
    list('sort=status', { sort: 'status', order: 'desc' }),
    list('sort=status ascending', { sort: 'status', order: 'asc' }),
    list('sort=status, one day a month ago', { sort: 'status', order: 'asc', ...day(30) }),
    list('sort=status on one webhook', { webhookId: crm.id, sort: 'status', order: 'asc' }),
    list('sort=http_status', { sort: 'http_status', order: 'desc' }),
    list('sort=http_status ascending', { sort: 'http_status', order: 'asc' }),
    list('page 400 of 25', { page: 400 }),
    list('page 400 of 25, one webhook', { page: 400, webhookId: crm.id }),
    list('page 400 of 25, sort=status', { page: 400, sort: 'status', order: 'desc' }),
    list('page 400 of 25, q = webhook names', { page: 400, ...q('Billing', byName) }),
    ...cursors('newest', {}),
    ...cursors('one webhook', { webhookId: crm.id }),
    ...cursors('status=failed', { status: ['failed'] }),
    ...cursors('event prefix', { event: 'order.' }),
    ...cursors('status_class=5xx', { statusClass: '5xx' }),
    ...cursors('sort=status', { sort: 'status', order: 'desc' }),
    ...cursors('sort=status ascending', { sort: 'status', order: 'asc' }),
    ...cursors('sort=http_status', { sort: 'http_status', order: 'desc' }),
    ...cursors('sort=http_status ascending', { sort: 'http_status', order: 'asc' }),
    ...cursors('q = webhook names', q('Billing', byName)),
    list('deliveries: newest page', { view: 'deliveries' }),
    list('deliveries: status=failed', { view: 'deliveries', status: ['failed'] }),
    list('deliveries: one webhook', { view: 'deliveries', webhookId: crm.id }),
    list('deliveries: event prefix', { view: 'deliveries', event: 'customer.' }),
    list('deliveries: status_class=5xx', { view: 'deliveries', statusClass: '5xx' }),
    list('deliveries: q = an identifier value', { view: 'deliveries', ...q(identifiersOf(tenantId, middleEvent).orderId) }),
    list('deliveries: sort=status', { view: 'deliveries', sort: 'status', order: 'asc' }),
    list('deliveries: page 400 of 25', { view: 'deliveries', page: 400 }),
    ...cursors('deliveries: newest', { view: 'deliveries' }),
    ...cursors('deliveries: sort=http_status', { view: 'deliveries', sort: 'http_status', order: 'desc' }),
    {
      name: 'export: first page, with the bodies of its rows',
      run: async (logs) => {
        // What log-service's LogsHandler.exportPage reads: the page, then its bodies a few rows at a time.
        const page = await logs.queries.exportPage(exportFilter({}));
        for (let start = 0; start < page.rows.length; start += EXPORT_BODIES_PER_READ) {
          const group = page.rows.slice(start, start + EXPORT_BODIES_PER_READ);
          await Promise.all([
            logs.payloads.bodies(
              tenantId,
              group.map((row) => row.payloadId),
            ),
            logs.attempts.responseBodies(
              tenantId,
              group.flatMap((row) => (row.response ? [row._id] : [])),
            ),
          ]);
        }
      },
    },
    { name: 'export: status=failed, first page', run: (logs) => logs.queries.exportPage(exportFilter({ status: ['failed'] })) },
    { name: 'export: one webhook, one day a month ago', run: (logs) => logs.queries.exportPage(exportFilter({ webhookId: crm.id, ...day(30) })) },
    {
      name: 'export: a page half way down the history',
      run: (logs) => logs.queries.exportPage({ ...exportFilter({}), after: logs.queries.exportCursorAfter(exportFilter({}), context.deepRows().attempt) }),
    },
    { name: 'detail of an attempt (attempt, delivery, timeline, payload)', run: (logs) => detail(logs, tenantId, attemptId) },
    { name: 'detail by a delivery id (its latest attempt)', run: (logs) => detail(logs, tenantId, deliveryId) },
    {
      name: 'failed deliveries of a webhook to recover, oldest first',
      run: (logs) => logs.deliveries.failedOfEndpoint(tenantId, crm.id, { from: new Date(now.getTime() - 30 * DAY_MS), to: now }, undefined, 100),
    },
    stats('stats: 24 hours', undefined, 24),
    stats('stats: 7 days', undefined, 7 * 24),
    stats('stats: 31 days', undefined, 31 * 24),
    stats('stats: one webhook, 7 days', crm.id, 7 * 24),
  ];
}
