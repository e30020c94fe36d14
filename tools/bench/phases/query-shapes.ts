import type { DeliveryStatus, ListLogsRequestMessage, LogStatsView, LogView, LogsPage, StatusClass } from '@wirehook/contracts';
import type { DeliveryLogs } from '@wirehook/delivery-logs';
import { SEED_EVENT_TYPES, seedEventOf, seedOrderIdOf, seedTimeOf, type SeedEndpoint } from './seed-records';

const DAY_MS = 24 * 60 * 60 * 1000;
const PER_PAGE = 25;
/** config-api's rows per export page: a window of this many attempts is exported in one page. */
const EXPORT_ROWS = 100;
/** Rows whose bodies log-service reads at once while it fills an export page (its `BODIES_PER_READ`). */
const EXPORT_BODIES_PER_READ = 8;

/** The query tenant's seeded history, as the shapes need it. */
export interface SeededLogs {
  tenantId: string;
  endpoints: SeedEndpoint[];
  /** Attempt records planned (their times are spread by this) and actually seeded (the newest ones). */
  planned: number;
  seeded: number;
  /** When the newest record was made. */
  now: number;
  /** Ids of seeded attempts spread over the history, for the detail. */
  attemptIds: string[];
}

/** One request of a shape: its path on the public API, and the same request made through the library. */
export interface ShapeRequest {
  path: string;
  /** What the request finds, read on the benchmark's own monitored connection; keys as {@link QueryShape.keysOf} gives them. */
  replay(logs: DeliveryLogs): Promise<string[]>;
}

export interface QueryShape {
  name: string;
  /** Whether the answer has rows (lists, exports) to count, rather than one document (detail, stats). */
  hasRows: boolean;
  /** Fetched once, untimed, before the samples; its answer is the `previous` of the first sample. */
  prepare?: ShapeRequest;
  request(sample: number, previous: unknown): ShapeRequest;
  /** What an answer found: row ids, or the one figure of a statistics answer. */
  keysOf(body: unknown): string[];
}

interface ListParams {
  webhookRoute?: string;
  status?: DeliveryStatus;
  statusClass?: StatusClass;
  event?: string;
  q?: string;
  cursor?: string;
  view?: LogView;
}

const listKeys = (body: unknown): string[] => (body as LogsPage<{ id: string }>).data.map((row) => row.id);

/**
 * A list request as a user sends it and as config-api hands it to log-service (its `toRequest`
 * and search resolution: `q` is matched against the webhooks' names and URLs first).
 */
function listRequest(seeded: SeededLogs, params: ListParams): ShapeRequest {
  const query = new URLSearchParams({ per_page: String(PER_PAGE) });
  if (params.status) query.set('status', params.status);
  if (params.statusClass) query.set('status_class', params.statusClass);
  if (params.event) query.set('event', params.event);
  if (params.q) query.set('q', params.q);
  if (params.view) query.set('view', params.view);
  if (params.cursor) query.set('cursor', params.cursor);
  const route = params.webhookRoute ? `/api/v1/webhooks/${params.webhookRoute}/logs` : '/api/v1/deliveries';
  const lower = params.q?.toLowerCase();
  const message: ListLogsRequestMessage = {
    tenantId: seeded.tenantId,
    webhookId: params.webhookRoute,
    status: params.status && [params.status],
    statusClass: params.statusClass,
    event: params.event,
    q: params.q,
    qWebhookIds:
      lower === undefined
        ? undefined
        : seeded.endpoints
            .filter((endpoint) => endpoint.name.toLowerCase().includes(lower) || endpoint.url.toLowerCase().includes(lower))
            .map((endpoint) => endpoint.id),
    view: params.view ?? 'attempts',
    page: 1,
    perPage: PER_PAGE,
    cursor: params.cursor,
    sort: 'created_at',
    order: 'desc',
  };
  return {
    path: `${route}?${query}`,
    replay: async (logs) => (await logs.queries.list(message)).rows.map((row) => row._id),
  };
}

function listShape(name: string, seeded: SeededLogs, params: (sample: number) => ListParams): QueryShape {
  return { name, hasRows: true, keysOf: listKeys, request: (sample) => listRequest(seeded, params(sample)) };
}

/** Newest page, then each sample the page after the previous one (back to page 2 at the end). */
function cursorShape(seeded: SeededLogs): QueryShape {
  let second: string | undefined;
  return {
    name: 'cursor, pages 2..N',
    hasRows: true,
    keysOf: listKeys,
    prepare: listRequest(seeded, {}),
    request(sample, previous) {
      const next = (previous as LogsPage<unknown>).pagination.next_cursor ?? second;
      if (!next) throw new Error('the newest page has no next_cursor: too few attempts seeded');
      if (sample === 0) second = next;
      return listRequest(seeded, { cursor: next });
    },
  };
}

