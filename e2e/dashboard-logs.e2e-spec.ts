import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiClient, eventually, type HttpsReceiver } from '@wirehook/testing';
import type { Page } from 'playwright-core';
import { seriousAxeViolations } from './support/axe';
import { TestBrowser } from './support/browser';
import { RunningSystem } from './support/running-system';

/** What a hostile endpoint answers: markup that would run if the page rendered it as HTML. */
const HOSTILE_BODY = JSON.stringify({ error: 'database down', detail: '<img src=x onerror="window.__xss=1">' });
/** A receiver path long enough to push a table sideways if the page let it. */
const LONG_PATH = `/hooks/shipping/${'warehouse-eu-central-1-'.repeat(6)}dispatch?tenant=acme&region=eu-central`;
const STEP_TIMEOUT = { timeoutMs: 20_000, intervalMs: 200 };
/** `WIREHOOK_SCREENSHOTS=docs` writes the README's screenshots (docs/dashboard-logs.png, docs/dashboard-attempt.png). */
// eslint-disable-next-line no-restricted-properties -- a switch for a person refreshing the README's pictures, not configuration
const SCREENSHOTS = process.env['WIREHOOK_SCREENSHOTS'];
const SCREENSHOT_DIR = SCREENSHOTS ? resolve(SCREENSHOTS) : undefined;

type ListBody = { data: Array<{ id: string; status: string }>; pagination: { total: number } };

/**
 * The delivery log pages as a user drives them: the whole system started with `npm start`, a
 * tenant with three webhooks (one of which fails with a hostile body), and Chromium. The tests
 * run in order and build on each other, as one user's visit would.
 */
