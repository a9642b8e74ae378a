// What the mobile browser tests share: a phone-sized page (390×844) in headless Debian chromium,
// sign-in through the login form, and screenshots into the ignored artifacts/ folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkday } from 'chinese-days';
import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, '../../artifacts/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ROOT = join(__dirname, '../..');

/** The newest modification time of the files under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The pages under test are the built ones (dist/web, what Koa serves): build them when missing or
 * older than web/, once across parallel test files (a lock directory).
 */
export function ensureWebBuild(): void {
  const index = join(ROOT, 'dist/web/m/index.html');
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'web'));
  if (fresh()) return;
  const lock = join(ROOT, 'artifacts/.web-build-lock');
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error('waited 2 minutes for another web build');
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!fresh())
      execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: 'inherit',
        // vitest sets NODE_ENV=test, which would give a development build of Vue and Vant.
        env: { ...process.env, NODE_ENV: 'production' },
      });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Chromium for a test file; the build must be in place before the app starts (it reads the entry pages at start). */
export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

/** A new phone page (its own cookies) at 390×844, Chinese locale, Shanghai time. */
export async function phone(browser: Browser, userAgent?: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(userAgent ? { userAgent } : {}),
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Signs in through the mobile login form and waits for the role's first page. */
export async function signIn(page: Page, baseUrl: string, username: string, password = 'Passw0rd123'): Promise<void> {
  await page.goto(`${baseUrl}/m/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}

export async function shot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `mobile-${name}-390x844.png`);
  // Let transitions and toasts settle enough to show the page as a person sees it.
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  return file;
}

/**
 * 10:00 Asia/Shanghai of the next working day after today (real time). The session cookie expires by
 * the server's clock while the browser judges it by real time, so the test clock must not lie in the
 * past; a working morning keeps the SLA rule the one-hour response of working hours.
 */
export function nextWorkingMorning(): string {
  let d = DateTime.now().setZone('Asia/Shanghai').startOf('day').plus({ days: 1 });
  while (!isWorkday(d.toISODate())) d = d.plus({ days: 1 });
  return d.set({ hour: 10 }).toUTC().toISO() as string;
}

/** The Shanghai date (YYYY-MM-DD) of an instant. */
export const shanghaiDate = (iso: string | Date): string =>
  DateTime.fromJSDate(new Date(iso)).setZone('Asia/Shanghai').toISODate() as string;
