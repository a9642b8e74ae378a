import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchBrowser, mobileContext, screenshot } from './helpers/browser';
import { loginAsAdmin, loginByForm, loginThroughWecom } from './helpers/login';
import { startWebApp, type WebApp } from './helpers/web-app';

describe('workbench sign-in in Chromium', () => {
  let app: WebApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    const unit = await app.call('POST', '/api/v1/units', { token: app.adminToken, body: { code: 'U901', name: '市第一人民医院' } });
    expect(unit.status).toBe(201);
    await app.user('engineer', 'zhanggong', { name: '张建国' });
    await app.user('operator', 'chenjing', { name: '陈静' });
    await app.user('unit_staff', 'wangfang', { name: '王芳', unitCode: 'U901' });
    await app.user('leader', 'lijuzhang', { name: '李明' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('when the engineer opens /m/ inside WeCom, then the fake authorise page signs them in and the queue opens with the engineer’s tabs', async () => {
    const ctx = await mobileContext(browser, { wecom: true });
    const page = await ctx.newPage();
    await loginThroughWecom(page, app.baseUrl, 'zhanggong');
    await page.waitForURL(`${app.baseUrl}/m/tickets`);
    const tabs = page.locator('.van-tabbar-item');
    await tabs.first().waitFor();
    expect(await tabs.allInnerTexts()).toEqual(['工单', '来电', '巡检/培训', '我的']);
    await screenshot(page, 'm-engineer-queue');
    await page.getByText('我的', { exact: true }).click();
    await page.getByText('张建国').waitFor();
    expect(await page.getByText('驻场工程师').isVisible()).toBe(true);
    await screenshot(page, 'm-engineer-me');
    await ctx.close();
  });

  it('when a page is opened in a plain phone browser, then the login form asks, and after login the page asked for opens', async () => {
    const ctx = await mobileContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${app.baseUrl}/m/applications`);
    await page.waitForURL(/\/m\/login\?redirect=/);
    await screenshot(page, 'm-login');
    // Labelled fields and a tap target of at least 44 px.
    const button = await page.getByRole('button', { name: '登录' }).boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(44);
    await page.getByLabel('用户名').fill('wangfang');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/用户名或密码|密码/);
    await screenshot(page, 'm-login-refused');
    await page.getByLabel('密码').fill('Passw0rd123');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.baseUrl}/m/applications`);
    expect(await page.locator('.van-tabbar-item').allInnerTexts()).toEqual(['库存', '申领', '核销', '工单']);
    await screenshot(page, 'm-unit-applications');
    await ctx.close();
  });

  it('when a leader signs in on the phone, then 概览 opens with 概览 · 周报', async () => {
    const ctx = await mobileContext(browser);
    const page = await ctx.newPage();
    await loginByForm(page, app.baseUrl, 'm', 'lijuzhang');
    await page.waitForURL(`${app.baseUrl}/m/dashboard`);
    const tabs = await page.locator('.van-tabbar-item').allInnerTexts();
    expect(tabs.slice(0, 2)).toEqual(['概览', '周报']);
    await screenshot(page, 'm-leader-dashboard');
    await ctx.close();
  });

  it('when an operator signs in on the console by form, then 待办审批 opens with the menu their permissions allow', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${app.baseUrl}/`);
    await page.waitForURL(`${app.baseUrl}/console/login`);
    await screenshot(page, 'console-login');
    await loginByForm(page, app.baseUrl, 'console', 'chenjing');
    await page.waitForURL(`${app.baseUrl}/console/approvals`);
    await page.locator('.el-card').getByText('待办审批', { exact: true }).waitFor();
    const menu = await page.locator('.el-menu-item').allInnerTexts();
    expect(menu).toEqual(['待办审批', '发放', '入库', '印制计划', '单位与限量', '报表', '知识库', '公告', 'SLA 日历']);
    expect(await page.getByText('陈静（票据管理科）').isVisible()).toBe(true);
    await screenshot(page, 'console-operator-approvals');
    await ctx.close();
  });

  it('when the admin signs in, then the menu also has 用户与权限 and 审计日志; signing out returns to the login', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await loginAsAdmin(page, app.baseUrl);
    await page.waitForURL(`${app.baseUrl}/console/approvals`);
    const menu = await page.locator('.el-menu-item').allInnerTexts();
    expect(menu).toContain('用户与权限');
    expect(menu).toContain('审计日志');
    await page.getByText('用户与权限').click();
    await page.waitForURL(`${app.baseUrl}/console/users`);
    await screenshot(page, 'console-admin-users');
    await page.locator('.user').click();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/console\/login/);
    // The session is gone on the server side too.
    await page.goto(`${app.baseUrl}/console/approvals`);
    await page.waitForURL((url) => url.pathname === '/console/login' && url.searchParams.get('redirect') === '/console/approvals');
    await ctx.close();
  });

  it('when unit staff open the console, then they are told it is not theirs', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await loginByForm(page, app.baseUrl, 'console', 'wangfang');
    await page.getByText('无权访问').first().waitFor();
    await screenshot(page, 'console-unit-no-access');
    await ctx.close();
  });
});