describe('the delivery logs in the dashboard', () => {
  let system: RunningSystem;
  let receiver: HttpsReceiver;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let admin: ApiClient;
  let viewer: ApiClient;
  let billingUp = true;

  beforeAll(async () => {
    // First, so that a machine without Chromium fails at once, with the command that fixes it.
    browser = await TestBrowser.launch();
    page = browser.page;
    system = await RunningSystem.start('e2e-dashboard-logs');
    receiver = system.receiver;
    receiver.respondWith((request) =>
      request.path === '/hooks/billing' && !billingUp
        ? { status: 500, body: HOSTILE_BODY, headers: { 'content-type': 'application/json' } }
        : { status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } },
    );
    base = system.baseUrl;
    ({ admin, viewer } = await system.tenant('acme'));
    const webhooks: Array<[string, string, string[], Record<string, unknown>]> = [
      ['Orders CRM', '/hooks/orders', ['order.*'], {}],
      ['Billing sync', '/hooks/billing', ['invoice.*'], { auth: { type: 'bearer', token: 'billing-token' }, retry: { policy: 'none' } }],
      ['Shipping updates', LONG_PATH, ['shipment.*'], {}],
    ];
    for (const [description, path, events, extra] of webhooks) {
      const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url(path), events, description, ...extra });
      // The dispatcher learns of a new endpoint within moments; until then a test send is refused.
      await eventually(async () => (await admin.post(`/api/v1/webhooks/${created.body.data.id}/test`, {})).status === 200, STEP_TIMEOUT);
    }
    billingUp = false;
    for (let n = 1; n <= 3; n += 1) {
      await system.publisher.publish('acme', { event: 'order.created', data: { order: n }, identifiers: { orderId: `order-${n}` }, source: 'orders-service' });
    }
    for (let n = 1; n <= 2; n += 1) {
      await system.publisher.publish('acme', {
        event: 'invoice.paid',
        data: { invoice: n },
        identifiers: { invoiceId: `inv-${n}` },
        source: 'billing-service',
      });
    }
    await system.publisher.publish('acme', { event: 'shipment.dispatched', data: { parcel: 'P-1' }, identifiers: { parcelId: 'P-1' } });
    await eventually(async () => {
      const failed = await viewer.get<ListBody>('/api/v1/deliveries?status=failed');
      const all = await viewer.get<ListBody>('/api/v1/deliveries?status=success');
      return failed.body.pagination.total === 2 && all.body.pagination.total === 7;
    }, STEP_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** The rows of the logs table once it is not loading and its rows pass `check`. */
  async function logRows(check: (rows: Array<{ status: string; text: string; id: string }>) => boolean) {
    return eventually(async () => {
      if ((await page.locator('.logs-table-wrap[aria-busy="false"]').count()) === 0) return undefined;
      const rows = await page.locator('#logs-table tbody tr').evaluateAll((elements) =>
        elements.map((element) => ({
          status: element.getAttribute('data-status') ?? '',
          id: element.getAttribute('data-log-id') ?? '',
          text: element.textContent ?? '',
        })),
      );
      return rows.length > 0 && check(rows) ? rows : undefined;
    }, STEP_TIMEOUT);
  }

  /** The page's serious accessibility problems in the light and the dark scheme. */
  async function axeInBothSchemes(): Promise<string[]> {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await seriousAxeViolations(page)).map((violation) => `${colorScheme}: ${violation}`));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    return found;
  }

  async function horizontalOverflow(): Promise<number> {
    return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  }

  async function screenshotForReadme(name: string) {
    if (!SCREENSHOT_DIR) return;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    // Let the focus ring and the row arrival highlight fade, as a reader would see the page.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.waitForTimeout(3500);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  }

  it('signs in and lists every attempt, with the webhook, its URL, the error and the identifiers', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(admin.key as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delivery logs' }).click();
    const rows = await logRows((found) => found.length >= 9);
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['success', 'failed']));
    const failed = rows.filter((row) => row.status === 'failed');
    expect(failed).toHaveLength(2);
    for (const text of ['Billing sync', receiver.url('/hooks/billing'), 'invoice.paid', '500', 'invoiceId=inv-']) {
      expect(failed.every((row) => row.text.includes(text))).toBe(true);
    }
    expect(await page.getByRole('button', { name: /^Retry msg_/ }).count()).toBe(2);
    expect(await page.getByTestId('live-state').textContent()).toMatch(/^Live/);
    await screenshotForReadme('dashboard-logs');
    expect(await axeInBothSchemes()).toEqual([]);
  });

  it('fits the screen with a long webhook URL, at 1440 px and on a phone', async () => {
    await logRows((rows) => rows.some((row) => row.text.includes('warehouse-eu-central-1-')));
    for (const [width, height] of [
      [1440, 900],
      [1280, 800],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height });
      await eventually(async () => (await horizontalOverflow()) <= 0, STEP_TIMEOUT);
    }
    await browser.screenshot('logs-phone');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('filters by status and search text, keeps the filters over a reload, and Back restores the previous ones', async () => {
    await page.getByRole('checkbox', { name: 'Failed' }).click();
    const failed = await logRows((rows) => rows.length === 2 && rows.every((row) => row.status === 'failed'));
    expect(failed.every((row) => row.text.includes('Billing sync'))).toBe(true);
    expect(page.url()).toMatch(/#\/logs\?status=failed$/);

    await page.reload();
    await logRows((rows) => rows.length === 2 && rows.every((row) => row.status === 'failed'));
    expect(await page.getByRole('checkbox', { name: 'Failed' }).isChecked()).toBe(true);

    await page.getByRole('checkbox', { name: 'Failed' }).click();
    await logRows((rows) => rows.some((row) => row.status === 'success'));
    await page.getByLabel('Search', { exact: true }).fill('orders crm');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    const found = await logRows((rows) => rows.every((row) => row.text.includes('Orders CRM')));
    expect(found).toHaveLength(4);
    expect(page.url()).toContain('q=orders+crm');

    await page.goBack();
    await logRows((rows) => rows.some((row) => row.text.includes('Billing sync')));
    expect(page.url()).toMatch(/#\/logs$/);
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('');
    await page.goBack();
    await logRows((rows) => rows.length === 2 && rows.every((row) => row.status === 'failed'));
    expect(await page.getByRole('checkbox', { name: 'Failed' }).isChecked()).toBe(true);
  });

  it('moves through the rows with the keyboard and opens one with Enter', async () => {
    const rows = await logRows((found) => found.length === 2);
    await page.locator('#logs-table [data-row-link]').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    expect(await page.evaluate('document.activeElement.closest("tr").dataset.logId')).toBe(rows[1].id);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash === `#/logs/${rows[1].id}`);
    await page.getByRole('heading', { level: 1, name: 'invoice.paid' }).waitFor();
  });

  it('shows the failed attempt in full, with the hostile response body as text', async () => {
    const body = page.getByTestId('response-body');
    await body.waitFor();
    expect(await body.textContent()).toContain('<img src=x onerror=\\"window.__xss=1\\">');
    const authorization = page.getByTestId('request-headers').locator('tr[data-header="authorization"] td');
    expect(await authorization.textContent()).toBe('[redacted]');
    expect(await page.locator('main').textContent()).not.toContain('billing-token');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    expect(await page.getByTestId('attempt-error').textContent()).toContain('http_status');
    expect(await page.getByTestId('timeline').locator('li').count()).toBe(1);
    expect(await axeInBothSchemes()).toEqual([]);
  });

  it('retries by hand once the endpoint is back, and follows the retry to attempt #2', async () => {
    billingUp = true;
    const firstUrl = page.url();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.waitForURL((url) => url.toString() !== firstUrl && /_2$/.test(url.hash));
    await page.getByText('Attempt #2 (this one)').waitFor();
    expect(await page.getByTestId('attempt-result').textContent()).toMatch(/Retry delivered \(attempt #2\): HTTP 200/);
    expect(await page.locator('.page-header').textContent()).toMatch(/Succeeded\s*manual\s*Attempt #2 to Billing sync/);
    expect(await page.getByTestId('attempt-error').count()).toBe(0);
    const timeline = page.getByTestId('timeline').locator('li');
    expect(await timeline.count()).toBe(2);
    expect(await timeline.last().textContent()).toMatch(/Attempt #2.*Succeeded.*manual.*200/);
    await page.setViewportSize({ width: 390, height: 844 });
    await eventually(async () => (await horizontalOverflow()) <= 0, STEP_TIMEOUT);
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshotForReadme('dashboard-attempt');
  });

  it('shows new attempts in the list as they arrive, without a reload', async () => {
    await page.goto(`${base}/#/logs`);
    await logRows((rows) => rows.length >= 10);
    await page.evaluate('window.__sameDocument = true');
    await system.publisher.publish('acme', { event: 'order.created', data: { order: 99 }, identifiers: { orderId: 'order-99-live' } });
    const rows = await logRows((found) => found.some((row) => row.text.includes('order-99-live')));
    expect(rows[0].text).toContain('order-99-live');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('exports the filtered attempts as CSV', async () => {
    await page.goto(`${base}/#/logs?status=failed`);
    await logRows((rows) => rows.length >= 1 && rows.every((row) => row.status === 'failed'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,created_at,webhook_id/);
    expect(csv).toContain('invoice.paid');
    expect(csv).not.toContain('order.created');
  });

  it('shows a viewer the logs and the attempt without any Retry', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(viewer.key as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${base}/#/logs?status=failed`);
    const rows = await logRows((found) => found.length >= 1);
    expect(await page.getByRole('button', { name: /^Retry/ }).count()).toBe(0);
    await page.goto(`${base}/#/logs/${rows[0].id}`);
    await page.getByTestId('response-body').waitFor();
    expect(await page.getByRole('button', { name: 'Retry now' }).count()).toBe(0);
  });

  it('ran without script errors or Content-Security-Policy refusals', () => {
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });
});
