import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { issueToUnit, ledgerSnapshot, receive, seedBillType, seedUnit, setCap } from '../helpers/ledger-fixtures';
import { launchBrowser, mobileContext } from './helpers/browser';
import { loginByForm } from './helpers/login';
import { startWebApp, type WebApp } from './helpers/web-app';
import { nextWorkingMorning, shot } from './mobile-kit';

const BATCH = '26010001';

describe('mobile workbench: unit staff', () => {
  let t: WebApp;
  let browser: Browser;
  let page: Page;
  let operator: string;
  let otherUnitApplication: number;
  let otherUnitWriteoff: number;
  let otherUnitTicket: number;
  let ownTicket: number;

  const writeoffs = () => t.ds.getRepository(BillDocument).countBy({ docType: 'writeoff' });

  beforeAll(async () => {
    t = await startWebApp({ now: nextWorkingMorning() });
    await seedBillType(t.services, { code: 'FS01', name: '非税收入一般缴款书' });
    await seedUnit(t.services, { code: 'UA', name: '市第二中学' });
    await seedUnit(t.services, { code: 'UB', name: '市中医院' });
    await receive(t.services, { billTypeCode: 'FS01', batchCode: BATCH, startNo: 1, endNo: 10_000 });
    await setCap(t.services, 'UA', 'FS01', 500);
    await t.userToken('unit_staff', { unitCode: 'UA', username: 'li_ua' });
    const staffB = await t.userToken('unit_staff', { unitCode: 'UB', username: 'zhao_ub' });
    operator = await t.userToken('operator', { username: 'op_chen' });
    // The other unit's records, for the isolation check.
    await issueToUnit(t.services, { unitCode: 'UB', billTypeCode: 'FS01', quantity: 100 });
    otherUnitApplication = (
      await t.call('POST', '/api/v1/applications', { token: staffB, body: { unitCode: 'UB', billTypeCode: 'FS01', quantity: 10 } })
    ).body.id;
    otherUnitWriteoff = (
      await t.call('POST', '/api/v1/writeoffs', {
        token: staffB,
        body: { unitCode: 'UB', billTypeCode: 'FS01', used: [{ batchCode: BATCH, startNo: 1, endNo: 5 }] },
      })
    ).body.id;
    otherUnitTicket = (await t.call('POST', '/api/v1/tickets', { token: operator, body: { unitCode: 'UB', summary: '中医院的工单' } })).body
      .id;
    const own = await t.call('POST', '/api/v1/tickets', {
      token: operator,
      body: { unitCode: 'UA', summary: '打印的票据号码与系统不一致' },
    });
    expect(own.status, own.text).toBe(201);
    ownTicket = own.body.id;
    browser = await launchBrowser();
    page = await (await mobileContext(browser)).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('when unit staff apply on the phone, then the form shows the cap before submitting and refuses more; within the cap the application is submitted', async () => {
    await loginByForm(page, t.baseUrl, 'm', 'li_ua');
    expect(new URL(page.url()).pathname).toBe('/m/stock');
    await page.goto(`${t.baseUrl}/m/applications/new`);
    await page.locator('[data-bill-type="FS01"]').click();
    await page.getByLabel('申领数量').fill('600');
    const check = page.locator('[data-test="check"]');
    await expect.poll(() => check.locator('[data-test="blockers"]').textContent()).toContain('每次最多申领 500 份');
    expect(await check.locator('[data-test="cap"]').textContent()).toBe('500 份');
    expect(await check.locator('[data-test="available"]').textContent()).toBe('9,900 份');
    const submit = page.getByRole('button', { name: '提交申领' });
    expect(await submit.isDisabled()).toBe(true);
    await shot(page, 'unit-application-cap');

    await page.getByLabel('申领数量').fill('200');
    await expect.poll(() => check.textContent()).toContain('无未完成的核销');
    await page.getByLabel('事由').fill('下学期收费使用');
    await expect.poll(() => submit.isEnabled()).toBe(true);
    await submit.click();
    await page.waitForURL(/\/m\/applications\/\d+$/);
    await expect.poll(() => page.locator('[data-test="status"]').textContent()).toContain('已提交待审核');
    const id = Number(page.url().split('/').pop());
    const doc = await t.ds.getRepository(BillDocument).findOneByOrFail({ id });
    expect(doc).toMatchObject({ docType: 'application', status: 'submitted', quantity: 200, reason: '下学期收费使用' });
    await shot(page, 'unit-application-submitted');

    // The bureau approves and issues (the console's part; here through the API).
    expect(
      (await t.call('POST', `/api/v1/applications/${id}/approve`, { token: operator, body: { opinion: '同意，按计划发放' } })).status,
    ).toBe(200);
    const issued = await t.call('POST', `/api/v1/applications/${id}/issue`, { token: operator, body: {} });
    expect(issued.status).toBe(200);
    expect(issued.body.ranges).toEqual([{ batchCode: BATCH, startNo: 101, endNo: 300, count: 200 }]);

    await page.reload();
    await expect.poll(() => page.locator('.van-steps').textContent()).toContain('同意，按计划发放');
    await shot(page, 'unit-application-timeline');
    await page.goto(`${t.baseUrl}/m/stock`);
    const card = page.locator('[data-bill-type="FS01"]');
    await expect.poll(() => card.textContent()).toContain('0000000101–0000000300');
    expect(await card.textContent()).toContain('200 份');
    await shot(page, 'unit-stock');
  });

  it('when unit staff withdraw a waiting application, then it is back to draft', async () => {
    const staff = await t.login('li_ua', 'Passw0rd123');
    const id = (
      await t.call('POST', '/api/v1/applications', { token: staff, body: { unitCode: 'UA', billTypeCode: 'FS01', quantity: 50 } })
    ).body.id;
    await page.goto(`${t.baseUrl}/m/applications/${id}`);
    await page.getByRole('button', { name: '撤销上报' }).click();
    await page.getByRole('button', { name: '撤销', exact: true }).click();
    await expect.poll(() => page.locator('[data-test="status"]').textContent()).toContain('草稿');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id })).status).toBe('draft');
  });

  it('when a write-off range is outside the stock, then the form says so as typed; when the server refuses a stale range, its message shows and nothing changes; a good report is then submitted', async () => {
    await page.goto(`${t.baseUrl}/m/writeoffs/new`);
    await page.locator('input[name="used-start"]').fill('101');
    await page.locator('input[name="used-end"]').fill('400');
    const problem = page.locator('[data-kind="used"] .problem');
    await expect.poll(() => problem.textContent()).toBe('号码 0000000301–0000000400 不在本单位库存中');
    const submit = page.getByRole('button', { name: '提交核销报告' });
    expect(await submit.isDisabled()).toBe(true);
    await shot(page, 'unit-writeoff-bad-range');

    await page.locator('input[name="used-end"]').fill('150');
    await page.locator('[data-add="voided"]').click();
    await page.locator('input[name="voided-start"]').fill('151');
    await page.locator('input[name="voided-end"]').fill('152');
    await expect.poll(() => page.locator('[data-test="preview-total"]').textContent()).toBe('52');
    expect(await problem.count()).toBe(0);

    // Meanwhile the same numbers are reported from another device: the form's view of the stock is stale.
    const staff = await t.login('li_ua', 'Passw0rd123');
    const other = await t.call('POST', '/api/v1/writeoffs', {
      token: staff,
      body: { unitCode: 'UA', billTypeCode: 'FS01', used: [{ batchCode: BATCH, startNo: 140, endNo: 145 }] },
    });
    expect(other.status).toBe(201);
    const before = { docs: await writeoffs(), ledger: await ledgerSnapshot(t.ds) };
    await submit.click();
    const error = page.locator('[data-test="error"]');
    await expect.poll(() => error.textContent()).toMatch(/0000000140|140/);
    expect(new URL(page.url()).pathname).toBe('/m/writeoffs/new');
    expect({ docs: await writeoffs(), ledger: await ledgerSnapshot(t.ds) }).toEqual(before);
    await shot(page, 'unit-writeoff-refused');

    // A good report: the rest of what is held.
    await page.locator('input[name="used-end"]').fill('139');
    await expect.poll(() => page.locator('[data-test="preview-total"]').textContent()).toBe('41');
    await shot(page, 'unit-writeoff-preview');
    await submit.click();
    await page.waitForURL(/\/m\/writeoffs\/\d+$/);
    const id = Number(page.url().split('/').pop());
    const doc = await t.ds.getRepository(BillDocument).findOneByOrFail({ id });
    expect(doc).toMatchObject({ docType: 'writeoff', status: 'submitted', quantity: 41 });
    await expect.poll(() => page.locator('[data-test="status"]').textContent()).toContain('已提交待审核');
    await shot(page, 'unit-writeoff-detail');
  });

  it('when a write-off of the type waits for approval, then a new application shows the 核旧领新 blocker before submitting and cannot be sent', async () => {
    await page.goto(`${t.baseUrl}/m/applications/new`);
    await page.locator('[data-bill-type="FS01"]').click();
    await page.getByLabel('申领数量').fill('100');
    const blockers = page.locator('[data-test="blockers"]');
    await expect.poll(() => blockers.textContent()).toContain('核旧领新');
    // The message starts at the box's padding (no indent left for a list marker that is not drawn).
    expect(
      await blockers.evaluate((ul) => Math.round(ul.querySelector('li')!.getBoundingClientRect().left - ul.getBoundingClientRect().left)),
    ).toBe(12);
    expect(await page.getByRole('button', { name: '提交申领' }).isDisabled()).toBe(true);
    await shot(page, 'unit-application-blocked');
  });

  it('when unit staff add information to their unit’s ticket, then it is on the ticket’s timeline', async () => {
    await page.goto(`${t.baseUrl}/m/tickets/${ownTicket}`);
    await page.getByRole('button', { name: '补充信息' }).click();
    await page.getByLabel('回复内容').fill('打印机型号是 OKI 5200F');
    await page.getByRole('button', { name: '发送回复' }).click();
    await expect.poll(() => page.locator('.bubble').last().textContent()).toContain('OKI 5200F');
    const events = await t.ds.getRepository(TicketEvent).findBy({ ticketId: ownTicket });
    expect(events.some((e) => e.body === '打印机型号是 OKI 5200F')).toBe(true);
  });

  it('when unit staff edit the URL to another unit’s application, write-off or ticket, then the server refuses and the page shows its Chinese message', async () => {
    for (const path of [`/m/applications/${otherUnitApplication}`, `/m/writeoffs/${otherUnitWriteoff}`, `/m/tickets/${otherUnitTicket}`]) {
      await page.goto(`${t.baseUrl}${path}`);
      const refused = page.locator('[data-test="refused"]');
      await expect.poll(() => refused.textContent()).toMatch(/本单位/);
      expect(await page.locator('main').textContent()).not.toContain('中医院的工单');
    }
    await shot(page, 'unit-isolation');
    // 返回 on a page opened by URL leads to the unit's own list: its ticket, not the other unit's.
    await page.getByText('返回').click();
    await page.waitForURL('**/m/tickets');
    await expect.poll(() => page.locator(`[data-ticket="${ownTicket}"]`).textContent()).toContain('打印的票据号码与系统不一致');
    expect(await page.locator(`[data-ticket="${otherUnitTicket}"]`).count()).toBe(0);
    await shot(page, 'unit-tickets');
    await page.goto(`${t.baseUrl}/m/applications`);
    await expect.poll(() => page.locator('[data-application]').count()).toBe(2);
    await shot(page, 'unit-applications');
    await page.goto(`${t.baseUrl}/m/writeoffs`);
    await expect.poll(() => page.locator('[data-writeoff]').count()).toBe(2);
    await shot(page, 'unit-writeoffs');
    // And the API refuses the same reads whatever a page shows.
    const staff = await t.login('li_ua', 'Passw0rd123');
    expect((await t.call('GET', `/api/v1/applications/${otherUnitApplication}`, { token: staff })).status).toBe(403);
  });
});
