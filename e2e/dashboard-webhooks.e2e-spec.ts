import { ApiClient, eventually, type HttpsReceiver } from '@wirehook/testing';
import type { Page } from 'playwright-core';
import { seriousAxeViolations } from './support/axe';
import { TestBrowser } from './support/browser';
import { RunningSystem } from './support/running-system';

/** config-api's DASHBOARD_CSP: own scripts and styles only, API calls to this origin, no framing. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
const STEP_TIMEOUT = { timeoutMs: 15_000, intervalMs: 250 };
const LONG_URL_PATH = `/hooks/${'a-very-long-path-segment-'.repeat(12)}end?tenant=acme&region=europe-west`;

/**
 * The webhook pages as a user drives them: the whole system started with `npm start`, a tenant's
 * keys, an HTTPS receiver, and Chromium. The tests run in order and build on each other, as one
 * user's visit would.
 */
describe('the dashboard: webhooks, in a browser', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let admin: ApiClient;
  let viewerKey: string;
  let ordersId = '';

  beforeAll(async () => {
    // First, so that a machine without Chromium fails at once, with the command that fixes it.
    browser = await TestBrowser.launch();
    page = browser.page;
    system = await RunningSystem.start('e2e-dashboard-webhooks');
    receiver = system.receiver;
    receiver.respondWith(() => ({ status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } }));
    base = system.baseUrl;
    const keys = await system.tenant('acme');
    admin = keys.admin;
    viewerKey = keys.viewer.key as string;
    // A webhook with a very long URL and many events, made through the API: the list must not scroll sideways for it.
    const long = await admin.post('/api/v1/webhooks', {
      url: receiver.url(LONG_URL_PATH),
      events: ['invoice.paid', 'invoice.created', 'customer.subscription.updated', 'customer.subscription.deleted', 'order.*'],
      description: 'Billing sync with a name long enough to wrap on a phone screen',
    });
    expect(long.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /**
   * The serious accessibility problems axe finds on each page visited, in the light and the dark
   * color scheme, by page and scheme; checked at the end, so one problem does not hide the others.
   */
  const accessibility: Record<string, string[]> = {};

  async function checkAccessibility(name: string): Promise<void> {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      accessibility[`${name} (${colorScheme})`] = await seriousAxeViolations(page);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  async function expectNoSidewaysScroll(width: number): Promise<void> {
    await page.setViewportSize({ width, height: 900 });
    const sizes = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect({ width, fits: sizes.scroll <= sizes.client, ...sizes }).toMatchObject({ width, fits: true });
  }

  function heading(name: string) {
    return page.getByRole('heading', { name, level: 1 });
  }

  it('serves the page with the strict Content-Security-Policy and its assets hashed and cached for good', async () => {
    const html = await fetch(`${base}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toBe(CSP);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await html.text();
    // No inline script or style attribute, which the CSP would refuse anyway.
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(text).not.toMatch(/\sstyle=/);
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(text)?.[1];
    expect(script).toMatch(/^\/assets\/[A-Za-z0-9_-]+-[A-Za-z0-9_-]{8}\.js$/);
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('refuses a wrong key with a message, then signs in with the admin key', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill('whk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This API key is not valid').waitFor();

    await page.getByLabel('API key').fill(admin.key as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Webhooks').waitFor();
    await page.getByRole('link', { name: 'Billing sync with a name long enough to wrap on a phone screen', exact: true }).waitFor();
    expect(page.url()).not.toContain(admin.key as string);
    await checkAccessibility('list');
    await browser.screenshot('webhooks-01-list');
    for (const width of [1280, 1920]) await expectNoSidewaysScroll(width);
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('creates a webhook through the form and sends it a test event', async () => {
    await page.getByRole('link', { name: 'New webhook' }).click();
    await heading('New webhook').waitFor();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hooks/orders'));
    await page.getByLabel('Description', { exact: true }).fill('Orders CRM');
    await page.getByLabel('Events', { exact: true }).fill('order.*');
    await page.getByLabel('Method', { exact: true }).selectOption('bearer');
    await page.getByLabel('Bearer token', { exact: true }).fill('orders-token');
    await page.getByLabel('Retry policy', { exact: true }).selectOption('none');
    await checkAccessibility('new webhook form');
    await browser.screenshot('webhooks-02-form');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await heading('Orders CRM').waitFor();
    ordersId = decodeURIComponent(/#\/webhooks\/([^/?]+)/.exec(page.url())?.[1] ?? '');
    expect(ordersId).toMatch(/^ep_/);

    // The dispatcher learns of a new endpoint within moments; until then a test send is refused.
    const result = await eventually(async () => {
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.locator('[data-testid="test-result"], .webhook-notice-bad[role="alert"]').first().waitFor();
      const text = await page
        .locator('[data-testid="test-result"]')
        .textContent({ timeout: 500 })
        .catch(() => null);
      return text?.includes('Test event delivered') ? text : undefined;
    }, STEP_TIMEOUT);
    expect(result).toMatch(/HTTP 200 in \d/);
    expect(receiver.requestsTo('/hooks/orders').at(-1)?.headers.authorization).toBe('Bearer orders-token');
  });

  it('reveals the signing secret and rotates it after a confirmation', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const secret = page.getByTestId('secret');
    const first = await eventually(async () => (await secret.textContent())?.match(/^whsec_/)?.input, STEP_TIMEOUT);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    await eventually(async () => {
      const current = await secret.textContent();
      return current !== first && current?.startsWith('whsec_');
    }, STEP_TIMEOUT);
    await page.getByText(/The previous secret keeps signing until/).waitFor();
  });

  it('shows the endpoint health and the statistics of the test send, with charts that say what they show', async () => {
    const attempts = page.locator('.tile').filter({ hasText: 'Attempts' }).locator('dd');
    await eventually(async () => {
      if (Number(await attempts.textContent()) >= 1) return true;
      await page.reload();
      return undefined;
    }, STEP_TIMEOUT);
    // Health reads the logs apart from the statistics: wait for it too.
    const streak = await eventually(async () => {
      const text = await page.getByTestId('failure-streak').textContent();
      return text === '…' ? undefined : text;
    }, STEP_TIMEOUT);
    expect(streak).toBe('No failures since the last success');
    expect(await page.getByTestId('last-success').textContent()).toMatch(/\d{4}/);
    const p95 = page.getByRole('img', { name: 'p95 duration per hour' });
    expect(await p95.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.locator('svg.webhook-chart rect.webhook-chart-ok').count()).toBeGreaterThan(0);

    await page.getByLabel('Window', { exact: true }).selectOption('7d');
    await eventually(async () => page.url().includes('window=7d'), STEP_TIMEOUT);
    await eventually(async () => Number(await attempts.textContent()) >= 1, STEP_TIMEOUT);
    await checkAccessibility('webhook detail');
    await browser.screenshot('webhooks-03-detail');
  });

  it('edits the webhook without touching its stored token', async () => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await heading('Edit webhook').waitFor();
    await page.getByLabel('Description', { exact: true }).fill('Orders CRM v2');
    await checkAccessibility('edit webhook form');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await heading('Orders CRM v2').waitFor();
    const stored = await admin.get<{ data: { auth: { type: string }; description: string } }>(`/api/v1/webhooks/${ordersId}`);
    expect(stored.body.data).toMatchObject({ description: 'Orders CRM v2', auth: { type: 'bearer' } });

    // The token still sent is the one typed at creation.
    const before = receiver.requestsTo('/hooks/orders').length;
    await eventually(async () => {
      await page.getByRole('button', { name: 'Send test' }).click();
      const text = await page
        .getByTestId('test-result')
        .textContent({ timeout: 2000 })
        .catch(() => null);
      return text?.includes('Test event delivered') ? text : undefined;
    }, STEP_TIMEOUT);
    expect(receiver.requestsTo('/hooks/orders').length).toBeGreaterThan(before);
    expect(receiver.requestsTo('/hooks/orders').at(-1)?.headers.authorization).toBe('Bearer orders-token');
  });

  it('pauses and resumes the webhook', async () => {
    const header = page.locator('.page-header');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await header.locator('.webhook-badge').filter({ hasText: 'Paused' }).waitFor();
    expect((await admin.get<{ data: { active: boolean } }>(`/api/v1/webhooks/${ordersId}`)).body.data.active).toBe(false);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await header.locator('.webhook-badge').filter({ hasText: 'Active' }).waitFor();
    expect((await admin.get<{ data: { active: boolean } }>(`/api/v1/webhooks/${ordersId}`)).body.data.active).toBe(true);
  });

  it('replays in the page the events published while the webhook was paused, and follows the replay to its end', async () => {
    const header = page.locator('.page-header');
    // The window starts a minute before the pause, in the browser's time (the form's datetime-local is to the minute).
    const from = await page.evaluate<string>('new Date(Date.now() - 60_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16)');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await header.locator('.webhook-badge').filter({ hasText: 'Paused' }).waitFor();
    const ids = ['evt_paused_1', 'evt_paused_2', 'evt_paused_3'];
    for (const id of ids) {
      expect((await admin.post('/api/v1/events', { id, event: 'order.created', data: { mark: id } })).status).toBe(202);
    }
    const carrying = (path: string) => receiver.requestsTo(path).filter((request) => ids.some((id) => request.body.includes(`"${id}"`)));
    // The billing webhook takes order.* too: once it has the three, they have been fanned out, and the paused one got none.
    await eventually(async () => carrying(LONG_URL_PATH).length === 3, STEP_TIMEOUT);
    expect(carrying('/hooks/orders')).toEqual([]);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await header.locator('.webhook-badge').filter({ hasText: 'Active' }).waitFor();

    const card = page.getByRole('region', { name: 'Replay events' });
    await card.getByLabel('From', { exact: true }).fill(from);
    await card.getByRole('button', { name: 'Replay events' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay these events?' });
    expect(await dialog.textContent()).toMatch(/to now that Orders CRM v2 is subscribed to now is sent to its endpoint again/);
    await dialog.getByRole('button', { name: 'Start replay' }).click();

    const replay = card.getByTestId('replay').first();
    await eventually(async () => (await replay.getAttribute('data-state')) === 'completed', STEP_TIMEOUT);
    expect(await replay.locator('dl').textContent()).toMatch(/^Events scanned\d+Matched3Deliveries queued3$/);
    expect(await replay.getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(await card.getByRole('button', { name: 'Cancel replay' }).count()).toBe(0);
    await eventually(async () => carrying('/hooks/orders').length === 3, STEP_TIMEOUT);
    expect(new Set(carrying('/hooks/orders').map((request) => request.headers['webhook-id'])).size).toBe(3);
    await checkAccessibility('webhook with a replay');
    await browser.screenshot('webhooks-04-replay');
  });

  it('fits a 390 px wide phone without sideways scrolling, on the list and on a webhook', async () => {
    await expectNoSidewaysScroll(390);
    await browser.screenshot('webhooks-04-detail-phone');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await heading('Webhooks').waitFor();
    await page.getByRole('link', { name: 'Orders CRM v2', exact: true }).waitFor();
    await expectNoSidewaysScroll(390);
    await checkAccessibility('list at 390 px');
    await browser.screenshot('webhooks-05-list-phone');
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('shows a viewer key everything but no control that changes something', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(viewerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Webhooks').waitFor();
    await page.getByRole('link', { name: 'Orders CRM v2', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'New webhook' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Orders CRM v2', exact: true }).click();
    await heading('Orders CRM v2').waitFor();
    await page.locator('.tile').first().waitFor();
    for (const name of [
      'Send test',
      'Pause',
      'Resume',
      'Delete',
      'Reveal secret',
      'Rotate secret',
      'Count failed deliveries',
      'Replay events',
      'Cancel replay',
    ]) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    // The replay of the admin's visit, without its form.
    expect(await page.getByTestId('replay').first().getAttribute('data-state')).toBe('completed');
    expect(await page.getByLabel('From', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'View logs' }).getAttribute('href')).toBe(`#/logs?webhook_id=${ordersId}`);
    await checkAccessibility('webhook detail as viewer');
    await browser.screenshot('webhooks-06-viewer');

    await page.goto(`${base}/#/webhooks/new`);
    await heading('Read only').waitFor();
    expect(await page.getByText('cannot create webhooks').count()).toBe(1);
    expect(await page.getByLabel('URL', { exact: true }).count()).toBe(0);
    await page.goto(`${base}/#/webhooks/${encodeURIComponent(ordersId)}/edit`);
    await heading('Read only').waitFor();
    await checkAccessibility('edit as viewer (read only)');
  });

  it('has no serious accessibility problem on any of these pages, light or dark', () => {
    expect(Object.keys(accessibility)).toHaveLength(16);
    expect(Object.entries(accessibility).filter(([, violations]) => violations.length > 0)).toEqual([]);
  });

  it('ran without script errors or Content-Security-Policy refusals', () => {
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });
});
