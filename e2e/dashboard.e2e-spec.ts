import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { ApiClient, eventually, type HttpsReceiver } from '@wirehook/testing';
import type { Page } from 'playwright-core';
import { TestBrowser } from './support/browser';
import { RunningSystem } from './support/running-system';

/** What a hostile endpoint answers: markup that would run if the page rendered it as HTML. */
const HOSTILE_BODY = JSON.stringify({ error: 'database down', detail: '<img src=x onerror="window.__xss=1">' });
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
const STEP_TIMEOUT = { timeoutMs: 15_000, intervalMs: 200 };

/**
 * The dashboard as a user drives it: the whole system started with `npm start`, a tenant's
 * keys, an HTTPS receiver, and Chromium. The tests run in order and build on each other, as
 * one user's visit would.
 */
describe('the web dashboard in a browser', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let nc: NatsConnection;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let adminKey: string;
  let viewerKey: string;
  let ordersWebhookId = '';
  let billingUp = true;

  beforeAll(async () => {
    // First, so that a machine without Chromium fails at once, with the command that fixes it.
    browser = await TestBrowser.launch();
    page = browser.page;
    system = await RunningSystem.start('e2e-dashboard');
    ({ receiver, nc } = system);
    receiver.respondWith((request) =>
      request.path === '/hooks/billing' && !billingUp
        ? { status: 500, body: HOSTILE_BODY, headers: { 'content-type': 'application/json' } }
        : { status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } },
    );
    base = system.baseUrl;
    const { admin, viewer } = await system.tenant('acme');
    adminKey = admin.key as string;
    viewerKey = viewer.key as string;
    // A second endpoint, made through the API, that fails once its receiver goes down.
    const billing = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', {
      url: receiver.url('/hooks/billing'),
      events: ['invoice.*'],
      description: 'Billing sync',
      auth: { type: 'bearer', token: 'billing-token' },
      retry: { policy: 'none' },
    });
    await eventually(async () => (await admin.post(`/api/v1/webhooks/${billing.body.data.id}/test`, {})).status === 200, STEP_TIMEOUT);
    billingUp = false;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** The rows of the logs table once it shows rows that pass `check` (not while it reloads). */
  async function logRows(check: (rows: Array<{ status: string; text: string }>) => boolean) {
    return eventually(async () => {
      const rows = await page.locator('#logs-table tbody tr').evaluateAll((elements) =>
        elements.map((element) => ({ status: element.getAttribute('data-status') ?? '', text: element.textContent ?? '' })),
      );
      return rows.length > 0 && check(rows) ? rows : undefined;
    }, STEP_TIMEOUT);
  }

  it('serves the page with a strict Content-Security-Policy, and only its own files', async () => {
    expect(system.run.bannerValue('Dashboard')).toMatch(/^http:\/\/localhost:\d+\/$/);
    const html = await fetch(`${base}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toBe(CSP);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const script = await fetch(`${base}/dashboard/dashboard.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/dashboard/dashboard.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${base}/dashboard/dashboard.controller.js`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/..%2Fmain.js`)).status).toBe(404);
    const documented = Object.keys(((await (await fetch(`${base}/api/docs-json`)).json()) as { paths: Record<string, unknown> }).paths);
    expect(documented.filter((path) => path === '/' || path.startsWith('/dashboard'))).toEqual([]);
    expect(documented).toContain('/api/v1/deliveries');
  });

  it("signs in with a tenant key, after showing the API's message for a wrong one", async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill('whk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid or revoked API key' }).waitFor();
    await browser.screenshot('01-sign-in-error');

    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#webhooks-table').getByText('Billing sync').waitFor();
    expect(page.url()).not.toContain(adminKey);
    expect(await page.evaluate("sessionStorage.getItem('wirehook.apiKey')")).toBe(adminKey);
    expect(await page.locator('#read-only').isVisible()).toBe(false);
    await browser.screenshot('02-webhooks');
  });

  it('creates a webhook through the form and sends it a test event', async () => {
    await page.getByRole('link', { name: 'New webhook' }).click();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hooks/orders'));
    await page.getByLabel('Description', { exact: true }).fill('Orders CRM');
    await page.getByLabel('Events', { exact: true }).fill('order.*');
    await page.getByLabel('Method', { exact: true }).selectOption('bearer');
    await page.getByLabel('Bearer token', { exact: true }).fill('orders-token');
    await page.getByLabel('Retry policy', { exact: true }).selectOption('none');
    await browser.screenshot('03-webhook-form');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Orders CRM', level: 1 }).waitFor();
    ordersWebhookId = decodeURIComponent(/#\/webhooks\/([^/?]+)/.exec(page.url())?.[1] ?? '');
    expect(ordersWebhookId).toMatch(/^ep_/);

    // The dispatcher learns of a new endpoint within moments; until then a test send is refused.
    const result = await eventually(async () => {
      await page.getByRole('button', { name: 'Send test' }).click();
      const text = await page.locator('.result-slot > *').first().textContent();
      return text?.includes('Test event delivered') ? text : undefined;
    }, STEP_TIMEOUT);
    expect(result).toMatch(/HTTP 200 in \d/);
    expect(receiver.requestsTo('/hooks/orders').at(-1)?.headers.authorization).toBe('Bearer orders-token');
  });

  it('reveals the signing secret and rotates it after a confirmation', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const first = await page.locator('.secret').textContent();
    expect(first).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    await eventually(async () => {
      const current = await page.locator('.secret').textContent();
      return current !== first && current?.startsWith('whsec_');
    }, STEP_TIMEOUT);
    expect(await page.locator('.secret-output').textContent()).toContain('previous secret keeps signing until');
    await browser.screenshot('04-secret-rotated');
  });

  it('lists the delivery logs, filters them by status and searches them', async () => {
    const publisher = new WebhookEventPublisher(nc);
    for (let n = 1; n <= 3; n += 1) await publisher.publish('acme', { event: 'order.created', data: { order: n } });
    for (let n = 1; n <= 2; n += 1) await publisher.publish('acme', { event: 'invoice.paid', data: { invoice: n } });
    const viewer = new ApiClient(base, viewerKey);
    await eventually(async () => {
      const failed = await viewer.get<{ pagination: { total: number } }>('/api/v1/deliveries?status=failed');
      const delivered = await viewer.get<{ pagination: { total: number } }>('/api/v1/deliveries?status=success&event=order.created');
      return failed.body.pagination.total === 2 && delivered.body.pagination.total === 3;
    }, STEP_TIMEOUT);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delivery logs' }).click();
    const all = await logRows((rows) => rows.length >= 7);
    expect(new Set(all.map((row) => row.status))).toEqual(new Set(['success', 'failed']));

    await page.getByRole('checkbox', { name: 'failed' }).click();
    const failed = await logRows((rows) => rows.every((row) => row.status === 'failed'));
    expect(failed).toHaveLength(2);
    expect(failed.every((row) => row.text.includes('Billing sync') && row.text.includes('invoice.paid') && row.text.includes('500'))).toBe(true);
    await browser.screenshot('05-logs-failed');

    await page.getByRole('checkbox', { name: 'failed' }).click();
    // Ticking a box applies at once and redraws the form: wait for that before typing.
    await logRows((rows) => rows.some((row) => row.status === 'success'));
    await page.getByLabel('Search', { exact: true }).fill('billing');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    const found = await logRows((rows) => rows.every((row) => row.text.includes('Billing sync')));
    expect(found).toHaveLength(3);
    expect(page.url()).toContain('q=billing');

    await page.getByRole('radio', { name: 'Deliveries' }).click();
    await eventually(async () => (await page.locator('#logs-table').getAttribute('data-view')) === 'deliveries', STEP_TIMEOUT);
    await logRows((rows) => rows.length === 3);
    await browser.screenshot('06-logs-deliveries-search');
    await page.setViewportSize({ width: 390, height: 844 });
    await browser.screenshot('07-logs-phone');
    // On a phone the page fits the screen; only the table scrolls sideways, in its own box.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('shows a failed attempt in full, with the hostile response body as text', async () => {
    await page.getByRole('radio', { name: 'Attempts' }).click();
    await eventually(async () => (await page.locator('#logs-table').getAttribute('data-view')) === 'attempts', STEP_TIMEOUT);
    await page.getByRole('checkbox', { name: 'failed' }).click();
    await logRows((rows) => rows.length === 2 && rows.every((row) => row.status === 'failed'));
    await page.locator('#logs-table tbody tr a').first().click();

    const body = page.getByTestId('response-body');
    await body.waitFor();
    expect(await body.textContent()).toContain('<img src=x onerror=\\"window.__xss=1\\">');
    const authorization = page.getByTestId('request-headers').locator('tr[data-header="authorization"] td');
    expect(await authorization.textContent()).toBe('[redacted]');
    expect(await page.locator('main').textContent()).not.toContain('billing-token');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    expect(await page.getByTestId('attempt-error').textContent()).toContain('http_status');
    await browser.screenshot('08-log-detail-failed');
  });

  it('retries the failed delivery by hand once the endpoint is back', async () => {
    billingUp = true;
    await page.getByRole('button', { name: 'Retry now' }).click();
    const result = page.getByTestId('attempt-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Retry delivered.*HTTP 200/);
    // The page shows the new attempt in the timeline once log-service stored it.
    await eventually(async () => (await page.locator('.timeline-item').count()) === 2, STEP_TIMEOUT);
    expect(await page.locator('.timeline-item').last().textContent()).toMatch(/Attempt #2.*success.*manual/);
    await browser.screenshot('09-log-detail-retried');
  });

  it("shows a webhook's statistics and exports the logs", async () => {
    await page.goto(`${base}/#/webhooks/${encodeURIComponent(ordersWebhookId)}`);
    const attempts = page.locator('.tile').filter({ hasText: 'Attempts' }).locator('.tile-value');
    await eventually(async () => Number(await attempts.textContent()) >= 4, STEP_TIMEOUT);
    expect(await page.locator('svg.chart rect.chart-ok').count()).toBeGreaterThan(0);
    await browser.screenshot('10-webhook-detail-stats');

    await page.goto(`${base}/#/logs?status=failed`);
    await logRows((rows) => rows.length >= 1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,created_at,webhook_id/);
    expect(csv).toContain('invoice.paid');
    expect(csv).not.toContain('order.created');
  });

  it('edits a webhook without touching its stored token, pauses and resumes it', async () => {
    await page.goto(`${base}/#/webhooks/${encodeURIComponent(ordersWebhookId)}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description', { exact: true }).fill('Orders CRM v2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Orders CRM v2', level: 1 }).waitFor();
    const stored = await new ApiClient(base, adminKey).get<{ data: { auth: { type: string } } }>(`/api/v1/webhooks/${ordersWebhookId}`);
    expect(stored.body.data.auth.type).toBe('bearer');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.page-header .badge').filter({ hasText: 'Paused' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.page-header .badge').filter({ hasText: 'Active' }).waitFor();
  });

  it('changes the retention policy', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).click();
    await page.getByLabel('Keep successful deliveries (days)').fill('7');
    await page.getByLabel('Keep failed deliveries (days)').fill('30');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await eventually(async () => (await page.locator('#retention-source').textContent())?.includes("tenant's own policy"), STEP_TIMEOUT);
    expect(await page.locator('.tile-value').allTextContents()).toEqual(['7 days', '30 days']);
    await browser.screenshot('11-retention');
  });

  it('signs out, and shows a viewer key only what it may do', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await page.getByLabel('API key').fill(viewerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${base}/#/webhooks`);
    await page.locator('#webhooks-table').getByText('Billing sync').waitFor();
    expect(await page.locator('#read-only').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'New webhook' }).count()).toBe(0);
    await page.goto(`${base}/#/webhooks/${encodeURIComponent(ordersWebhookId)}`);
    await page.getByRole('link', { name: 'View logs' }).waitFor();
    for (const name of ['Send test', 'Pause', 'Resume', 'Delete', 'Reveal secret', 'Rotate secret']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    await browser.screenshot('12-viewer-read-only');

    // A change asked for anyway, from an address typed by hand, is refused by the API and said so.
    await page.goto(`${base}/#/webhooks/new`);
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hooks/viewer'));
    await page.getByLabel('Events', { exact: true }).fill('order.*');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not allowed with this API key' }).waitFor();
  });

  it('ran without script errors or Content-Security-Policy refusals', () => {
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });
});
