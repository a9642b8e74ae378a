import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { makeRedisFactory } from '../../src/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { Incident } from '../../src/domain/monitoring/incident.entity';
import { loadConfig } from '../../src/config';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { renderSummaryMarkdown } from '../../src/domain/summaries/summary-markdown';
import { summaryPeriod } from '../../src/domain/summaries/summary-period';
import { ServiceSummary } from '../../src/domain/summaries/summary.entity';
import type { SummaryDetail } from '../../src/domain/summaries/summary.service';
import { startJobsRuntime } from '../../src/jobs/runtime';
import { makeSummaryProcessor } from '../../src/jobs/processors/summary.job';
import { makeLogger } from '../../src/logger';
import { issueToUnit, ledgerScenario } from '../helpers/ledger-fixtures';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';

// Times are Asia/Shanghai (+08:00). The week under test is Mon 2026-03-09 .. Sun 03-15; the one before 03-02 .. 03-08.
const at = (local: string) => new Date(`${local}+08:00`);
const RUN_AT = '2026-03-16T08:30:00';

let t: TestApp;
const leaderIds: number[] = [];
let scheduled: SummaryDetail;
let admin: string;

async function ticketAt(created: string, then: Array<['reply' | 'resolve', string]> = []): Promise<number> {
  t.clock.set(at(created));
  const ticket = await t.services.tickets.create(systemActor, {
    source: 'phone',
    summary: `问题 ${created}`,
    priority: 'normal',
    category: 'question',
  });
  for (const [what, when] of then) {
    t.clock.set(at(when));
    if (what === 'reply') await t.services.tickets.reply(systemActor, ticket.id, '已处理');
    else await t.services.tickets.resolve(systemActor, ticket.id);
  }
  return ticket.id;
}

async function exchange(when: string, text: string, intent: string, escalated: boolean): Promise<void> {
  await t.ds.getRepository(BotExchange).insert({
    channel: 'wecom',
    senderId: 'u1',
    messageId: null,
    userId: null,
    unitId: null,
    text,
    intent,
    score: 0.9,
    answer: '…',
    escalated,
    ticketId: null,
    entities: null,
    kbVersion: null,
    latencyMs: 5,
    at: at(when),
  });
}

async function consultation(when: string, channel: 'phone' | 'network', category: string): Promise<void> {
  t.clock.set(at(when));
  await t.services.consultations.create(systemActor, {
    channel,
    category,
    question: '如何开票',
    receivedAt: at(when).toISOString(),
  } as never);
}

// Incident rows as the monitoring part's alert intake leaves them.
async function incident(key: string, firing: string, resolved: string | null): Promise<void> {
  await t.ds.getRepository(Incident).insert({
    key,
    state: resolved ? 'resolved' : 'firing',
    source: 'probe',
    severity: 'critical',
    title: key,
    detail: '',
    labels: {},
    count: 1,
    firstFiringAt: at(firing),
    lastChangeAt: at(resolved ?? firing),
    resolvedAt: resolved ? at(resolved) : null,
    ticketId: null,
    changes: [],
    flapping: false,
    notifiedState: null,
    suppressed: 0,
  });
}

