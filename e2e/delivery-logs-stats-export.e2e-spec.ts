import type { AttemptLogView, AttemptRecordedMessage, LogStatsView } from '@wirehook/contracts';
import type { ApiClient } from '@wirehook/testing';
import {
  createWebhook,
  deliveryRecords,
  minute,
  publishAttempts,
  startLogsSystem,
  waitForAttempts,
  type AttemptSpec,
  type LogsSystem,
  type WebhookRef,
} from './support/delivery-log-fixtures';
import { attemptRows, expectedIds, queryString } from './support/delivery-log-oracle';

type StatsBody = { success: boolean; data: LogStatsView };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string[]> } };
const CSV_HEADER = 'id,created_at,webhook_id,webhook_name,url,event,event_id,delivery_id,attempt,trigger,status,http_status,duration_ms,error_code,error';
/** The stats window of the seeded data: three hours from 08:00. */
const WINDOW = { from: minute(0), to: minute(180) };
/** Rows in one export exceed its page size (500), with many sharing an instant, to walk the cursor across pages. */
const EXPORT_VOLUME = 520;

describe('delivery logs: statistics and exports through the public API', () => {
  let system: LogsSystem;
  let acme: ApiClient;
  let crm: WebhookRef;
  let billing: WebhookRef;
  let records: AttemptRecordedMessage[];

  beforeAll(async () => {
    system = await startLogsSystem('e2e-delivery-logs-stats-export');
    const acmeKeys = await system.tenant('acme');
    const globexKeys = await system.tenant('globex');
    acme = acmeKeys.viewer;
    crm = await createWebhook(acmeKeys.admin, 'CRM sync', 'https://127.0.0.1:9/hooks/crm');
    billing = await createWebhook(acmeKeys.admin, 'Billing', 'https://127.0.0.1:9/hooks/billing');
    const globexHook = await createWebhook(globexKeys.admin, 'Globex', 'https://127.0.0.1:9/hooks/globex');

    // CRM: 20 attempts 8 minutes apart (08:00 to 10:32), lasting 10, 20, ... 200 ms.
    const crmOutcomes: Array<[string, Omit<AttemptSpec, 'minute' | 'durationMs'>]> = [
      ...Array.from({ length: 8 }, (): [string, Omit<AttemptSpec, 'minute' | 'durationMs'>] => [
        'resume.bulk_upload_parse.started',
        { status: 'success', http: 200 },
      ]),
      ...Array.from({ length: 4 }, (): [string, Omit<AttemptSpec, 'minute' | 'durationMs'>] => ['transcript.created', { status: 'success', http: 200 }]),
      ...Array.from({ length: 4 }, (): [string, Omit<AttemptSpec, 'minute' | 'durationMs'>] => [
        'resume.bulk_upload_parse.failed',
        { status: 'failed', http: 500 },
      ]),
      ...Array.from({ length: 2 }, (): [string, Omit<AttemptSpec, 'minute' | 'durationMs'>] => [
        'invoice.paid',
        { status: 'retrying', http: null, errorCode: 'timeout' },
      ]),
      ...Array.from({ length: 2 }, (): [string, Omit<AttemptSpec, 'minute' | 'durationMs'>] => ['transcript.created', { status: 'failed', http: 404 }]),
    ];
    records = [
      ...crmOutcomes.flatMap(([event, outcome], index) =>
        deliveryRecords('acme', `c${index}`, crm, event, [{ ...outcome, minute: index * 8, durationMs: (index + 1) * 10 }]),
      ),
      // Billing: five slow successes in the 10:00 hour.
      ...Array.from({ length: 5 }, (_, index) =>
        deliveryRecords('acme', `p${index}`, billing, 'invoice.paid', [{ minute: 125 + index, status: 'success', http: 200, durationMs: 1000 }]),
      ).flat(),
      // After the window.
      ...Array.from({ length: 3 }, (_, index) =>
        deliveryRecords('acme', `late${index}`, crm, 'invoice.paid', [{ minute: 300 + index, status: 'failed', http: 503 }]),
      ).flat(),
      // The day before, four to an instant: the export volume.
      ...Array.from({ length: EXPORT_VOLUME }, (_, index) =>
        deliveryRecords('acme', `v${index}`, billing, 'audit.volume', [{ minute: -1440 + Math.floor(index / 4), status: 'success', http: 204 }]),
      ).flat(),
    ];
    const globexRecords = Array.from({ length: 4 }, (_, index) =>
      deliveryRecords('globex', `g${index}`, globexHook, 'invoice.paid', [{ minute: 10 + index, status: 'failed', http: 500 }]),
    ).flat();
    await publishAttempts(system.js, [...records, ...globexRecords]);
    await waitForAttempts(acme, records.length);
    await waitForAttempts(globexKeys.viewer, globexRecords.length);
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Exact averages; percentiles within the error the answer states. */
  function expectDurations(actual: LogStatsView['duration_ms'], exact: { avg: number; p50: number; p95: number; p99: number }): void {
    expect(actual.avg).toBe(exact.avg);
    expect(actual.percentile_error).toBeLessThanOrEqual(0.05);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      expect({ p, within: Math.abs((actual[p] as number) - exact[p]) <= exact[p] * actual.percentile_error }).toEqual({ p, within: true });
    }
  }

  async function stats(path: string, query: Record<string, string>): Promise<LogStatsView> {
    const answer = await acme.get<StatsBody>(`${path}${queryString(query)}`);
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.data;
  }

  async function exported(query: Record<string, string | undefined>): Promise<{ status: number; type: string | null; text: string }> {
    const response = await fetch(`${system.baseUrl}/api/v1/deliveries/export${queryString(query)}`, { headers: { authorization: `Bearer ${acme.key}` } });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }

  async function listTotal(query: Record<string, string | undefined>): Promise<number> {
    return (await acme.get<{ pagination: { total: number } }>(`/api/v1/deliveries${queryString({ ...query, per_page: '1' })}`)).body.pagination.total;
  }

  it("counts a tenant's window: totals, success rate, status classes, percentiles, top events and errors, hourly buckets", async () => {
    const { duration_ms: durations, buckets: bucketsWithP95, ...rest } = await stats('/api/v1/stats', WINDOW);
    // Nearest rank over 10..200 ms and five of 1000 ms, from a histogram within its stated error.
    expectDurations(durations, { avg: Math.round((2100 + 5000) / 25), p50: 130, p95: 1000, p99: 1000 });
    // p95 of each hour, nearest rank: 08:00 has 10..80 ms, 09:00 90..150 ms, 10:00 160..200 ms and five of 1000 ms.
    const exactP95 = [80, 150, 1000];
    expect(
      bucketsWithP95.map((bucket, index) => Math.abs((bucket.p95_ms as number) - exactP95[index]) <= exactP95[index] * durations.percentile_error),
    ).toEqual([true, true, true]);
    const tenant = { ...rest, buckets: bucketsWithP95.map(({ p95_ms: _p95, ...bucket }) => bucket) };
    expect(tenant).toEqual({
      window: WINDOW,
      totals: { attempts: 25, success: 17, failed: 6, retrying: 2 },
      success_rate: 17 / 25,
      by_status_class: { '2xx': 17, '3xx': 0, '4xx': 2, '5xx': 4, none: 2 },
      top_events: [
        { event: 'invoice.paid', count: 7 },
        { event: 'resume.bulk_upload_parse.started', count: 8 },
        { event: 'transcript.created', count: 6 },
        { event: 'resume.bulk_upload_parse.failed', count: 4 },
      ].sort((a, b) => b.count - a.count || a.event.localeCompare(b.event)),
      top_error_codes: [
        { code: 'http_status', count: 6 },
        { code: 'timeout', count: 2 },
      ],
      buckets: [
        { start: '2026-03-02T08:00:00.000Z', attempts: 8, success: 8 },
        { start: '2026-03-02T09:00:00.000Z', attempts: 7, success: 4 },
        { start: '2026-03-02T10:00:00.000Z', attempts: 10, success: 5 },
      ],
    });
  });

  it("counts one webhook's window, alone or as a filter of the tenant's", async () => {
    const one = await stats(`/api/v1/webhooks/${crm.id}/stats`, WINDOW);
    expect(one.totals).toEqual({ attempts: 20, success: 12, failed: 6, retrying: 2 });
    expectDurations(one.duration_ms, { avg: 105, p50: 100, p95: 190, p99: 200 });
    expect(one.success_rate).toBe(12 / 20);
    expect(await stats('/api/v1/stats', { ...WINDOW, webhook_id: crm.id })).toEqual(one);
  });

  it('answers an empty window with zeros and no rates, and refuses a bad window naming it', async () => {
    const empty = await stats('/api/v1/stats', { from: '2026-01-01T00:00:00Z', to: '2026-01-01T02:00:00Z' });
    expect(empty).toMatchObject({
      totals: { attempts: 0, success: 0, failed: 0, retrying: 0 },
      success_rate: null,
      duration_ms: { avg: null, p50: null, p95: null, p99: null },
      top_events: [],
      top_error_codes: [],
    });
    expect(empty.buckets.map((bucket) => [bucket.attempts, bucket.p95_ms])).toEqual([
      [0, null],
      [0, null],
    ]);

    for (const [query, field] of [
      [`from=${minute(10)}&to=${minute(5)}`, 'from'],
      ['from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
      ['to=soon', 'to'],
      ['bucket=day', 'bucket'],
    ]) {
      const answer = await acme.get<ErrorBody>(`/api/v1/stats?${query}`);
      expect({ query, status: answer.status, fields: Object.keys(answer.body.error.fields ?? {}) }).toEqual({ query, status: 400, fields: [field] });
    }
  });

  it('exports every attempt of a filter as NDJSON, oldest first, as many rows as the list counts, across export pages', async () => {
    const all = await exported({});
    expect(all.status).toBe(200);
    expect(all.type).toContain('application/x-ndjson');
    const rows = all.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AttemptLogView);
    expect(rows).toHaveLength(await listTotal({}));
    expect(rows).toHaveLength(records.length);
    expect(rows.map((row) => row.id)).toEqual(expectedIds(attemptRows(records), { sort: 'created_at' }));
    expect(rows[0]).toMatchObject({ event: 'audit.volume', webhook_id: billing.id, http_status: 204, request_payload: expect.any(Object) });

    for (const query of [
      { status: 'failed' },
      { webhook_id: crm.id, event: 'transcript.' },
      { from: minute(60), to: minute(130) },
      { event: 'invoice.paid', status: 'success,retrying', from: minute(0) },
    ]) {
      const ndjson = (await exported(query)).text.trimEnd().split('\n');
      const ids = expectedIds(attemptRows(records), { ...query, sort: 'created_at' });
      expect({ query, ids: ndjson.map((line) => (JSON.parse(line) as AttemptLogView).id) }).toEqual({ query, ids });
      expect({ query, total: await listTotal(query) }).toEqual({ query, total: ids.length });
    }
  });

  it('exports CSV with a header and one row per attempt, and an empty result as a header (CSV) or nothing (NDJSON)', async () => {
    const failed = await exported({ format: 'csv', status: 'failed' });
    expect(failed.status).toBe(200);
    expect(failed.type).toContain('text/csv');
    const lines = failed.text.split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines[lines.length - 1]).toBe('');
    expect(lines.slice(1, -1)).toHaveLength(await listTotal({ status: 'failed' }));
    expect(lines[1].split(',')).toEqual(expect.arrayContaining([crm.id, 'CRM sync', 'failed', '500', 'http_status', 'the endpoint answered HTTP 500']));

    const emptyCsv = await exported({ format: 'csv', event: 'no.such.event' });
    expect([emptyCsv.status, emptyCsv.text]).toEqual([200, `${CSV_HEADER}\r\n`]);
    const emptyNdjson = await exported({ event: 'no.such.event' });
    expect([emptyNdjson.status, emptyNdjson.text]).toEqual([200, '']);

    for (const query of ['format=xml', 'per_page=10', 'from=later']) {
      const answer = await fetch(`${system.baseUrl}/api/v1/deliveries/export?${query}`, { headers: { authorization: `Bearer ${acme.key}` } });
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
    }
  });
});
