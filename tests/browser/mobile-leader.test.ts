import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/identity/actor';
import { issueToUnit, receive, seedBillType, seedUnit } from '../helpers/ledger-fixtures';
import { launchBrowser, mobileContext } from './helpers/browser';
import { loginByForm } from './helpers/login';
import { startWebApp, type WebApp } from './helpers/web-app';
import { nextWorkingMorning, shot } from './mobile-kit';

describe('mobile workbench: a leader', () => {
  let t: WebApp;
  let browser: Browser;
  let page: Page;
  let summaryId: number;

  beforeAll(async () => {
    const start = nextWorkingMorning();
    t = await startWebApp({ now: start });
    await seedBillType(t.services, { code: 'FS01', name: '非税收入一般缴款书' });
    await seedUnit(t.services, { code: 'UA', name: '市第二中学' });
    await receive(t.services, { billTypeCode: 'FS01', batchCode: '26010001', startNo: 1, endNo: 10_000 });
    // Bills issued eight months ago and never written off: overdue under 核旧领新.
    t.clock.set(DateTime.fromISO(start).minus({ months: 8 }).toJSDate());
    await issueToUnit(t.services, { unitCode: 'UA', billTypeCode: 'FS01', quantity: 300 });
    t.clock.set(start);
    // This week: three tickets and a fault that is still firing.
    for (const summary of ['开票软件无法登录', '打印位置偏移', '如何作废票据'])
      await t.services.tickets.create(systemActor, { source: 'phone', summary, priority: 'normal', category: 'question' });
    await t.services.alerts.raise({
      key: 'db-down',
      source: 'probe',
      severity: 'critical',
      title: '开票系统数据库无法连接',
      detail: '',
      labels: {},
    });
    await t.userToken('leader', { username: 'juzhang' });
    const leader = await t.login('juzhang', 'Passw0rd123');
    summaryId = (await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: {} })).body.id;
    browser = await launchBrowser();
    page = await (await mobileContext(browser)).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('when a leader signs in, then the overview opens first: the fault firing now, the overdue unit, and this week against last', async () => {
    await loginByForm(page, t.baseUrl, 'm', 'juzhang');
    expect(new URL(page.url()).pathname).toBe('/m/dashboard');
    await expect.poll(() => page.locator('[data-test="faults-now"] b').textContent()).toBe('1');
    expect(await page.locator('[data-test="overdue"] b').textContent()).toBe('1');
    // Three desk tickets and the fault's own ticket, none last week.
    const opened = page.locator('tr[data-key="ticketsOpened"]');
    expect((await opened.locator('td').allTextContents()).map((s) => s.trim())).toEqual(['4', '0', '新增']);
    expect(await page.locator('main').textContent()).toContain('市第二中学');
    await shot(page, 'leader-dashboard');
  });

  it('when the leader opens a summary from the list, then the signed summary page is shown', async () => {
    await page.goto(`${t.baseUrl}/m/summaries`);
    await page.locator(`[data-summary="${summaryId}"]`).click();
    await page.waitForURL(new RegExp(`/s/summaries/${summaryId}\\?u=\\d+&exp=\\d+&sig=`));
    expect(await page.locator('body').textContent()).toContain('服务');
    await shot(page, 'leader-summary-page');
    await page.goBack();
    await page.waitForURL('**/m/summaries');
    await shot(page, 'leader-summaries');
  });
});
