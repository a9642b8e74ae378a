import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Role } from '../../src/domain/identity/actor';
import { ledgerSnapshot } from '../helpers/ledger-fixtures';
import { desktopContext, launchBrowser, mobileContext, screenshot } from './helpers/browser';
import { loginAsAdmin, loginByForm } from './helpers/login';
import { PASSWORD, startWebApp, type WebApp } from './helpers/web-app';

// The browser's own function, called inside evaluate(); the tests' tsconfig has no DOM library.
declare function getComputedStyle(e: unknown): { opacity: string };

// The bureau's desk in Chromium: 待办审批 → 通过并发放 / 退回 with an opinion, a separation-of-duties
// refusal shown as the server words it, 发放 of an approved application, a refused 入库 form that
// changes nothing, and 系统管理 (create, reset, unlock). Each step is checked against the API.
describe('console desk in Chromium', () => {
  let app: WebApp;
  let browser: Browser;
  let staff: string;
  let op2: string;
  const UNIT = 'U301';
  const BT = 'YL01';
  const BATCH = '37040126';

  const makeUser = (role: Role, username: string, name: string, unitCode?: string) =>
    app.services.users.create(systemActor, { username, name, role, unitCode, password: PASSWORD });
  const apply = async (token: string, quantity: number, reason = '门诊收费用票') => {
    const r = await app.call('POST', '/api/v1/applications', { token, body: { unitCode: UNIT, billTypeCode: BT, quantity, reason } });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: number; docNo: string };
  };
  const applicationOf = async (id: number) => (await app.call('GET', `/api/v1/applications/${id}`, { token: app.adminToken })).body;
  const unitStock = async () => (await app.call('GET', `/api/v1/stock?unitCode=${UNIT}`, { token: app.adminToken })).body;

  /** A desk page signed in as the given user. */
  async function deskPage(username: string, password = PASSWORD): Promise<Page> {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    // Fail on the step that waits, with its locator, well inside the test's own timeout.
    page.setDefaultTimeout(10_000);
    await loginByForm(page, app.baseUrl, 'console', username, password);
    return page;
  }
  const inboxRow = (page: Page, docNo: string) => page.locator('.el-table__row', { hasText: docNo });
  /**
   * A row's cell under the 类型 header as the operator sees it: its text, and the tag's opacity (a tag
   * caught in its zoom-in is blank in a screenshot although its text is in the DOM).
   */
  async function kindCell(page: Page, row: Locator): Promise<{ text: string; opacity: string }> {
    const headers = (await page.locator('.el-table__header-wrapper th').allInnerTexts()).map((t) => t.trim());
    const cell = row.locator(':scope > td').nth(headers.indexOf('类型'));
    return { text: (await cell.innerText()).trim(), opacity: await cell.locator('.el-tag').evaluate((e) => getComputedStyle(e).opacity) };
  }

  beforeAll(async () => {
    // Business time is now: the session cookie expires 8 h after the server's clock, and the browser keeps real time.
    app = await startWebApp({ now: new Date().toISOString() });
    browser = await launchBrowser();
    const admin = app.adminToken;
    expect(
      (await app.call('POST', '/api/v1/bill-types', { token: admin, body: { code: BT, name: '医疗收费票据', category: 'other' } })).status,
    ).toBe(201);
    expect(
      (await app.call('POST', '/api/v1/units', { token: admin, body: { code: UNIT, name: '市第一人民医院', aliases: ['一医'] } })).status,
    ).toBe(201);
    const receipt = await app.call('POST', '/api/v1/warehouse/receipts', {
      token: admin,
      body: { billTypeCode: BT, batchCode: BATCH, startNo: 1, endNo: 1000 },
    });
    expect(receipt.status).toBe(201);
    await app.call('PUT', `/api/v1/units/${UNIT}/caps`, { token: admin, body: { billTypeCode: BT, maxQuantity: 500 } });
    await makeUser('operator', 'chenjing', '陈静');
    await makeUser('operator', 'liuke', '刘科');
    await makeUser('unit_staff', 'wangfang', '王芳', UNIT);
    staff = await app.login('wangfang', PASSWORD);
    op2 = await app.login('liuke', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('when a unit applies and an operator approves and issues it from 待办审批, then the unit holds the lowest 200 numbers', async () => {
    const doc = await apply(staff, 200);
    const page = await deskPage('chenjing');
    await page.waitForURL(`${app.baseUrl}/console/approvals`);
    const row = inboxRow(page, doc.docNo);
    await row.waitFor();
    expect(await row.innerText()).toContain('市第一人民医院');
    // The document type in Chinese, drawn as soon as the row is (the screenshot below shows it).
    expect(await kindCell(page, row)).toEqual({ text: '申领单', opacity: '1' });
    // The rule checks as the server read them: cap, 核旧领新, warehouse stock, separation of duties.
    expect(await row.locator('[data-check]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.className]))).toEqual([
      ['cap', 'check ok'],
      ['writeoff', 'check ok'],
      ['stock', 'check ok'],
      ['duties', 'check ok'],
    ]);
    expect(await row.innerText()).toContain('财政库存 1,000 份，可批 1,000 份，本次 200 份');
    await screenshot(page, 'console-approvals');
    await row.getByRole('button', { name: '通过并发放' }).click();
    const dialog = page.getByRole('dialog', { name: /审核通过并发放/ });
    await dialog.getByLabel('意见').fill('同意');
    await screenshot(page, 'console-approve-dialog');
    await dialog.getByRole('button', { name: '确认通过并发放' }).click();
    const issued = page.getByRole('dialog', { name: '已发放' });
    await issued.waitFor();
    expect(await issued.innerText()).toContain('0000000001–0000000200');
    // The approval dialog fades out as this one fades in: the picture waits until it has gone.
    await page.getByRole('dialog', { name: /审核通过并发放/ }).waitFor({ state: 'hidden' });
    await screenshot(page, 'console-issued');
    expect((await applicationOf(doc.id)).status).toBe('issued');
    const stock = await unitStock();
    expect(stock.items).toEqual([
      expect.objectContaining({ billTypeCode: BT, count: 200, ranges: [{ batchCode: BATCH, startNo: 1, endNo: 200, count: 200 }] }),
    ]);
    await issued.getByRole('button', { name: '知道了' }).click();
    await inboxRow(page, doc.docNo).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('when the unit applies on the phone and the operator approves and issues in the console, then the unit’s stock page shows the new range', async () => {
    const phone = await (await mobileContext(browser)).newPage();
    phone.setDefaultTimeout(10_000);
    await loginByForm(phone, app.baseUrl, 'm', 'wangfang');
    await phone.goto(`${app.baseUrl}/m/applications/new`);
    await phone.locator(`[data-bill-type="${BT}"]`).click();
    await phone.getByLabel('申领数量').fill('120');
    await phone.getByLabel('事由').fill('住院部收费用票');
    const submit = phone.getByRole('button', { name: '提交申领' });
    await expect.poll(() => submit.isEnabled()).toBe(true);
    await submit.click();
    await phone.waitForURL(/\/m\/applications\/\d+$/);
    const id = Number(phone.url().split('/').pop());
    const { docNo } = await applicationOf(id);

    const desk = await deskPage('chenjing');
    const row = inboxRow(desk, docNo);
    await row.getByRole('button', { name: '通过并发放' }).click();
    await desk
      .getByRole('dialog', { name: /审核通过并发放/ })
      .getByRole('button', { name: '确认通过并发放' })
      .click();
    const issued = desk.getByRole('dialog', { name: '已发放' });
    await issued.waitFor();
    expect((await applicationOf(id)).status).toBe('issued');
    // Adjacent ranges of the unit are shown merged: the new range's last number is on the card.
    const lastNo = /\d{10}–(\d{10})/.exec(await issued.innerText())![1];

    await phone.goto(`${app.baseUrl}/m/stock`);
    const card = phone.locator(`[data-bill-type="${BT}"]`);
    await expect.poll(() => card.textContent()).toContain(lastNo);
    await screenshot(phone, 'console-flow-unit-stock-390x844');
    await desk.context().close();
    await phone.context().close();
  });

  it('when an operator approves in the inbox and issues on 发放, then the application moves from 待发放 to the unit’s stock', async () => {
    const doc = await apply(staff, 100);
    const held = (await unitStock()).items[0].count as number;
    const page = await deskPage('chenjing');
    const row = inboxRow(page, doc.docNo);
    await row.getByRole('button', { name: '通过', exact: true }).click();
    await page
      .getByRole('dialog', { name: /审核通过 ·/ })
      .getByRole('button', { name: '确认通过' })
      .click();
    await row.waitFor({ state: 'detached' });
    expect((await applicationOf(doc.id)).status).toBe('approved');
    await page.getByRole('menuitem', { name: '发放' }).click();
    const waiting = page.locator('.el-table__row', { hasText: doc.docNo });
    await waiting.waitFor();
    expect(await waiting.innerText()).toContain('市第一人民医院');
    await screenshot(page, 'console-issuance');
    await waiting.getByRole('button', { name: '发放' }).click();
    await page.getByRole('dialog', { name: '确认发放' }).getByRole('button', { name: '确认发放' }).click();
    const issued = page.getByRole('dialog', { name: '已发放' });
    await issued.waitFor();
    expect(await issued.innerText()).toMatch(/\d{10}–\d{10}/);
    expect((await applicationOf(doc.id)).status).toBe('issued');
    expect((await unitStock()).items[0].count).toBe(held + 100);
    await page.context().close();
  });

  it('when an operator returns an application, then the opinion is required first, and the unit sees it on the returned application', async () => {
    const doc = await apply(staff, 50);
    const page = await deskPage('chenjing');
    await inboxRow(page, doc.docNo).getByRole('button', { name: '退回' }).click();
    const dialog = page.getByRole('dialog', { name: /退回 ·/ });
    await dialog.getByRole('button', { name: '确认退回' }).click();
    await dialog.getByText('退回时必须填写意见').waitFor();
    expect((await applicationOf(doc.id)).status).toBe('submitted');
    await dialog.getByLabel('意见').fill('请补充本季度用票计划后重新申领');
    await dialog.getByRole('button', { name: '确认退回' }).click();
    await inboxRow(page, doc.docNo).waitFor({ state: 'detached' });
    const seen = (await app.call('GET', `/api/v1/applications/${doc.id}`, { token: staff })).body;
    expect(seen).toMatchObject({ status: 'returned', opinion: '请补充本季度用票计划后重新申领' });
    await page.context().close();
  });

  it('when an operator opens an application they entered themselves, then 不相容岗位 is flagged and the approval is refused with the server’s words', async () => {
    const token = await app.login('chenjing', PASSWORD);
    const doc = await apply(token, 30, '代录：单位电话申请');
    const page = await deskPage('chenjing');
    const row = inboxRow(page, doc.docNo);
    await row.waitFor();
    expect(await row.locator('[data-check="duties"]').getAttribute('class')).toContain('bad');
    expect(await row.innerText()).toContain('由您录入或提交，须由另一位工作人员审核');
    await row.getByRole('button', { name: '通过', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /审核通过 ·/ });
    await dialog.getByRole('button', { name: '确认通过' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('不相容岗位相互分离');
    await screenshot(page, 'console-same-person-refused');
    expect((await applicationOf(doc.id)).status).toBe('submitted');
    // Another operator may approve it.
    expect((await app.call('POST', `/api/v1/applications/${doc.id}/approve`, { token: op2, body: {} })).body.status).toBe('approved');
    await page.context().close();
  });

  it('when a unit reports a write-off, then the operator writes it off from the inbox with a result and the numbers leave the unit’s stock', async () => {
    const got = await apply(staff, 50);
    await app.call('POST', `/api/v1/applications/${got.id}/approve`, { token: op2, body: {} });
    const first = (await app.call('POST', `/api/v1/applications/${got.id}/issue`, { token: op2 })).body.ranges[0].startNo as number;
    const wo = await app.call('POST', '/api/v1/writeoffs', {
      token: staff,
      body: {
        unitCode: UNIT,
        billTypeCode: BT,
        cutoffDate: new Date().toISOString().slice(0, 10),
        amount: 12800.5,
        used: [{ batchCode: BATCH, startNo: first, endNo: first + 39 }],
        voided: [{ batchCode: BATCH, startNo: first + 40, endNo: first + 41 }],
      },
    });
    expect(wo.status, wo.text).toBe(201);
    const page = await deskPage('chenjing');
    await page.locator('.el-radio-button', { hasText: '核销' }).click();
    const row = inboxRow(page, wo.body.docNo);
    await row.waitFor();
    expect(await row.innerText()).toContain('已开 40 · 作废 2 · 灭失 0');
    expect(await kindCell(page, row)).toEqual({ text: '核销单', opacity: '1' });
    await row.getByRole('button', { name: '通过', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /审核通过 ·/ });
    await dialog.getByText('良好', { exact: true }).click();
    await screenshot(page, 'console-writeoff-approve');
    await dialog.getByRole('button', { name: '确认通过' }).click();
    await row.waitFor({ state: 'detached' });
    const seen = (await app.call('GET', `/api/v1/writeoffs/${wo.body.id}`, { token: staff })).body;
    expect(seen).toMatchObject({ status: 'approved', result: '良好' });
    const held = (await unitStock()).items[0].ranges as Array<{ startNo: number; endNo: number }>;
    expect(held.some((r) => r.startNo <= first + 41 && r.endNo >= first)).toBe(false);
    await page.context().close();
  });

  it('when a receipt is typed wrong and then overlaps a received range, then the form and the server refuse it and the ledger is unchanged', async () => {
    const page = await deskPage('chenjing');
    await page.getByRole('menuitem', { name: '入库' }).click();
    await page.locator('.el-form-item', { hasText: '票据种类' }).first().locator('.el-select').click();
    await page.getByRole('option', { name: /医疗收费票据/ }).click();
    await page.getByLabel('票据代码').fill('3704');
    await page.getByLabel('起始号码').fill('900');
    await page.getByLabel('终止号码').fill('1200');
    await page.getByRole('button', { name: '确认入库' }).click();
    await page.getByText('票据代码应为 8 位数字').waitFor();
    expect(await page.getByText('本次入库').locator('..').innerText()).toContain('301 份');
    const before = await ledgerSnapshot(app.ds);
    await page.getByLabel('票据代码').fill(BATCH);
    await page.getByRole('button', { name: '确认入库' }).click();
    const refusal = page.locator('.el-card', { hasText: '票据入库' }).locator('.el-alert').first();
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('票据代码 37040126 的号码 0000000900-0000001000 已经入库，不能重复入库');
    await screenshot(page, 'console-receipt-refused');
    expect(await ledgerSnapshot(app.ds)).toEqual(before);
    // A good receipt goes through and is listed.
    await page.getByLabel('起始号码').fill('1001');
    await page.getByLabel('终止号码').fill('3000');
    await page.getByRole('button', { name: '确认入库' }).click();
    await page.locator('.el-table__row', { hasText: '0000001001–0000003000' }).waitFor();
    await screenshot(page, 'console-receipts');
    await page.context().close();
  });

  it('when an admin creates a user, resets a password and unlocks an account, then each takes effect at once', async () => {
    const page = await deskPage('admin', 'Desk2026test');
    await page.getByRole('menuitem', { name: '用户与权限' }).click();
    await page.getByRole('button', { name: '新建用户' }).click();
    const form = page.getByRole('dialog', { name: '新建用户' });
    await form.getByLabel('用户名').fill('zhoumin');
    await form.getByLabel('姓名').fill('周敏');
    await form.getByLabel('初始密码').fill('Huanxin-2026-mima');
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('.el-table__row', { hasText: 'zhoumin' }).waitFor();
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhoumin', password: 'Huanxin-2026-mima' } })).status).toBe(
      200,
    );

    // 重置密码: the temporary password is shown once and works (a change is then required).
    await page.locator('.el-table__row', { hasText: 'zhoumin' }).getByRole('button', { name: '重置密码' }).click();
    await page.getByRole('dialog', { name: '重置密码' }).getByRole('button', { name: '确认' }).click();
    const temp = (await page.getByTestId('temporary-password').innerText()).trim();
    await screenshot(page, 'console-temporary-password');
    const login = await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhoumin', password: temp } });
    expect(login.status).toBe(200);
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhoumin', password: 'Huanxin-2026-mima' } })).status).toBe(
      401,
    );
    await page.getByRole('button', { name: '已告知' }).click();

    // 解锁: five wrong passwords lock the account; the admin unlocks it and the right password works again.
    await makeUser('engineer', 'zhanggong', '张建国');
    for (let i = 0; i < 5; i++)
      await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhanggong', password: `Wrong-guess-${i}` } });
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhanggong', password: PASSWORD } })).status).toBe(401);
    await page.reload();
    const locked = page.locator('.el-table__row', { hasText: 'zhanggong' });
    expect(await locked.innerText()).toContain('已锁定');
    await screenshot(page, 'console-users');
    await locked.getByRole('button', { name: '解锁' }).click();
    await page.getByRole('dialog', { name: '解除锁定' }).getByRole('button', { name: '确认' }).click();
    await locked.getByText('正常').waitFor();
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'zhanggong', password: PASSWORD } })).status).toBe(200);
    await page.context().close();
  });

  it('when an admin walks the menu, then every console page opens at 1366×768 without a page error', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginAsAdmin(page, app.baseUrl);
    for (const [path, title] of [
      ['approvals', '待办审批'],
      ['issuance', '发放'],
      ['receipts', '入库'],
      ['print-plans', '印制计划'],
      ['units', '单位与限量'],
      ['users', '用户与权限'],
      ['reports', '报表'],
      ['kb', '知识库'],
      ['announcements', '公告'],
      ['sla', 'SLA 日历'],
      ['audit', '审计日志'],
    ]) {
      await page.getByRole('menuitem', { name: title }).click();
      await page.waitForURL(`${app.baseUrl}/console/${path}`);
      await page.waitForLoadState('networkidle');
      await screenshot(page, `console-page-${path}`);
    }
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