function detailShape(seeded: SeededLogs): QueryShape {
  const { tenantId, attemptIds } = seeded;
  return {
    name: 'detail (attempt, timeline, payload)',
    hasRows: false,
    keysOf: (body) => [(body as { data: { id: string } }).data.id],
    request(sample) {
      const id = attemptIds[(sample * 7) % attemptIds.length];
      return {
        path: `/api/v1/logs/${id}`,
        // What log-service's LogsHandler.get reads for an attempt id.
        async replay(logs) {
          const attempt = await logs.attempts.find(tenantId, id);
          if (!attempt) return [];
          await Promise.all([
            logs.deliveries.find(tenantId, attempt.deliveryId),
            logs.attempts.ofDelivery(tenantId, attempt.deliveryId),
            logs.payloads.bodies(tenantId, [attempt.payloadId]),
          ]);
          return [attempt._id];
        },
      };
    },
  };
}

function statsShape(name: string, seeded: SeededLogs, windowMs: number): QueryShape {
  const to = new Date(seeded.now);
  const from = new Date(seeded.now - windowMs);
  return {
    name,
    hasRows: false,
    keysOf: (body) => [String((body as { data: LogStatsView }).data.totals.attempts)],
    request: () => ({
      path: `/api/v1/stats?from=${from.toISOString()}&to=${to.toISOString()}`,
      replay: async (logs) => [String((await logs.rollups.windowStats(seeded.tenantId, undefined, from, to)).attempts)],
    }),
  };
}

/** A window holding exactly one export page of attempts, somewhere in the history. */
function exportShape(seeded: SeededLogs): QueryShape {
  const events = seedEventOf(seeded.seeded - 1) + 1;
  const perPage = EXPORT_ROWS / 2;
  return {
    name: `export page (${EXPORT_ROWS} rows, CSV)`,
    hasRows: true,
    // The CSV's first column is the attempt id.
    keysOf: (body) =>
      String(body)
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.slice(0, line.indexOf(','))),
    request(sample) {
      const newest = (sample * 53) % Math.max(1, events - perPage);
      // Both attempts of an event share its time: the window holds `perPage` events.
      const to = new Date(seedTimeOf(newest * 2, seeded.planned, seeded.now)).toISOString();
      const from = new Date(seedTimeOf((newest + perPage - 1) * 2, seeded.planned, seeded.now)).toISOString();
      return {
        path: `/api/v1/deliveries/export?format=csv&from=${from}&to=${to}`,
        // What config-api asks for and log-service's LogsHandler.exportPage reads: the page, then
        // the bodies of its rows a few rows at a time (all of them, when the rows fit one reply).
        async replay(logs) {
          const page = await logs.queries.exportPage({ tenantId: seeded.tenantId, from, to, limit: EXPORT_ROWS });
          for (let start = 0; start < page.rows.length; start += EXPORT_BODIES_PER_READ) {
            const group = page.rows.slice(start, start + EXPORT_BODIES_PER_READ);
            await Promise.all([
              logs.payloads.bodies(
                seeded.tenantId,
                group.map((row) => row.payloadId),
              ),
              logs.attempts.responseBodies(
                seeded.tenantId,
                group.flatMap((row) => (row.response ? [row._id] : [])),
              ),
            ]);
          }
          return page.rows.map((row) => row._id);
        },
      };
    },
  };
}

/** The query shapes the benchmark measures, over the seeded history of one tenant. */
export function queryShapes(seeded: SeededLogs): QueryShape[] {
  const [billing] = seeded.endpoints;
  const events = seedEventOf(seeded.seeded - 1) + 1;
  const webhook = (sample: number) => seeded.endpoints[sample % seeded.endpoints.length].id;
  return [
    listShape('newest page', seeded, () => ({})),
    listShape('one webhook', seeded, (sample) => ({ webhookRoute: webhook(sample) })),
    listShape('status=failed', seeded, () => ({ status: 'failed' })),
    listShape(`event prefix (${SEED_EVENT_TYPES[0].split('.')[0]}.)`, seeded, () => ({ event: `${SEED_EVENT_TYPES[0].split('.')[0]}.` })),
    listShape('status_class=5xx', seeded, () => ({ statusClass: '5xx' })),
    listShape(`q = a webhook name (${billing.name.split(' ')[0]})`, seeded, () => ({ q: billing.name.split(' ')[0] })),
    listShape('q = an identifier value', seeded, (sample) => ({ q: seedOrderIdOf((sample * 97) % events) })),
    cursorShape(seeded),
    listShape('deliveries view, newest page', seeded, () => ({ view: 'deliveries' })),
    detailShape(seeded),
    statsShape('stats, 24 h', seeded, DAY_MS),
    statsShape('stats, 7 days', seeded, 7 * DAY_MS),
    exportShape(seeded),
  ];
}
