import type { Page } from 'playwright-core';
import { ADMIN } from '../../helpers/test-app';
import { PASSWORD } from './web-app';

/**
 * Signs in through a login form (`/m/login` or `/console/login`) by its labels, as a person would,
 * and waits until the app has left the login page.
 */
export async function loginByForm(page: Page, baseUrl: string, entry: 'm' | 'console', username: string, password = PASSWORD, path = '') {
  await page.goto(`${baseUrl}/${entry}/${path}`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

export const loginAsAdmin = (page: Page, baseUrl: string) => loginByForm(page, baseUrl, 'console', ADMIN.username, ADMIN.password);

/**
 * Opens a /m/ page in WeCom's browser (the context's user agent contains `wxwork`): the app sends it to
 * the fake authorise page, where the member is picked as in WeCom, and back through our callback.
 */
export async function loginThroughWecom(page: Page, baseUrl: string, member: string, path = '') {
  await page.goto(`${baseUrl}/m/${path}`);
  await page.getByRole('link', { name: member, exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(`${baseUrl}/m/`) && !url.pathname.startsWith('/m/auth/'));
}
