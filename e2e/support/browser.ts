import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core drives it, no browser is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go: one folder, overwritten by each run, for a person to look at. */
export const SCREENSHOT_DIR = join(tmpdir(), 'wirehook-dashboard-screenshots');

/**
 * A headless Chromium with a fresh profile, one page, and a record of what went wrong inside
 * the page: uncaught errors and Content-Security-Policy refusals fail the tests that check them.
 */
export class TestBrowser {
  readonly pageErrors: string[] = [];
  readonly cspViolations: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly profileDir: string,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) this.cspViolations.push(message.text());
    });
  }

  static async launch(): Promise<TestBrowser> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the dashboard tests need it: apt-get install -y chromium`);
    }
    const profileDir = mkdtempSync(join(tmpdir(), 'wirehook-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
    });
    context.setDefaultTimeout(10_000);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const page = context.pages()[0] ?? (await context.newPage());
    return new TestBrowser(context, page, profileDir);
  }

  /** Saves a full-page PNG as `<SCREENSHOT_DIR>/<name>.png` and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
