// What the mobile browser tests add to the harness (helpers/): a test clock on a working morning, the
// Shanghai date, and screenshots named by page at the phone size.
import { isWorkday } from 'chinese-days';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { screenshot } from './helpers/browser';

/**
 * 10:00 Asia/Shanghai of the next working day after today (real time). Cookies expire by the server's
 * clock while the browser judges them by real time, so the test clock must not lie in the past; a
 * working morning keeps the SLA rule the one-hour response of working hours.
 */
export function nextWorkingMorning(): string {
  let d = DateTime.now().setZone('Asia/Shanghai').startOf('day').plus({ days: 1 });
  while (!isWorkday(d.toISODate())) d = d.plus({ days: 1 });
  return d.set({ hour: 10 }).toUTC().toISO() as string;
}

/** The Shanghai date (YYYY-MM-DD) of an instant. */
export const shanghaiDate = (iso: string | Date): string =>
  DateTime.fromJSDate(new Date(iso)).setZone('Asia/Shanghai').toISODate() as string;

/** artifacts/screenshots/mobile-<name>-390x844.png, once transitions and toasts have settled. */
export async function shot(page: Page, name: string): Promise<string> {
  await page.waitForTimeout(300);
  return screenshot(page, `mobile-${name}-390x844`);
}