const outboxCount = async () => t.ds.getRepository(OutboxMessage).count();

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-01T09:00:00+08:00' });
  const s = t.services;
  const unit = (code: string, onboardingStatus: 'online' | 'trial' | 'not_online', onboardedOn?: string) =>
    s.catalog.createUnit(systemActor, { code, name: `单位${code}`, onboardingStatus, onboardedOn });
  await unit('UA', 'online', '2026-03-01');
  await unit('UB', 'online', '2026-03-11');
  await unit('UC', 'trial', '2026-03-01');
  await unit('UD', 'not_online');
  const { billType, unit: ledgerUnit, batchCode } = await ledgerScenario(s, { count: 1000 }); // its unit: online, no date
  for (const [name, wecom] of [
    ['局长', 'leader-a'],
    ['副局长', 'leader-b'],
    ['无企业微信', null],
  ] as const) {
    const u = await s.users.create(systemActor, {
      username: `ld-${name}`,
      name,
      role: 'leader',
      wecomUserId: wecom ?? undefined,
      password: 'Passw0rd123',
    });
    if (wecom) leaderIds.push(u.id);
  }

  // Previous week.
  await ticketAt('2026-03-02T09:00:00', [
    ['reply', '2026-03-02T09:20:00'],
    ['resolve', '2026-03-02T12:00:00'],
  ]);
  await ticketAt('2026-03-03T09:00:00', [['reply', '2026-03-03T09:10:00']]); // resolution breached 03-04, still open
  for (const [i, esc] of [false, false, false, true].entries())
    await exchange(`2026-03-0${3 + i}T10:00:00`, `旧问题${i}`, esc ? 'handoff.human' : 'writeoff.howto', esc);
  await consultation('2026-03-04T10:00:00', 'phone', '开票');
  t.clock.set(at('2026-03-05T10:00:00'));
  await issueToUnit(s, { unitCode: ledgerUnit.code, billTypeCode: billType.code, quantity: 100 });

  // The week.
  await ticketAt('2026-03-09T09:00:00', [
    ['reply', '2026-03-09T09:30:00'],
    ['resolve', '2026-03-09T15:00:00'],
  ]); // both clocks met
  await ticketAt('2026-03-09T09:00:00', [
    ['reply', '2026-03-09T11:00:00'],
    ['resolve', '2026-03-09T16:00:00'],
  ]); // response breached
  await ticketAt('2026-03-10T10:00:00'); // nobody answers: both clocks past due, no breach job ran
  await ticketAt('2026-03-15T23:30:00'); // Sunday night: in the week, due next week
  await ticketAt('2026-03-16T00:10:00'); // Monday 00:10: next week
  for (const [i, [text, intent, esc]] of (
    [
      ['怎么核销？', 'writeoff.howto', false],
      ['领票流程', 'apply.howto', false],
      ['库存多少', 'stock.query', false],
      ['怎么申请电子票据？', 'None', true],
      ['怎么 申请电子票据', 'None', true],
      ['今天天气怎么样', 'None', false],
    ] as const
  ).entries())
    await exchange(`2026-03-1${i % 5}T1${i}:00:00`, text, intent, esc);
  await consultation('2026-03-09T10:00:00', 'phone', '开票');
  await consultation('2026-03-12T10:00:00', 'phone', '开票');
  await consultation('2026-03-15T23:59:00', 'network', '核销');
  await consultation('2026-03-16T00:01:00', 'network', '核销'); // next week
  t.clock.set(at('2026-03-10T10:00:00'));
  await issueToUnit(s, { unitCode: ledgerUnit.code, billTypeCode: billType.code, quantity: 200 });
  t.clock.set(at('2026-03-11T10:00:00'));
  const w = await s.writeoffs.create(systemActor, {
    unitCode: ledgerUnit.code,
    billTypeCode: billType.code,
    used: [{ batchCode, startNo: 1, endNo: 50 }],
    voided: [],
    lost: [],
  });
  t.clock.set(at('2026-03-12T10:00:00'));
  await s.writeoffs.approve(systemActor, w.id, { result: '合格' });
  await incident('db', '2026-03-10T14:00:00', '2026-03-10T14:45:00');
  await incident('bill-system', '2026-03-15T23:00:00', null);

  t.clock.set(at(RUN_AT));
  scheduled = await s.summaries.run('system', { kind: 'weekly' });
  admin = await t.login(ADMIN.username, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
});

