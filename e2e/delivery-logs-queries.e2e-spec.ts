import type { AttemptLogView, AttemptRecordedMessage, DeliveryLogView, LogDetailView, LogPagination } from '@wirehook/contracts';
import type { ApiClient } from '@wirehook/testing';
import {
  createWebhook,
  deliveryIdOf,
  deliveryRecords,
  minute,
  publishAttempts,
  startLogsSystem,
  waitForAttempts,
  type LogsSystem,
  type WebhookRef,
} from './support/delivery-log-fixtures';
import { attemptRows, deliveryRows, expectedIds, queryString, type LogQuery } from './support/delivery-log-oracle';

type ListBody = { success: boolean; data: Array<AttemptLogView & DeliveryLogView>; pagination: LogPagination };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string[]> } };
const VIEWS = ['attempts', 'deliveries'] as const;
const SORTS = ['created_at', '-created_at', 'status', 'status:desc', 'http_status', '-http_status', 'created_at:asc'];

describe('delivery logs: filters, sorts, pages and tenants through the public API', () => {
  let system: LogsSystem;
  let acme: ApiClient;
  let globex: ApiClient;
  let crm: WebhookRef;
  let billing: WebhookRef;
  let globexCrm: WebhookRef;
  let acmeRecords: AttemptRecordedMessage[];
  let globexRecords: AttemptRecordedMessage[];

  beforeAll(async () => {
    system = await startLogsSystem('e2e-delivery-logs-queries');
    const acmeKeys = await system.tenant('acme');
    const globexKeys = await system.tenant('globex');
    acme = acmeKeys.viewer;
    globex = globexKeys.viewer;
    crm = await createWebhook(acmeKeys.admin, 'CRM sync (prod)', 'https://127.0.0.1:9/hooks/crm');
    billing = await createWebhook(acmeKeys.admin, 'Billing [eu]', 'https://127.0.0.1:9/hooks/billing.v2');
    globexCrm = await createWebhook(globexKeys.admin, 'CRM sync (prod)', 'https://127.0.0.1:9/hooks/globex');
    acmeRecords = [
      ...deliveryRecords('acme', 'a1', crm, 'resume.bulk_upload_parse.started', [{ minute: 0, status: 'success', http: 200 }]),
      ...deliveryRecords('acme', 'a2', crm, 'resume.bulk_upload_parse.failed', [
        { minute: 1, status: 'retrying', http: 503 },
        { minute: 2, status: 'retrying', http: null },
        { minute: 3, status: 'failed', http: 500, responseBody: 'TypeError: cannot read properties of undefined' },
      ]),
      ...deliveryRecords('acme', 'a3', billing, 'transcript.created', [{ minute: 4, status: 'failed', http: 404 }]),
      ...deliveryRecords('acme', 'a4', billing, 'resume.bulk_upload_parse.completed', [{ minute: 5, status: 'failed', http: 302 }]),
      ...deliveryRecords('acme', 'a5', billing, 'transcript.created', [
        { minute: 6, status: 'retrying', http: 429 },
        { minute: 7, status: 'success', http: 201, trigger: 'manual' },
      ]),
      ...deliveryRecords('acme', 'a6', crm, 'invoice.paid', [{ minute: 8, status: 'retrying', http: null, errorCode: 'timeout' }]),
      ...deliveryRecords('acme', 'a7', billing, 'resumed.thing', [{ minute: 9, status: 'success', http: 200 }]),
      // A run of deliveries to page through, two of them at the same instant.
      ...Array.from({ length: 23 }, (_, index) =>
        deliveryRecords('acme', `b${index}`, crm, 'bulk.item', [{ minute: 20 + Math.min(index, 21), status: 'success', http: 200 }]),
      ).flat(),
    ];
    globexRecords = [
      ...deliveryRecords('globex', 'g1', globexCrm, 'resume.bulk_upload_parse.started', [{ minute: 0, status: 'success', http: 200 }]),
      ...deliveryRecords('globex', 'g2', globexCrm, 'resume.bulk_upload_parse.failed', [{ minute: 1, status: 'failed', http: 500 }]),
    ];
    await publishAttempts(system.js, [...acmeRecords, ...globexRecords]);
    await waitForAttempts(acme, acmeRecords.length);
    await waitForAttempts(globex, globexRecords.length);
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function list(path: string, query: Record<string, string | number | undefined>): Promise<ListBody> {
    const answer = await acme.get<ListBody>(`${path}${queryString(query)}`);
    if (answer.status !== 200) throw new Error(`${path}${queryString(query)} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** The rows the oracle expects for a query of a view. */
  function expected(query: LogQuery, records = acmeRecords): string[] {
    return expectedIds(query.view === 'deliveries' ? deliveryRows(records) : attemptRows(records), query);
  }

  /** Filters name webhooks by their description; the ids exist only once the test runs. */
  const withIds = (filter: LogQuery): LogQuery => (filter.webhook_id === 'billing' ? { ...filter, webhook_id: billing.id } : filter);

  const FILTERS: LogQuery[] = [
    {},
    { status: 'failed' },
    { status: 'failed,retrying' },
    { status: 'pending' },
    { status_class: '2xx' },
    { status_class: '3xx' },
    { status_class: '4xx' },
    { status_class: '5xx' },
    { event: 'resume.' },
    { event: 'resume.*' },
    { event: 'transcript.created' },
    { event: 'resume' },
    { from: minute(3), to: minute(7) },
    { from: minute(20) },
    { to: minute(2) },
    { to: '2026-03-02' },
    { to: '2026-03-01' },
    { q: 'billing' },
    { q: 'CRM SYNC' },
    { q: '/hooks/crm' },
    { q: 'transcript' },
    { webhook_id: 'billing' },
    { webhook_id: 'billing', status: 'failed' },
    { webhook_id: 'billing', event: 'transcript.created' },
    { webhook_id: 'billing', event: 'resume.', status: 'failed,success' },
    { status: 'failed', event: 'resume.' },
    { status_class: '4xx', from: minute(4) },
    { event: 'transcript.', from: minute(5) },
    { status: 'success,retrying', q: 'crm', from: minute(0), to: minute(25) },
    { status: 'retrying', event: 'invoice.paid', q: 'prod' },
    { webhook_id: 'billing', q: 'transcript' },
  ];

  /** Combinations no index serves together: refused naming the parameter to change, never answered by a scan. */
  const REFUSED: Array<[LogQuery, string]> = [
    [{ webhook_id: 'billing', status_class: '4xx' }, 'status_class'],
    [{ status: 'failed', status_class: '5xx' }, 'status_class'],
    [{ event: 'resume.', status_class: '5xx' }, 'status_class'],
    [{ status_class: '4xx', q: 'billing' }, 'q'],
    [{ status_class: '2xx', q: 'transcript' }, 'q'],
    [{ status_class: '2xx', sort: 'status' }, 'sort'],
    [{ webhook_id: 'billing', sort: 'http_status' }, 'sort'],
    [{ status: 'failed', sort: '-http_status' }, 'sort'],
    [{ event: 'transcript.created', sort: 'http_status' }, 'sort'],
  ];

  it('answers each filter and each combination with exactly the matching rows and a correct total, in both views', async () => {
    for (const view of VIEWS) {
      for (const filter of FILTERS) {
        const query = { ...withIds(filter), view };
        const ids = expected(query);
        const answer = await list('/api/v1/deliveries', { ...query, per_page: 100 });
        expect({ query, ids: answer.data.map((row) => row.id) }).toEqual({ query, ids });
        expect(answer.pagination).toEqual({
          current_page: 1,
          per_page: 100,
          total: ids.length,
          last_page: Math.max(1, Math.ceil(ids.length / 100)),
          total_exact: true,
          has_more: false,
          next_cursor: null,
        });
      }
    }
    // The cases are not vacuous: only these select nothing, and the others mostly select different rows.
    expect(FILTERS.filter((filter) => expected(withIds(filter)).length === 0)).toEqual([{ status: 'pending' }, { event: 'resume' }, { to: '2026-03-01' }]);
    expect(new Set(FILTERS.map((filter) => expected(withIds(filter)).join())).size).toBeGreaterThan(FILTERS.length - 12);
  });

  it('refuses filter combinations no index serves, naming the parameter to change and what to do instead', async () => {
    for (const view of VIEWS) {
      for (const [filter, parameter] of REFUSED) {
        const query = { ...withIds(filter), view };
        const answer = await acme.get<ErrorBody>(`/api/v1/deliveries${queryString(query)}`);
        expect({ query, status: answer.status, fields: Object.keys(answer.body.error?.fields ?? {}) }).toEqual({ query, status: 400, fields: [parameter] });
        expect(answer.body.error.message).toContain(parameter);
      }
    }
  });

  it('sorts by time, status and HTTP status, ascending and descending, in both views and on one webhook', async () => {
    for (const view of VIEWS) {
      for (const sort of [undefined, ...SORTS]) {
        const all = await list('/api/v1/deliveries', { view, sort, per_page: 100 });
        expect({ view, sort, ids: all.data.map((row) => row.id) }).toEqual({ view, sort, ids: expected({ view, sort }) });
        if (sort?.includes('http_status')) continue;
        const one = await list(`/api/v1/webhooks/${billing.id}/logs`, { view, sort, status: 'failed,success' });
        expect({ view, sort, ids: one.data.map((row) => row.id) }).toEqual({
          view,
          sort,
          ids: expected({ view, sort, webhook_id: billing.id, status: 'failed,success' }),
        });
      }
    }
    // Newest first by default; descending is the exact reverse of ascending.
    const byStatus = (await list('/api/v1/deliveries', { sort: 'http_status', per_page: 100 })).data.map((row) => row.http_status);
    expect(byStatus.slice(0, 2)).toEqual([null, null]);
    expect(byStatus[byStatus.length - 1]).toBe(503);
  });

  it('pages without gaps or overlaps and reports the total and last page, also past the end and when nothing matches', async () => {
    const query = { event: 'bulk.item', per_page: 10 };
    const pages = await Promise.all([1, 2, 3, 4].map((page) => list('/api/v1/deliveries', { ...query, page })));
    expect(pages.map((page) => page.data.length)).toEqual([10, 10, 3, 0]);
    expect(pages.map(({ pagination: { next_cursor: _cursor, ...pagination } }) => pagination)).toEqual(
      [1, 2, 3, 4].map((page) => ({ current_page: page, per_page: 10, total: 23, last_page: 3, total_exact: true, has_more: page < 3 })),
    );
    expect(pages.flatMap((page) => page.data.map((row) => row.id))).toEqual(expected({ event: 'bulk.item' }));

    const nothing = await acme.get<ListBody>('/api/v1/deliveries?event=no.such.event');
    expect(nothing.status).toBe(200);
    expect(nothing.body).toEqual({
      success: true,
      data: [],
      pagination: { current_page: 1, per_page: 25, total: 0, last_page: 1, total_exact: true, has_more: false, next_cursor: null },
    });

    const defaults = await list('/api/v1/deliveries', {});
    expect(defaults.data).toHaveLength(25);
    expect(defaults.pagination).toMatchObject({
      current_page: 1,
      per_page: 25,
      total: acmeRecords.length,
      last_page: Math.ceil(acmeRecords.length / 25),
      has_more: true,
    });
    expect((await list('/api/v1/deliveries', { per_page: 1 })).data.map((row) => row.id)).toEqual(expected({}).slice(0, 1));
    expect((await list('/api/v1/deliveries', { per_page: 100 })).data).toHaveLength(acmeRecords.length);
  });

  it('walks every sort and view with cursors, matching the page numbers row for row', async () => {
    for (const view of VIEWS) {
      for (const sort of [undefined, ...SORTS]) {
        const ids: string[] = [];
        const pages: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await list('/api/v1/deliveries', { view, sort, per_page: 4, cursor });
          ids.push(...page.data.map((row) => row.id));
          pages.push(page.pagination.current_page);
          cursor = page.pagination.next_cursor ?? undefined;
          expect(page.pagination.has_more).toBe(cursor !== undefined);
        } while (cursor);
        expect({ view, sort, ids }).toEqual({ view, sort, ids: expected({ view, sort }) });
        expect(pages).toEqual(pages.map((_, index) => index + 1));
      }
    }
    // A q search walks its merged matches the same way.
    const searched: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list('/api/v1/deliveries', { q: 'billing', per_page: 2, cursor });
      searched.push(...page.data.map((row) => row.id));
      cursor = page.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(searched).toEqual(expected({ q: 'billing' }));
  });

  it('refuses a bad cursor, a cursor of another list or tenant, pages past the bound and long search text, naming the parameter', async () => {
    const first = await list('/api/v1/deliveries', { per_page: 2 });
    const cursor = first.pagination.next_cursor as string;
    const globexAnswer = await globex.get<ErrorBody>(`/api/v1/deliveries?per_page=2&cursor=${cursor}`);
    expect([globexAnswer.status, Object.keys(globexAnswer.body.error.fields ?? {})]).toEqual([400, ['cursor']]);
    const cases: Array<[string, string]> = [
      ['cursor=garbage', 'cursor'],
      [`cursor=${cursor}&status=failed`, 'cursor'],
      [`cursor=${cursor}&sort=status`, 'cursor'],
      [`cursor=${cursor}&page=2`, 'page'],
      [`cursor=${'x'.repeat(600)}`, 'cursor'],
      ['page=101&per_page=100', 'cursor'],
      ['page=401', 'cursor'],
      [`q=${'a'.repeat(201)}`, 'q'],
    ];
    for (const [query, field] of cases) {
      const answer = await acme.get<ErrorBody>(`/api/v1/deliveries?${query}`);
      expect({ query, status: answer.status, fields: Object.keys(answer.body.error?.fields ?? {}) }).toEqual({ query, status: 400, fields: [field] });
      expect(answer.body.error.message).toContain(field);
    }
    expect((await acme.get<ListBody>('/api/v1/deliveries?page=100&per_page=100')).status).toBe(200);
  });

  it('refuses out-of-range, malformed and unknown parameters with a 400 naming each of them', async () => {
    const cases: Array<[string, string[]]> = [
      ['per_page=0', ['per_page']],
      ['per_page=101', ['per_page']],
      ['per_page=x', ['per_page']],
      ['page=0', ['page']],
      ['page=1.5', ['page']],
      ['status=lost', ['status']],
      ['status_class=6xx', ['status_class']],
      ['sort=name', ['sort']],
      ['view=table', ['view']],
      ['from=yesterday', ['from']],
      ['to=2026-13-40', ['to']],
      [`from=${minute(10)}&to=${minute(1)}`, ['from']],
      ['webhook_id=not-an-id', ['webhook_id']],
      ['colour=blue', ['colour']],
      ['per_page=500&limit=5', ['per_page', 'limit']],
    ];
    for (const [query, names] of cases) {
      for (const path of ['/api/v1/deliveries', `/api/v1/webhooks/${crm.id}/logs`]) {
        const answer = await acme.get<ErrorBody>(`${path}?${query}`);
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        for (const name of names) {
          expect({ query, message: answer.body.error.message }).toEqual({ query, message: expect.stringContaining(name) });
          expect({ query, fields: Object.keys(answer.body.error.fields ?? {}) }).toEqual({ query, fields: expect.arrayContaining([name]) });
        }
      }
    }
    // A webhook route lists the webhook of its path; another one in the query is a mistake.
    const misplaced = await acme.get<ErrorBody>(`/api/v1/webhooks/${crm.id}/logs?webhook_id=${billing.id}`);
    expect([misplaced.status, Object.keys(misplaced.body.error.fields ?? {})]).toEqual([400, ['webhook_id']]);
  });

  it('treats search text as text, never as a pattern', async () => {
    const cases: Array<[string, number]> = [
      ['.*', 0],
      ['(', expected({ q: 'crm' }).length],
      ['(PROD)', expected({ q: 'crm' }).length],
      ['[eu]', expected({ q: 'billing' }).length],
      ['[', expected({ q: 'billing' }).length],
      ['billing.v2', expected({ q: 'billing' }).length],
      ['billingXv2', 0],
      ['^CRM', 0],
      ['crm$', 0],
      ['\\', 0],
      ['a|b', 0],
      ['x{2}', 0],
      ['?', 0],
    ];
    for (const [q, count] of cases) {
      for (const view of VIEWS) {
        const answer = await list('/api/v1/deliveries', { q, view, per_page: 100 });
        const ids = expected({ q, view });
        expect({ q, view, ids: answer.data.map((row) => row.id), total: answer.pagination.total }).toEqual({ q, view, ids, total: ids.length });
        if (view === 'attempts') expect({ q, total: answer.pagination.total }).toEqual({ q, total: count });
      }
    }
  });

  it("keeps tenants apart: another tenant's webhooks and logs answer 404 and never appear in a list", async () => {
    const globexAttempt = `${deliveryIdOf('g2')}_1`;
    for (const path of [
      `/api/v1/webhooks/${globexCrm.id}/logs`,
      `/api/v1/deliveries?webhook_id=${globexCrm.id}`,
      `/api/v1/logs/${globexAttempt}`,
      `/api/v1/logs/${deliveryIdOf('g2')}`,
      `/api/v1/webhooks/${globexCrm.id}/stats`,
      `/api/v1/stats?webhook_id=${globexCrm.id}`,
      `/api/v1/deliveries/export?webhook_id=${globexCrm.id}`,
    ]) {
      expect({ path, status: (await acme.get(path)).status }).toEqual({ path, status: 404 });
    }
    expect((await globex.get(`/api/v1/logs/${globexAttempt}`)).status).toBe(200);

    for (const view of VIEWS) {
      const same = await list('/api/v1/deliveries', { q: 'CRM sync (prod)', view, per_page: 100 });
      expect(same.data.length).toBeGreaterThan(0);
      expect(new Set(same.data.map((row) => row.webhook_id))).toEqual(new Set([crm.id]));
      const theirs = (await globex.get<ListBody>(`/api/v1/deliveries${queryString({ view, per_page: 100 })}`)).body;
      expect(theirs.data.map((row) => row.id)).toEqual(expected({ view }, globexRecords));
    }
  });

  it('shows one row per delivery with its retry count and current state, and one row per attempt', async () => {
    const delivery = (await list('/api/v1/deliveries', { view: 'deliveries', event: 'resume.bulk_upload_parse.failed' })).data;
    expect(delivery).toEqual([
      expect.objectContaining({
        id: deliveryIdOf('a2'),
        webhook_id: crm.id,
        webhook_name: 'CRM sync (prod)',
        url: crm.url,
        event: 'resume.bulk_upload_parse.failed',
        identifiers: { label: 'a2' },
        status: 'failed',
        attempts: 3,
        retry_count: 2,
        http_status: 500,
        last_error: 'the endpoint answered HTTP 500',
        last_attempt_id: `${deliveryIdOf('a2')}_3`,
        next_attempt_at: null,
        created_at: minute(1),
      }),
    ]);
    const retrying = (await list('/api/v1/deliveries', { view: 'deliveries', event: 'invoice.paid' })).data[0];
    expect(retrying).toMatchObject({ status: 'retrying', attempts: 1, retry_count: 0, http_status: null, next_attempt_at: minute(13) });

    const attempts = (await list('/api/v1/deliveries', { event: 'resume.bulk_upload_parse.failed', sort: 'created_at' })).data;
    expect(attempts.map((row) => [row.attempt, row.status, row.http_status, row.error_code])).toEqual([
      [1, 'retrying', 503, 'http_status'],
      [2, 'retrying', null, 'connection_refused'],
      [3, 'failed', 500, 'http_status'],
    ]);
    expect(attempts[2]).toMatchObject({
      delivery_id: deliveryIdOf('a2'),
      response_body: 'TypeError: cannot read properties of undefined',
      request_payload: { event: 'resume.bulk_upload_parse.failed', timestamp: minute(1), tenantId: 'acme', data: { label: 'a2' } },
    });
  });

  it('shows an attempt in full with the timeline of its delivery, by attempt id or by delivery id', async () => {
    const answer = await acme.get<{ success: boolean; data: LogDetailView }>(`/api/v1/logs/${deliveryIdOf('a2')}_2`);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({
      id: `${deliveryIdOf('a2')}_2`,
      attempt: 2,
      status: 'retrying',
      http_status: null,
      error_code: 'connection_refused',
      error: expect.stringContaining('ECONNREFUSED'),
      response: null,
      request: { method: 'POST', url: crm.url, headers: expect.objectContaining({ authorization: '[redacted]' }) },
      delivery: { id: deliveryIdOf('a2'), status: 'failed', attempts: 3, next_attempt_at: null, created_at: minute(1) },
    });
    expect(answer.body.data.timeline.map((entry) => [entry.attempt, entry.status, entry.http_status])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', null],
      [3, 'failed', 500],
    ]);
    const latest = await acme.get<{ data: LogDetailView }>(`/api/v1/logs/${deliveryIdOf('a2')}`);
    expect(latest.status).toBe(200);
    expect(latest.body.data).toMatchObject({
      id: `${deliveryIdOf('a2')}_3`,
      attempt: 3,
      response: { status: 500, body: 'TypeError: cannot read properties of undefined' },
    });
    expect((await acme.get<ErrorBody>('/api/v1/logs/msg_nope_1')).status).toBe(404);
  });
});
