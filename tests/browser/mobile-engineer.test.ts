import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consultation } from '../../src/domain/desk/records/consultation.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { launchBrowser, mobileContext } from './helpers/browser';
import { loginThroughWecom } from './helpers/login';
import { startWebApp, type WebApp } from './helpers/web-app';
import { nextWorkingMorning, shanghaiDate, shot } from './mobile-kit';

// A working morning: the response is due within 1 hour (warned at 48 minutes).
const START = nextWorkingMorning();
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

describe('mobile workbench: the engineer', () => {
  let t: WebApp;
  let browser: Browser;
  let page: Page;
  let ticketId: number;

  beforeAll(async () => {
    t = await startWebApp({ now: START });
    for (const unit of [
      { code: 'UA', name: '市第二中学', contactName: '李会计', contactPhone: '0571-8888 1234' },
      { code: 'UB', name: '市中医院' },
    ])
      expect((await t.call('POST', '/api/v1/units', { token: t.adminToken, body: unit })).status).toBe(201);
    await t.user('engineer', 'zhanggong', { name: '张建国' });
    const other = await t.userToken('engineer', { username: 'wanggong' });
    const r = await t.call('POST', '/api/v1/tickets', {
      token: other,
      body: { source: 'phone', unitCode: 'UA', reporterName: '李会计', summary: '开票软件登录时提示证书过期\n已重启电脑仍不行' },
    });
    ticketId = r.body.id;
    browser = await launchBrowser();
    // WeCom's in-app browser: the pages sign in through web authorisation, not the login form.
    page = await (await mobileContext(browser, { wecom: true })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('when the engineer opens the app in WeCom, then the fake authorise page signs them in and the queue opens first with the unassigned ticket, its unit, first line and a running countdown', async () => {
    await loginThroughWecom(page, t.baseUrl, 'zhanggong');
    // The engineer's first screen is the queue.
    await page.waitForURL(`${t.baseUrl}/m/tickets`);
    const row = page.locator(`[data-ticket="${ticketId}"]`);
    await expect.poll(() => row.textContent()).toContain('市第二中学');
    expect(await row.textContent()).toContain('开票软件登录时提示证书过期');
    expect(await row.textContent()).not.toContain('已重启电脑仍不行');
    expect(await row.locator('[role="timer"]').getAttribute('data-level')).toBe('ok');
    expect(await row.locator('[role="timer"]').textContent()).toMatch(/^响应 剩 (\d+ 分|1 小时 00 分)$/);
    expect(await page.locator('[data-test="queue-counts"]').textContent()).toContain('未认领 1');
    await shot(page, 'engineer-queue');
  });

  it('when a ticket nears its deadline, then its countdown turns amber from 80 % and red once breached', async () => {
    t.clock.set(at(50));
    await page.reload();
    const timer = page.locator(`[data-ticket="${ticketId}"] [role="timer"]`);
    await expect.poll(() => timer.getAttribute('data-level')).toBe('warning');
    t.clock.set(at(65));
    await page.reload();
    await expect.poll(() => timer.getAttribute('data-level')).toBe('breached');
    expect(await timer.textContent()).toContain('已超时');
    await shot(page, 'engineer-queue-breached');
  });

  it('when the engineer claims, dispatches, arrives and resolves on the phone, then each is stored and the timeline shows it', async () => {
    await page.locator(`[data-ticket="${ticketId}"]`).click();
    await page.waitForURL(`**/m/tickets/${ticketId}`);
    await expect.poll(() => page.locator('[data-test="tel"]').getAttribute('href')).toBe('tel:057188881234');
    await shot(page, 'engineer-ticket');

    const button = (name: string) => page.locator('nav.actions').getByRole('button', { name, exact: true });
    await button('认领').click();
    await expect.poll(async () => (await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).state).toBe('acknowledged');
    t.clock.set(at(70));
    await button('出发').click();
    await expect.poll(async () => (await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).dispatchedAt).not.toBeNull();
    t.clock.set(at(100));
    await expect.poll(() => button('到达').isEnabled()).toBe(true);
    await button('到达').click();
    await expect
      .poll(async () => (await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).arrivedAt?.toISOString())
      .toBe(at(100));
    await button('已解决').click();
    await page.getByLabel('处理结果（可选）').fill('重新导入证书后可以登录');
    await page.getByRole('button', { name: '确认已解决' }).click();
    await expect.poll(async () => (await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).state).toBe('resolved');
    const timeline = page.locator('.van-steps');
    await expect.poll(() => timeline.textContent()).toContain('重新导入证书后可以登录');
    for (const step of ['认领/分派', '出发（派员现场）', '到达现场']) expect(await timeline.textContent()).toContain(step);
    await shot(page, 'engineer-ticket-resolved');
  });

  it('when a bot ticket is opened, then its guesses read as the knowledge base names them, and a reply from the phone goes to the asker in WeCom', async () => {
    const { ticket } = await t.services.tickets.escalate({
      source: 'bot',
      unitId: null,
      reporterUserId: null,
      reporterWecomId: 'liu-kuaiji',
      reporterName: '刘会计',
      question: '我们单位想多领一些票怎么办',
      guesses: [{ intent: 'application.status', score: 0.41 }],
      priority: 'normal',
      category: 'question',
    });
    await page.goto(`${t.baseUrl}/m/tickets/${ticket.id}`);
    await expect.poll(() => page.locator('main').textContent()).toContain('查询本单位申领单的审核、发放进度和退回原因');
    expect(await page.locator('main').textContent()).toContain('41%');
    // Opened straight from a link, the countdowns still count from the server's time (response within 1 hour).
    expect(await page.locator('.clock [role="timer"]').first().textContent()).toMatch(/^剩 (\d+ 分|1 小时 00 分)$/);
    await page.locator('nav.actions').getByRole('button', { name: '回复', exact: true }).click();
    await page.getByLabel('回复内容').fill('可以在系统“票据申领”菜单新增申领单，单次上限见页面提示。');
    await page.getByRole('button', { name: '发送回复' }).click();
    await expect.poll(() => page.locator('.bubble.out').textContent()).toContain('票据申领');
    const replies = await t.ds.getRepository(TicketEvent).findBy({ ticketId: ticket.id, type: 'reply' });
    expect(replies).toHaveLength(1);
    const toAsker = (await t.ds.getRepository(OutboxMessage).find()).filter((m) => JSON.stringify(m.message).includes('liu-kuaiji'));
    expect(toAsker.length).toBeGreaterThanOrEqual(1);
    await shot(page, 'engineer-ticket-bot');
  });

  it('when the engineer logs a call — unit found by part of its name, category tapped, ticket opened — then the consultation and its ticket are stored', async () => {
    await page.goto(`${t.baseUrl}/m/calls`);
    await page.locator('[data-test="new-call"]').click();
    await page.waitForURL('**/m/calls/new');
    await page.getByLabel('单位').fill('中医');
    await page.locator('[data-unit="UB"]').click();
    await page.getByLabel('来电人').fill('王主任');
    await page.getByRole('button', { name: '开票操作' }).click();
    await page.getByLabel('问题').fill('如何补打已开具的票据？');
    await page.getByRole('button', { name: '同时建工单' }).click();
    await shot(page, 'engineer-call-new');
    await page.getByRole('button', { name: '保存来电记录' }).click();
    await page.waitForURL(/\/m\/tickets\/\d+$/);
    const saved = await t.ds.getRepository(Consultation).find();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ channel: 'phone', caller: '王主任', category: '开票操作', question: '如何补打已开具的票据？' });
    expect(saved[0].linkedTicketId).toBe(Number(page.url().split('/').pop()));
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: saved[0].linkedTicketId as number });
    expect(ticket).toMatchObject({ source: 'phone', reporterName: '王主任', category: '开票操作' });
  });

  it('when the engineer opens 巡检/培训, then today’s schedules and trainings are listed', async () => {
    const eng = await t.login('zhanggong', 'Passw0rd123');
    await t.call('POST', '/api/v1/inspections/schedules', {
      token: eng,
      body: { name: '每日系统巡检', frequency: 'daily', checklist: [{ key: 'db', label: '数据库' }] },
    });
    await t.call('POST', '/api/v1/trainings', {
      token: eng,
      body: { date: shanghaiDate(START), topic: '电子票据开具培训', trainer: '张工', attendees: 35 },
    });
    await page.goto(`${t.baseUrl}/m/field`);
    await expect.poll(() => page.locator('main').textContent()).toContain('每日系统巡检');
    expect(await page.locator('main').textContent()).toContain('电子票据开具培训');
    expect(await page.locator('main').textContent()).toContain('待巡检');
    await shot(page, 'engineer-field');
  });
});
