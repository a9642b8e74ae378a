import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/identity/actor';
import { botFor } from '../helpers/bot-fixtures';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

type BotAnswer = { reply: string; intent: string; escalated: boolean; ticketId: number | null };

describe('bureau roles ask by chat: 本周工单情况, 上周周报, 现在有故障吗, 哪些单位逾期未核销', () => {
  let t: TestApp;
  let leader: string;
  let engineer: string;
  let admin: string;
  const as = async (token: string, text: string): Promise<BotAnswer> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token, body: { text } });
    expect(r.status, r.text).toBe(200);
    return r.body as BotAnswer;
  };
  const ask = async (senderId: string, text: string): Promise<BotAnswer> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: admin, body: { senderId, text } });
    expect(r.status, r.text).toBe(200);
    return r.body as BotAnswer;
  };
  const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-04T02:00:00Z' }); // Wednesday 10:00 in Shanghai
    await botFor(t);
    admin = t.adminToken;
    const s = t.services;
    await s.catalog.createBillType(systemActor, {
      code: 'YL01',
      name: '医疗收费票据',
      category: 'nontax',
      aliases: ['医疗票'],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    });
    await s.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', onboardingStatus: 'online' });
    await s.catalog.createUnit(systemActor, { code: 'Z1', name: '市第二中学', onboardingStatus: 'online' });
    await s.users.create(systemActor, {
      username: 'zhang',
      name: '张老师',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'zhangsan',
    } as never);
    await receive(s, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
    leader = await t.userToken('leader', { username: 'chen', wecomUserId: 'leader-chen' });
    engineer = await t.userToken('engineer', { username: 'wang', wecomUserId: 'eng-wang' });
    // Last week: one ticket, resolved late. This week: two escalations, one resolved in time.
    t.clock.set('2026-02-24T02:00:00Z');
    const old = await ask('zhangsan', '开具票据时提示号段已被占用');
    t.clock.set('2026-02-24T05:00:00Z');
    await t.call('POST', `/api/v1/tickets/${old.ticketId}/resolve`, { token: engineer, body: {} });
    t.clock.set('2026-03-02T03:00:00Z');
    const a = await ask('zhangsan', '转人工');
    t.clock.set('2026-03-02T03:20:00Z');
    await t.call('POST', `/api/v1/tickets/${a.ticketId}/resolve`, { token: engineer, body: {} });
    await ask('zhangsan', '系统打不开了，一直报错');
    t.clock.set('2026-03-04T02:00:00Z');
  });
  afterAll(async () => t?.close());

  it('when a leader asks 「本周工单情况」, then the figures equal those of the summary API for this week', async () => {
    // The API first: the bot's own exchange is logged after it answers, so both see the same exchanges.
    const api = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: { periodEnd: '2026-03-04' } });
    expect(api.status).toBe(200);
    const r = await as(leader, '本周工单情况');
    expect(r.intent).toBe('desk.summary');
    const cur = api.body.figures.current;
    expect(cur.tickets).toMatchObject({ opened: 2, resolved: 1 });
    expect(r.reply).toContain('本周（03-02 至 03-08，截至 03-04 10:00）工单情况');
    expect(r.reply).toContain(`新建 ${cur.tickets.opened}（`);
    expect(r.reply).toContain(`解决 ${cur.tickets.resolved}，未结 ${cur.tickets.backlog}`);
    expect(r.reply).toContain(`SLA 达标率 ${pct(cur.sla.rate)}`);
    expect(r.reply).toContain(`超时 ${cur.sla.breached} 次`);
    expect(r.reply).toContain(`机器人提问 ${cur.bot.questions}，自助解决率 ${pct(cur.bot.containmentRate)}，转人工 ${cur.bot.escalated}`);
    expect(r.reply).toContain(`故障 ${cur.faults.count} 次`);
  });

  it('when a leader asks 「上周周报」, then last week is summarised with its breach', async () => {
    const api = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: {} });
    const r = await as(leader, '上周周报');
    expect(r.intent).toBe('desk.summary');
    const cur = api.body.figures.current;
    expect(api.body).toMatchObject({ periodStart: '2026-02-23', periodEnd: '2026-03-01' });
    expect(r.reply).toContain('上周（02-23 至 03-01）工单情况');
    expect(r.reply).toContain(`新建 ${cur.tickets.opened}（`);
    expect(cur.sla.breached).toBeGreaterThan(0);
    expect(r.reply).toContain(`超时 ${cur.sla.breached} 次`);
  });

  it('when a leader asks 「现在有故障吗」, then firing incidents and open fault tickets are listed; unit staff are refused', async () => {
    const calm = await as(leader, '现在有故障吗');
    expect(calm.intent).toBe('incident.status');
    expect(calm.reply).toContain('目前没有正在告警的故障');
    expect(calm.reply).toMatch(/用户报障未处理完的工单 1 个/);
    await t.services.alerts.raise({
      key: 'probe:db',
      source: 'probe',
      severity: 'critical',
      title: '数据库连接失败',
      detail: 'timeout',
      labels: {},
    });
    const hot = await as(leader, '现在有没有故障');
    expect(hot.reply).toContain('当前有 1 个故障告警');
    expect(hot.reply).toMatch(/数据库连接失败（自 03-04 10:00 起，工单 #\d+）/);
    const staff = await ask('zhangsan', '现在有故障吗');
    expect(staff.reply).toContain('只向财政局工作人员提供');
    expect(staff.reply).not.toContain('数据库连接失败');
    const summary = await ask('zhangsan', '本周工单情况');
    expect(summary.reply).toContain('只向财政局工作人员提供');
  });

  it('when bureau staff ask 「哪些单位逾期未核销」, then the warnings report’s overdue list comes back; unit staff are refused', async () => {
    expect((await as(leader, '哪些单位逾期未核销')).reply).toContain('目前没有逾期未核销的单位');
    t.clock.set('2026-10-04T02:00:00Z'); // seven months after the issue: past the six-month grace
    // Tokens of March have expired by October.
    leader = await t.userToken('leader');
    engineer = await t.userToken('engineer');
    admin = await t.login('admin', 'Desk2026test');
    const w = await t.call('GET', '/api/v1/reports/warnings', { token: leader });
    expect(w.status, w.text).toBe(200);
    const row = w.body.overdueWriteoffs[0];
    expect(row).toMatchObject({ unitCode: 'H2', heldOldCount: 100 });
    const r = await as(leader, '哪些单位逾期未核销？');
    expect(r.reply).toContain('逾期未核销（领用超过 6 个月仍未核销）的单位 1 家');
    expect(r.reply).toContain(`市第二人民医院：医疗收费票据 ${row.heldOldCount} 份`);
    expect((await as(engineer, '有哪些单位超期没核销')).reply).toContain('市第二人民医院');
    const staff = await ask('zhangsan', '哪些单位逾期未核销');
    expect(staff.reply).toContain('只向财政局工作人员提供');
    expect(staff.reply).not.toContain('市第二人民医院：');
  });
});
