import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WXWORK_UA } from '../../helpers/web-build';

export const SCREENSHOT_DIR = join(__dirname, '../../../artifacts/screenshots');
export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 768 };

/** Debian's chromium (no downloaded browser build: none can be fetched here); CHROMIUM_PATH overrides. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // Containers without user namespaces need --no-sandbox; /dev/shm is small in CI.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--lang=zh-CN'],
  });
}

/** Short waits (a test fails with the step that hung, not the test's timeout) and the pages' errors in the test output. */
function watched(ctx: BrowserContext): BrowserContext {
  ctx.setDefaultTimeout(10_000);
  ctx.on('page', (page) => {
    page.on('pageerror', (e) => console.error(`[page error] ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[0134]/.test(m.text())) console.error(`[console] ${page.url()}: ${m.text()}`);
    });
  });
  return ctx;
}

/** A phone (390×844): WeCom's in-app browser with `wecom`, a plain mobile browser without. */
export async function mobileContext(browser: Browser, opts: { wecom?: boolean } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: MOBILE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.wecom ? { userAgent: WXWORK_UA } : {}),
  });
  return watched(ctx);
}

/** The desk's browser (1366×768). */
export async function desktopContext(browser: Browser): Promise<BrowserContext> {
  return watched(await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }));
}

/** Saves a screenshot to artifacts/screenshots/<name>.png (ignored by git); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