describe('summary periods', () => {
  it('when it is Monday 00:10 in Shanghai (still Sunday in UTC), then the last week is Monday..Sunday in Shanghai', () => {
    const p = summaryPeriod('weekly', new Date('2026-03-15T16:10:00Z'));
    expect([p.start, p.end, p.startAt.toISOString(), p.endAt.toISOString()]).toEqual([
      '2026-03-09',
      '2026-03-15',
      '2026-03-08T16:00:00.000Z',
      '2026-03-15T16:00:00.000Z',
    ]);
    expect(summaryPeriod('weekly', new Date('2026-03-15T15:50:00Z')).start).toBe('2026-03-02');
    const m = summaryPeriod('monthly', new Date('2026-03-01T01:00:00Z'));
    expect([m.start, m.end, m.days.length]).toEqual(['2026-02-01', '2026-02-28', 28]);
  });
});

describe('weekly figures', () => {
  it('when the week is summarised, then every figure counts that week only (Shanghai days) and compares with the week before', () => {
    const f = scheduled.figures;
    expect([scheduled.periodStart, scheduled.periodEnd, f.previous.start, f.previous.end]).toEqual([
      '2026-03-09',
      '2026-03-15',
      '2026-03-02',
      '2026-03-08',
    ]);
    expect(f.current.tickets).toMatchObject({ opened: 4, resolved: 2, backlog: 3, bySource: [{ key: 'phone', label: '来电', count: 4 }] });
    expect(f.previous.tickets).toMatchObject({ opened: 2, resolved: 1, backlog: 1 });
    expect(f.current.sla.clocks).toEqual([
      { kind: 'response', label: '响应', met: 1, breached: 2, rate: 0.3333 },
      { kind: 'onsite', label: '到场', met: 0, breached: 0, rate: null },
      { kind: 'resolution', label: '解决', met: 2, breached: 1, rate: 0.6667 },
    ]);
    expect([f.current.sla.met, f.current.sla.breached, f.current.sla.rate, f.previous.sla.rate]).toEqual([3, 3, 0.5, 0.75]);
    expect(f.current.bot).toEqual({
      questions: 6,
      answered: 3,
      escalated: 2,
      unanswered: 3,
      containmentRate: 0.5,
      topUnanswered: [
        { text: '怎么申请电子票据？', count: 2 },
        { text: '今天天气怎么样', count: 1 },
      ],
    });
    expect(f.previous.bot).toMatchObject({ questions: 4, answered: 3, containmentRate: 0.75 });
    expect(f.current.consultations).toEqual({
      total: 3,
      byChannel: [
        { key: 'phone', label: '电话', count: 2 },
        { key: 'network', label: '网络', count: 1 },
      ],
      byCategory: [
        { key: '开票', label: '开票', count: 2 },
        { key: '核销', label: '核销', count: 1 },
      ],
    });
    expect(f.current.units).toEqual({ total: 5, online: 3, trial: 1 });
    expect(f.previous.units).toEqual({ total: 5, online: 2, trial: 1 });
    expect(f.current.bills).toEqual({ issued: 200, issuances: 1, writtenOff: 50, writeoffs: 1 });
    expect(f.previous.bills).toEqual({ issued: 100, issuances: 1, writtenOff: 0, writeoffs: 0 });
    expect(f.current.faults).toEqual({ count: 2, downtimeMinutes: 105, openAtEnd: 1 });
    expect(f.previous.faults).toEqual({ count: 0, downtimeMinutes: 0, openAtEnd: 0 });
    expect(f.days.map((d) => [d.date.slice(5), d.opened, d.resolved, d.slaMet, d.slaBreached])).toEqual([
      ['03-09', 2, 2, 3, 1],
      ['03-10', 1, 0, 0, 1],
      ['03-11', 0, 0, 0, 1],
      ['03-12', 0, 0, 0, 0],
      ['03-13', 0, 0, 0, 0],
      ['03-14', 0, 0, 0, 0],
      ['03-15', 1, 0, 0, 0],
    ]);
  });

  it('when compared with the week before, then counts change in % and rates in percentage points', () => {
    const c = Object.fromEntries(scheduled.figures.comparison.map((x) => [x.key, [x.current, x.previous, x.change]]));
    expect(c).toMatchObject({
      consultations: [3, 1, '↑200%'],
      ticketsOpened: [4, 2, '↑100%'],
      ticketsResolved: [2, 1, '↑100%'],
      ticketBacklog: [3, 1, '↑200%'],
      slaRate: [0.5, 0.75, '↓25个百分点'],
      botQuestions: [6, 4, '↑50%'],
      botContainment: [0.5, 0.75, '↓25个百分点'],
      unitsOnline: [3, 2, '↑50%'],
      billsIssued: [200, 100, '↑100%'],
      billsWrittenOff: [50, 0, '新增'],
    });
    expect(c).toMatchObject({ faults: [2, 0, '新增'], downtime: [105, 0, '新增'] });
  });
});

