import { randomBytes } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { KvBucketNames, encodeMessage, endpointConfigKey } from '@wirehook/contracts';
import { eventually, type ApiClient, type HttpsReceiver, type ReceivedRequest } from '@wirehook/testing';
import { TestBrowser } from './support/browser';
import { RunningSystem } from './support/running-system';

/** Long enough for a loaded machine; each wait ends as soon as its condition holds. */
const CHANGE_TIMEOUT = { timeoutMs: 30_000, intervalMs: 500 };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 12 item 1: every configuration change, `null` included, reaches the dispatcher and
 * the next delivery; a configuration the dispatcher cannot apply is loud. Item 6: the API
 * docs work in a browser under their Content-Security-Policy.
 */
describe('configuration hardening, checked at a receiver', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let admin: ApiClient;
  let probes = 0;

  beforeAll(async () => {
    system = await RunningSystem.start('e2e-configuration-hardening');
    ({ receiver } = system);
    ({ admin } = await system.tenant('acme'));
  });

  afterAll(async () => {
    await system?.stop();
  });

  const dataOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { data: { probe?: string } }).data;
  const deliveredProbe = (probe: string) => receiver.requests.find((request) => dataOf(request).probe === probe);

  /** Publishes one event for the webhook and returns the request it led to. */
  async function deliver(event: string): Promise<ReceivedRequest> {
    const probe = `p${(probes += 1)}-${randomBytes(4).toString('hex')}`;
    await system.publisher.publish('acme', { event, data: { probe } });
    return eventually(() => deliveredProbe(probe), CHANGE_TIMEOUT);
  }

  /**
   * Sends events until one shows the change (config-api replicates it asynchronously), then
   * checks that the next delivery shows it too: the change applies, and stays applied.
   */
  async function expectApplied(event: string, applied: (request: ReceivedRequest) => boolean): Promise<ReceivedRequest> {
    await eventually(async () => applied(await deliver(event)), CHANGE_TIMEOUT);
    const next = await deliver(event);
    expect(applied(next)).toBe(true);
    return next;
  }

  async function patch(id: string, body: Record<string, unknown>): Promise<void> {
    const answer = await admin.request('PATCH', `/api/v1/webhooks/${id}`, body);
    expect({ body, status: answer.status, answer: answer.status === 200 ? 'ok' : answer.body }).toEqual({ body, status: 200, answer: 'ok' });
  }

  it('applies every change of URL, auth, headers and active state to the next delivery, including changes made with null', async () => {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', {
      url: receiver.url('/hardening/one'),
      events: ['change.*'],
      description: 'before',
      auth: { type: 'bearer', token: 'OLD-TOKEN' },
      headers: { 'X-Team': 'one' },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const first = await deliver('change.created');
    expect(first.path).toBe('/hardening/one');
    expect(first.headers.authorization).toBe('Bearer OLD-TOKEN');

    // The report's case: a new URL and token together with a null description.
    await patch(id, { url: receiver.url('/hardening/two'), auth: { type: 'bearer', token: 'NEW-TOKEN' }, description: null });
    await expectApplied('change.url', (request) => request.path === '/hardening/two' && request.headers.authorization === 'Bearer NEW-TOKEN');

    await patch(id, { auth: { type: 'header', header_name: 'X-Webhook-Secret', header_value: 'S1' } });
    const headerAuth = await expectApplied('change.auth', (request) => request.headers['x-webhook-secret'] === 'S1');
    expect(headerAuth.headers.authorization).toBeUndefined();

    await patch(id, { auth: null, headers: { 'X-Team': 'two', 'X-Region': 'eu' } });
    const noAuth = await expectApplied('change.headers', (request) => request.headers['x-webhook-secret'] === undefined && request.headers['x-team'] === 'two');
    expect(noAuth.headers).toMatchObject({ 'x-region': 'eu' });
    expect(noAuth.headers.authorization).toBeUndefined();

    await patch(id, { headers: null, rate_limit: 50 });
    await expectApplied('change.headers', (request) => request.headers['x-team'] === undefined && request.headers['x-region'] === undefined);
    await patch(id, { rate_limit: null, url: receiver.url('/hardening/three') });
    await expectApplied('change.url', (request) => request.path === '/hardening/three');

    // Pausing: once the pause applies, events meanwhile reach only the other subscriber.
    const sentinel = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url('/hardening/sentinel'), events: ['change.*'] });
    expect(sentinel.status).toBe(201);
    const reached = (path: string, probe: string) => receiver.requestsTo(path).some((request) => dataOf(request).probe === probe);
    await eventually(async () => {
      const probe = `sentinel-${(probes += 1)}`;
      await system.publisher.publish('acme', { event: 'change.sentinel', data: { probe } });
      return eventually(() => reached('/hardening/sentinel', probe), { timeoutMs: 5000, intervalMs: 200 });
    }, CHANGE_TIMEOUT);
    await patch(id, { active: false });
    await eventually(async () => {
      const probe = `paused-${(probes += 1)}`;
      await system.publisher.publish('acme', { event: 'change.paused', data: { probe } });
      await eventually(() => reached('/hardening/sentinel', probe), CHANGE_TIMEOUT);
      // Both deliveries leave the fan-out together; give the paused one a moment to show up if it exists.
      await wait(500);
      return !reached('/hardening/three', probe);
    }, CHANGE_TIMEOUT);

    await patch(id, { active: true });
    await expectApplied('change.resumed', (request) => request.path === '/hardening/three');
  });

  it('reports a configuration entry the dispatcher cannot apply: error log, metric and readiness', async () => {
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url('/hardening/loud'), events: ['loud.*'] });
    const id = created.body.data.id;
    await deliver('loud.before');
    const dispatcher = `http://127.0.0.1:${system.port + 1}`;
    expect((await fetch(`${dispatcher}/health/ready`)).status).toBe(200);

    // What an older config-api wrote before the shared validation: a null description.
    const bucket = await new Kvm(system.nc).open(KvBucketNames.config);
    const key = endpointConfigKey('acme', id);
    const current = JSON.parse((await bucket.get(key))?.string() ?? '{}') as Record<string, unknown>;
    await bucket.put(key, encodeMessage({ ...current, description: null, revision: 1000 }));

    const ready = await eventually(async () => {
      const response = await fetch(`${dispatcher}/health/ready`);
      return response.status === 503
        ? ((await response.json()) as { error?: { configuration?: { rejected?: Array<{ key: string; problems: string[] }> } } })
        : undefined;
    }, CHANGE_TIMEOUT);
    expect(ready.error?.configuration?.rejected).toEqual([
      { key, problems: expect.arrayContaining([expect.stringContaining('description')]), at: expect.any(String) },
    ]);
    const metrics = (await (await fetch(`${dispatcher}/metrics`)).text()).split('\n');
    expect(metrics).toContain('wirehook_config_entries_rejected_total{kind="endpoint",app="dispatcher"} 1');
    expect(metrics).toContain('wirehook_config_entries_rejected{app="dispatcher"} 1');
    expect(system.run.output).toContain('rejected a configuration entry');
    // Deliveries go on with the configuration the dispatcher last applied.
    expect((await deliver('loud.during')).path).toBe('/hardening/loud');

    // The next change through the API is valid again and clears the report.
    await patch(id, { description: 'repaired' });
    await eventually(async () => (await fetch(`${dispatcher}/health/ready`)).status === 200, CHANGE_TIMEOUT);
    expect((await (await fetch(`${dispatcher}/metrics`)).text()).split('\n')).toContain('wirehook_config_entries_rejected{app="dispatcher"} 0');
  });

  it('serves the API docs under a CSP that Swagger UI works with in Chromium', async () => {
    const browser = await TestBrowser.launch();
    try {
      const response = await browser.page.goto(`${system.baseUrl}/api/docs`);
      expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(response?.headers()['x-frame-options']).toBe('DENY');
      expect(response?.headers()['x-powered-by']).toBeUndefined();
      await browser.page.getByText('/api/v1/webhooks', { exact: true }).first().waitFor();
      await browser.page.getByText('wirehook API').first().waitFor();
      expect(browser.cspViolations).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
