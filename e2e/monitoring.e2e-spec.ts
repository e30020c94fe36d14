import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { load } from 'js-yaml';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, HttpsReceiver, createTestCertificates, eventually, startTestServers, type TestServers } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import { AppProcess, appEnvironment, migrateDatabase, type AppName } from './support/app-process';
import { metricNames, metricsInPromQl, parseExposition, type Sample } from './support/prometheus-text';

const METRICS_TOKEN = 'e2e-monitoring-token-0123456789';
const APPS: AppName[] = ['config-api', 'dispatcher', 'log-service', 'retention-cron'];
const CHART_FILES = resolve(__dirname, '..', 'docker', 'helm', 'wirehook', 'files');
const EVENTS = 5;

interface RunningApp {
  process: AppProcess;
  port: number;
  metricsPort: number;
}

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{ alert: string; expr: string; for?: string; labels: { severity: string }; annotations: Record<string, string> }>;
  }>;
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/**
 * Monitoring (issue 19): the four apps run as processes with METRICS_PORT and METRICS_TOKEN,
 * real traffic goes through them, and their live /metrics must hold the new series with the
 * right labels; the alert rules and the Grafana dashboard may name only metrics the apps export.
 */
describe('monitoring: metrics after real traffic, the metrics port, alert rules and dashboard', () => {
  let servers: TestServers;
  let receiver: HttpsReceiver;
  let nc: NatsConnection;
  const apps = new Map<AppName, RunningApp>();
  let operator: ApiClient;
  let apiUrl: string;
  let webhookId: string;

  const scrape = async (app: AppName): Promise<Sample[]> => {
    const response = await fetch(`http://127.0.0.1:${apps.get(app)?.metricsPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect({ app, status: response.status }).toEqual({ app, status: 200 });
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    servers = await startTestServers('e2e-monitoring');
    await migrateDatabase(servers.mongoUri);
    const certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    const env = appEnvironment(servers, certificates.caFile, { METRICS_TOKEN, LOG_LEVEL: 'warn' });
    for (const app of APPS) {
      const port = await freePort();
      const metricsPort = await freePort();
      apps.set(app, { process: AppProcess.start(app, { ...env, PORT: String(port), METRICS_PORT: String(metricsPort) }), port, metricsPort });
    }
    await Promise.all([...apps.values()].map((app) => app.process.started()));
    nc = await connect({ servers: servers.natsUrl });
    apiUrl = `http://127.0.0.1:${apps.get('config-api')?.port}`;
    operator = new ApiClient(apiUrl, env.ADMIN_API_KEY);

    // Traffic: a tenant, a webhook, deliveries; and a 401, a 404 and a 400 along the way.
    expect((await operator.post('/api/v1/tenants', { id: 'watch', name: 'Watched' })).status).toBe(201);
    const admin = operator.withKey((await operator.post<{ data: { key: string } }>('/api/v1/tenants/watch/api-keys', { role: 'admin' })).body.data.key);
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url('/watch'), events: ['watch.*'] });
    expect(created.status).toBe(201);
    webhookId = created.body.data.id;
    expect((await admin.get(`/api/v1/webhooks/${webhookId}`)).status).toBe(200);
    expect((await fetch(`${apiUrl}/api/v1/webhooks`)).status).toBe(401);
    expect((await admin.get(`/api/v1/no-such-route/${webhookId}`)).status).toBe(404);
    expect((await admin.post('/api/v1/webhooks', { url: 'not a url', events: [] })).status).toBe(400);
    // The dispatcher learns of the webhook through the replicated configuration.
    await eventually(async () => (await admin.post(`/api/v1/webhooks/${webhookId}/test`, {})).status === 200, { timeoutMs: 30_000, intervalMs: 200 });
    const publisher = new WebhookEventPublisher(nc);
    for (let n = 0; n < EVENTS; n += 1) await publisher.publish('watch', { id: `watch-${n}`, event: 'watch.tick', data: { n } });
    await eventually(() => receiver.requests.length >= EVENTS + 1, { timeoutMs: 30_000 });
    await eventually(async () => (find(await scrape('log-service'), 'wirehook_attempt_records_written_total')?.value ?? 0) >= EVENTS + 1, {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all([...apps.values()].map((app) => app.process.stop()));
    await receiver?.stop();
    await servers?.stop();
  });

  it('counts config-api requests by route template and status, 401s, 404s and 400s included', async () => {
    const samples = await scrape('config-api');
    const requests = (method: string, route: string, status: string) => find(samples, 'wirehook_http_requests_total', { method, route, status })?.value;
    expect(requests('GET', '/api/v1/webhooks/:id', '200')).toBeGreaterThanOrEqual(1);
    expect(requests('GET', '/api/v1/webhooks', '401')).toBe(1);
    expect(requests('GET', 'unmatched', '404')).toBe(1);
    expect(requests('POST', '/api/v1/webhooks', '400')).toBe(1);
    expect(requests('POST', '/api/v1/webhooks', '201')).toBe(1);
    expect(requests('POST', '/api/v1/webhooks/:id/test', '200')).toBeGreaterThanOrEqual(1);
    const durations = find(samples, 'wirehook_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/webhooks/:id', status: '200' });
    expect(durations?.value).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'wirehook_http_request_duration_seconds_sum', { method: 'GET', route: '/api/v1/webhooks/:id', status: '200' })?.value).toBeGreaterThan(
      0,
    );
    // Bounded labels: no raw path, no id, anywhere.
    const routes = new Set(samples.filter((sample) => sample.name === 'wirehook_http_requests_total').map((sample) => sample.labels.route));
    expect([...routes].filter((route) => route.includes(webhookId) || route.includes('no-such-route'))).toEqual([]);
    // The endpoint-disabled consumer config-api owns.
    expect(
      find(samples, 'wirehook_jetstream_consumer_pending_messages', { stream: 'WEBHOOK_OPERATIONS', consumer: 'config-api-endpoint-disabled' })?.value,
    ).toBe(0);
  });

  it('reports the backlog of every consumer and the age of the oldest waiting delivery, 0 once all is delivered', async () => {
    const samples = await eventually(
      async () => {
        const scraped = await scrape('dispatcher');
        const waiting = scraped.filter((sample) => sample.name === 'wirehook_delivery_oldest_waiting_seconds');
        return waiting.length === 2 && waiting.every((sample) => sample.value === 0) ? scraped : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const [stream, consumer] of [
      ['WEBHOOK_EVENTS', 'dispatcher-fan-out'],
      ['WEBHOOK_DELIVERIES', 'dispatcher-deliveries'],
      ['WEBHOOK_DELIVERIES', 'dispatcher-retries'],
    ]) {
      expect({ consumer, pending: find(samples, 'wirehook_jetstream_consumer_pending_messages', { stream, consumer })?.value }).toEqual({
        consumer,
        pending: 0,
      });
      expect({ consumer, ackPending: find(samples, 'wirehook_jetstream_consumer_ack_pending_messages', { stream, consumer })?.value }).toEqual({
        consumer,
        ackPending: 0,
      });
    }
    expect(find(samples, 'wirehook_delivery_oldest_waiting_seconds', { stream: 'WEBHOOK_EVENTS', consumer: 'dispatcher-fan-out' })).toBeDefined();
    expect(find(samples, 'wirehook_delivery_oldest_waiting_seconds', { stream: 'WEBHOOK_DELIVERIES', consumer: 'dispatcher-deliveries' })).toBeDefined();
    expect(find(samples, 'wirehook_delivery_attempts_total', { status: 'success' })?.value).toBeGreaterThanOrEqual(EVENTS + 1);
    for (const reason of ['gone', 'failing']) expect(find(samples, 'wirehook_endpoints_disabled_total', { reason })?.value).toBe(0);
  });

  it('tells when log-service last wrote, and that every app is ready', async () => {
    const log = await scrape('log-service');
    const lastWrite = find(log, 'wirehook_log_last_write_timestamp_seconds')?.value ?? 0;
    expect(Math.abs(Date.now() / 1000 - lastWrite)).toBeLessThan(120);
    expect(find(log, 'wirehook_jetstream_consumer_pending_messages', { stream: 'WEBHOOK_ATTEMPTS', consumer: 'log-service-attempt-writer' })?.value).toBe(0);
    expect(find(await scrape('retention-cron'), 'wirehook_retention_last_success_timestamp_seconds')).toBeDefined();
    for (const app of APPS) expect({ app, ready: find(await scrape(app), 'wirehook_ready')?.value }).toEqual({ app, ready: 1 });
  });

  it('serves /metrics only on METRICS_PORT, with the token, and 404 on the main port', async () => {
    for (const [app, { port, metricsPort }] of apps) {
      const main = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect({ app, main: main.status }).toEqual({ app, main: 404 });
      expect(await main.text()).not.toContain('wirehook_');
      for (const authorization of [undefined, 'Bearer not-the-metrics-token-0000']) {
        const refused = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: authorization ? { authorization } : {} });
        expect({ app, authorization, status: refused.status }).toEqual({ app, authorization, status: 401 });
        expect(await refused.text()).not.toContain('wirehook_');
      }
      const elsewhere = await fetch(`http://127.0.0.1:${metricsPort}/health/ready`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect({ app, elsewhere: elsewhere.status }).toEqual({ app, elsewhere: 404 });
    }
  });

  describe('alert rules and dashboard name only exported metrics', () => {
    let exported: Set<string>;

    beforeAll(async () => {
      exported = new Set<string>();
      for (const app of APPS) for (const name of metricNames(await scrape(app))) exported.add(name);
    });

    it('parses the alert rules, each with severity, summary, description and a runbook entry, over exported metrics', () => {
      // The name extraction itself: a misspelt metric must come out as a name, functions and labels must not.
      expect(metricsInPromQl('histogram_quantile(0.95, sum by (le) (rate(wirehook_typo_bucket{job="x"}[5m]))) > 1e3 and on() absent(up)')).toEqual(
        new Set(['wirehook_typo', 'up']),
      );
      const rules = load(readFileSync(join(CHART_FILES, 'alert-rules.yaml'), 'utf8')) as RuleFile;
      const alerts = rules.groups.flatMap((group) => group.rules);
      expect(alerts.map((rule) => rule.alert).sort()).toEqual(
        [
          'WirehookAppAbsent',
          'WirehookAppNotReady',
          'WirehookConsumerLagGrowing',
          'WirehookDeliveriesFailing',
          'WirehookEndpointDisabled',
          'WirehookLogWritesStalled',
          'WirehookOldestDeliveryWaiting',
          'WirehookRetentionNotRun',
        ].sort(),
      );
      for (const rule of alerts) {
        expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
          alert: rule.alert,
          severity: expect.stringMatching(/^(info|warning|critical)$/),
        });
        expect(Object.keys(rule.annotations).sort()).toEqual(['description', 'runbook', 'summary']);
        expect(rule.annotations.runbook).toMatch(/^README, Runbook: /);
        const unknown = [...metricsInPromQl(rule.expr)].filter((name) => name !== 'up' && !exported.has(name));
        expect({ alert: rule.alert, unknown }).toEqual({ alert: rule.alert, unknown: [] });
      }
    });

    it('parses the Grafana dashboard, whose panels query exported metrics through the datasource variable', () => {
      const dashboard = JSON.parse(readFileSync(join(CHART_FILES, 'grafana-dashboard.json'), 'utf8')) as {
        schemaVersion: number;
        templating: { list: Array<{ name: string; type: string; query: string }> };
        panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
      };
      expect(dashboard.schemaVersion).toBe(39);
      expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
      expect(dashboard.panels.length).toBeGreaterThanOrEqual(9);
      for (const panel of dashboard.panels) {
        expect({ panel: panel.title, datasource: panel.datasource.uid }).toEqual({ panel: panel.title, datasource: '${datasource}' });
        const unknown = panel.targets.flatMap((target) => [...metricsInPromQl(target.expr)]).filter((name) => !exported.has(name));
        expect({ panel: panel.title, unknown }).toEqual({ panel: panel.title, unknown: [] });
      }
    });
  });
});