describe('pushed markdown', () => {
  it('when the summary is stored, then its markdown fits a WeCom app message and carries the key figures and the link', () => {
    const md = scheduled.markdown;
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(2048);
    for (const part of [
      '服务周报',
      '2026-03-09 至 2026-03-15',
      '新建 4（↑100%）',
      '解决 2（↑100%）',
      'SLA 达标率** 50.0%（↓25个百分点）',
      '自助解决率 50.0%（↓25个百分点）',
      '电话 2、网络 1',
      '3/5',
      '发放 200 份（↑100%）',
      '核销 50 份（新增）',
      '故障** 2 次（新增），停机 105 分钟（新增），<font color="warning">未恢复 1</font>',
      '怎么申请电子票据？（2 次）',
      `[查看完整报告](http://127.0.0.1:3000/api/v1/summaries/${scheduled.id})`,
    ]) {
      expect(md).toContain(part);
    }
  });

  it('when there are many long unanswered questions, then the markdown is trimmed to 2048 bytes and keeps the headlines and the link', () => {
    const f = structuredClone(scheduled.figures);
    f.current.bot.topUnanswered = Array.from({ length: 40 }, (_, i) => ({
      text: `第${i}个很长很长的问题：${'票据'.repeat(60)}`,
      count: 40 - i,
    }));
    f.current.consultations.byCategory = Array.from({ length: 30 }, (_, i) => ({ key: `类别${i}`, label: `类别${i}很长的名字`, count: 1 }));
    const md = renderSummaryMarkdown(f, 'https://desk.example.gov.cn/api/v1/summaries/1');
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(2048);
    expect(md).toContain('新建 4（↑100%）');
    expect(md).toContain('（其余内容见完整报告）');
    expect(md.endsWith('[查看完整报告](https://desk.example.gov.cn/api/v1/summaries/1)')).toBe(true);
  });
});

describe('pushing to leaders', () => {
  it('when the scheduled summary runs, then each leader with a WeCom id gets one markdown message, once', async () => {
    const rows = await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
    const mine = rows.filter((r) => r.dedupeKey.startsWith('summary-'));
    expect(mine.map((r) => r.dedupeKey)).toEqual(leaderIds.map((id) => `summary-weekly-2026-03-09-u${id}`));
    // Each leader's copy carries their own signed, token-free link instead of the API address.
    const generic = `[查看完整报告](http://127.0.0.1:3000/api/v1/summaries/${scheduled.id})`;
    ['leader-a', 'leader-b'].forEach((u, i) => {
      const m = mine[i].message as { channel: string; toUsers: string[]; kind: string; content: string };
      expect({ ...m, content: undefined }).toEqual({ channel: 'app', toUsers: [u], kind: 'markdown', content: undefined });
      const link = new RegExp(
        `\\[查看完整报告\\]\\(http://127\\.0\\.0\\.1:3000/s/summaries/${scheduled.id}\\?u=${leaderIds[i]}&exp=\\d+&sig=[A-Za-z0-9_-]{43}\\)$`,
      );
      expect(m.content).toMatch(link);
      expect(m.content.replace(link, generic)).toBe(scheduled.markdown);
    });
    expect(scheduled).toMatchObject({ scheduled: true, version: 1, pushedTo: 2 });
  });

  it('when the scheduled run repeats (a retry, a second process, the job processor), then nothing more is stored or pushed', async () => {
    const before = await outboxCount();
    const again = await t.services.summaries.run('system', { kind: 'weekly' });
    const viaJob = await makeSummaryProcessor({ summaries: t.services.summaries, logger: makeLogger('silent') })({
      data: { kind: 'weekly' },
    } as never);
    expect([again.id, viaJob.id]).toEqual([scheduled.id, scheduled.id]);
    expect(await outboxCount()).toBe(before);
    expect(await t.ds.getRepository(ServiceSummary).countBy({ kind: 'weekly', periodStart: '2026-03-09' })).toBe(1);
  });
});

describe('POST /api/v1/summaries/weekly/run', () => {
  it('when unit staff ask, then 403 and nothing is stored', async () => {
    const { unit } = await ledgerScenario(t.services);
    const staff = await t.userToken('unit_staff', { unitCode: unit.code });
    const before = await t.ds.getRepository(ServiceSummary).count();
    const r = await t.call('POST', '/api/v1/summaries/weekly/run', { token: staff, body: {} });
    expect([r.status, r.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(await t.ds.getRepository(ServiceSummary).count()).toBe(before);
  });

  it('when a leader runs it again, then a new version is stored and pushed only with push=true', async () => {
    const leader = await t.userToken('leader');
    const before = await outboxCount();
    const r = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ periodStart: '2026-03-09', periodEnd: '2026-03-15', version: 2, scheduled: false, pushedTo: 0 });
    expect(r.body.figures.current.tickets.opened).toBe(4);
    expect(await outboxCount()).toBe(before);
    const pushed = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: { push: true } });
    expect(pushed.body).toMatchObject({ version: 3, pushedTo: 2 });
    expect(await outboxCount()).toBe(before + 2);
    const bad = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: { periodEnd: '2026-02-30' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION']);
  });

  it('when a past week or a month is asked for, then that period is summarised against the one before', async () => {
    const w = await t.call('POST', '/api/v1/summaries/weekly/run', { token: admin, body: { periodEnd: '2026-03-04' } });
    expect(w.body).toMatchObject({ periodStart: '2026-03-02', periodEnd: '2026-03-08', version: 1, pushedTo: 0 });
    expect(w.body.figures.current.tickets.opened).toBe(2);
    const m = await t.call('POST', '/api/v1/summaries/monthly/run', { token: admin, body: { periodEnd: '2026-03-31' } });
    expect(m.body).toMatchObject({ kind: 'monthly', periodStart: '2026-03-01', periodEnd: '2026-03-31' });
    expect(m.body.figures.current.tickets.opened).toBe(7);
    expect(m.body.figures.days).toHaveLength(31);
    expect(m.body.markdown).toContain('服务月报');
  });
});

describe('reading and downloads', () => {
  it('when leaders list and open summaries, then they see them; unit staff may not', async () => {
    const leader = await t.userToken('leader');
    const list = await t.call('GET', '/api/v1/summaries?kind=weekly&pageSize=2', { token: leader });
    expect(list.status, list.text).toBe(200);
    expect(list.body, list.text).toMatchObject({ total: 4, page: 1, pageSize: 2 });
    expect(list.body.items.map((i: { periodStart: string; version: number }) => `${i.periodStart}/v${i.version}`)).toEqual([
      '2026-03-09/v3',
      '2026-03-09/v2',
    ]);
    const one = await t.call('GET', `/api/v1/summaries/${scheduled.id}`, { token: leader });
    expect(one.body).toMatchObject({ id: scheduled.id, markdown: scheduled.markdown, createdBy: { id: null, name: 'system' } });
    expect((await t.call('GET', '/api/v1/summaries/99999', { token: leader })).status).toBe(404);
    const { unit } = await ledgerScenario(t.services);
    expect(
      (await t.call('GET', `/api/v1/summaries/${scheduled.id}`, { token: await t.userToken('unit_staff', { unitCode: unit.code }) }))
        .status,
    ).toBe(403);
  });

  it('when the xlsx is downloaded, then it reads back with the figures and the comparison', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/summaries/${scheduled.id}/xlsx`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('summary_weekly_2026-03-09_2026-03-15');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('服务周报');
    const rows = new Map<string, unknown[]>();
    ws?.eachRow((row) => rows.set(row.getCell(1).text, [row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]));
    expect(rows.get('新建工单')).toEqual([4, 2, '↑100%']);
    expect(rows.get('SLA 达标率')).toEqual(['50.0%', '75.0%', '↓25个百分点']);
    expect(rows.get('核销票据（份）')).toEqual([50, 0, '新增']);
    const days = wb.getWorksheet('每日工单与SLA');
    expect(days?.getRow(4).values).toEqual([undefined, new Date('2026-03-09T00:00:00Z'), 2, 2, 3, 1]);
    expect(wb.getWorksheet('未解答问题')?.getRow(4).getCell(1).value).toBe('怎么申请电子票据？');
  });

  it('when the chart is downloaded, then it is an 800×400 PNG', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/summaries/${scheduled.id}/chart.png`, { headers: { authorization: `Bearer ${admin}` } });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.subarray(12, 16).toString('ascii'), png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(['IHDR', 800, 400]);
    expect(png.length).toBeGreaterThan(5000);
  });
});

describe('scheduled jobs', () => {
  it('when SUMMARY_CRON is not a cron expression, then start-up stops naming it; by default Monday 08:30 and the 1st at 09:00', () => {
    expect(() => loadConfig({ SUMMARY_CRON: 'every monday' })).toThrow(/SUMMARY_CRON/);
    expect(loadConfig({})).toMatchObject({ SUMMARY_CRON: '30 8 * * 1', SUMMARY_MONTHLY_CRON: '0 9 1 * *' });
    expect(loadConfig({ SUMMARY_CRON: '0 9 * * 1' }).SUMMARY_CRON).toBe('0 9 * * 1');
  });

  it('when two runtimes start, then each summary has one repeatable job; a changed cron replaces the old one; a worker runs a job into the stored summary', async () => {
    const prefix = `test-summ-${randomBytes(4).toString('hex')}`;
    const base = {
      outbox: t.system.store.read.outbox,
      clock: t.clock,
      logger: makeLogger('silent'),
      redis: makeRedisFactory(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', makeLogger('silent')),
      prefix,
      sender: null,
      runWorkers: false,
    };
    const crons = { weekly: '30 8 * * 1', monthly: '0 9 1 * *' };
    const a = startJobsRuntime({ ...base, summaries: { service: t.services.summaries, crons } });
    const b = startJobsRuntime({ ...base, summaries: { service: t.services.summaries, crons } });
    try {
      await Promise.all([a.summarySchedules, b.summarySchedules]);
      const jobs = await a.queues.summaries.getRepeatableJobs();
      expect(jobs.map((j) => [j.name, j.cron, j.tz]).sort()).toEqual([
        ['monthly', '0 9 1 * *', 'Asia/Shanghai'],
        ['weekly', '30 8 * * 1', 'Asia/Shanghai'],
      ]);
      const c = startJobsRuntime({ ...base, summaries: { service: t.services.summaries, crons: { ...crons, weekly: '0 9 * * 1' } } });
      await c.summarySchedules;
      const after = await a.queues.summaries.getRepeatableJobs();
      expect(after.map((j) => [j.name, j.cron]).sort()).toEqual([
        ['monthly', '0 9 1 * *'],
        ['weekly', '0 9 * * 1'],
      ]);
      await c.stop();
      const worker = startJobsRuntime({ ...base, runWorkers: true, summaries: { service: t.services.summaries, crons } });
      try {
        const job = await worker.queues.summaries.add('weekly', { kind: 'weekly' }, { jobId: 'manual-weekly' });
        expect(await job.finished()).toEqual({ id: scheduled.id, pushedTo: 2 });
      } finally {
        await worker.stop();
      }
    } finally {
      await a.queues.summaries.obliterate({ force: true }).catch(() => undefined);
      await a.stop();
      await b.stop();
    }
  });
});
