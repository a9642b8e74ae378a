import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/identity/actor';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Wednesday 2026-03-11 10:00 Asia/Shanghai (working hours: response within 1 hour).
const START = '2026-03-11T02:00:00Z';
const MIN = 60_000;

describe('workbench reads (mobile pages)', () => {
  let t: TestApp;
  let zhang: string;
  let wang: string;
  let leader: string;
  let staff: string;

  const ticket = async (summary: string, token = zhang, body: Record<string, unknown> = {}) => {
    const r = await t.call('POST', '/api/v1/tickets', { token, body: { source: 'phone', unitCode: 'UA', summary, ...body } });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  const queue = async (token = zhang, q = '') => t.call('GET', `/api/v1/workbench/queue${q}`, { token });

  beforeAll(async () => {
    t = await startTestApp({ now: START });
    expect(
      (
        await t.call('POST', '/api/v1/units', {
          token: t.adminToken,
          body: { code: 'UA', name: '市教育局', contactPhone: '0571-8888 1234' },
        })
      ).status,
    ).toBe(201);
    zhang = await t.userToken('engineer', { username: 'zhang' });
    wang = await t.userToken('engineer', { username: 'wang' });
    leader = await t.userToken('leader', { username: 'chief' });
    staff = await t.userToken('unit_staff', { unitCode: 'UA' });
  });
  afterAll(async () => t?.close());

  it('when an engineer opens the queue, then own tickets come first, then unassigned, each by nearest deadline; others’ and closed ones are absent', async () => {
    const unassignedOld = await ticket('打印机不出票\n第二行细节');
    t.clock.advance(10 * MIN);
    const urgent = await ticket('系统无法登录', zhang, { priority: 'urgent' });
    const mineLater = await ticket('申领额度咨询');
    const wangs = await ticket('王工的单子');
    const done = await ticket('已解决的单子');
    for (const [id, tok] of [
      [mineLater, zhang],
      [wangs, wang],
      [done, zhang],
    ] as const)
      expect((await t.call('POST', `/api/v1/tickets/${id}/claim`, { token: tok, body: {} })).status).toBe(200);
    expect((await t.call('POST', `/api/v1/tickets/${done}/resolve`, { token: zhang, body: {} })).status).toBe(200);

    const r = await queue();
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { id: number }) => i.id)).toEqual([mineLater, unassignedOld, urgent]);
    expect(r.body).toMatchObject({
      total: 3,
      mine: 1,
      unassigned: 2,
      page: 1,
      pageSize: 20,
      serverNow: new Date(Date.parse(START) + 10 * MIN).toISOString(),
    });
    const first = r.body.items[1];
    expect(first).toMatchObject({ unitCode: 'UA', unitName: '市教育局', firstLine: '打印机不出票', mine: false, state: 'new' });
    // The response clock (1 h from 10:00) is the nearest; warn at 80 %.
    expect(first.nearest).toMatchObject({
      kind: 'response',
      state: 'running',
      startedAt: '2026-03-11T02:00:00.000Z',
      warnAt: '2026-03-11T02:48:00.000Z',
      dueAt: '2026-03-11T03:00:00.000Z',
    });
    // The claimed ticket's response clock is met: only the resolution clock still counts.
    expect(r.body.items[0].clocks.map((c: { kind: string }) => c.kind)).toEqual(['resolution']);
    // Wang sees his own ticket first and the same unassigned ones.
    const w = await queue(wang);
    expect(w.body.items.map((i: { id: number }) => i.id)).toEqual([wangs, unassignedOld, urgent]);
  });

  it('when the queue is paged, then 20 a page by default and the rest on the next page', async () => {
    const p2 = await queue(zhang, '?page=2&pageSize=2');
    expect(p2.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(p2.body.items).toHaveLength(1);
  });

  it('when a ticket waits for the user, then its clocks show paused and it sorts after running ones of its group', async () => {
    const r0 = await queue();
    const mine = r0.body.items[0].id as number;
    expect((await t.call('POST', `/api/v1/tickets/${mine}/wait`, { token: zhang, body: { reason: '请提供截图' } })).status).toBe(200);
    const r = await queue();
    const row = r.body.items.find((i: { id: number }) => i.id === mine);
    expect(row.nearest.state).toBe('paused');
    expect(row.nearest.pausedSince).not.toBeNull();
  });

  it('when any signed-in user asks for the server clock, then it is the server’s time (phone countdowns are set by it)', async () => {
    const r = await t.call('GET', '/api/v1/workbench/clock', { token: staff });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ serverNow: t.clock.now().toISOString() });
    expect((await t.call('GET', '/api/v1/workbench/clock', {})).status).toBe(401);
  });

  it('when unit staff or a leader ask for the queue, then 403 and the Chinese message', async () => {
    for (const tok of [staff, leader]) {
      const r = await queue(tok);
      expect(r.status).toBe(403);
      expect(r.body.error.message).toBe('无权执行此操作');
    }
  });

  it('when the engineer opens today’s work, then schedules due now come first, today’s runs and today’s trainings are listed', async () => {
    const daily = await t.call('POST', '/api/v1/inspections/schedules', {
      token: zhang,
      body: { name: '每日系统巡检', frequency: 'daily', checklist: [{ key: 'db', label: '数据库' }] },
    });
    const weekly = await t.call('POST', '/api/v1/inspections/schedules', {
      token: zhang,
      body: { name: '每周备份检查', frequency: 'weekly', checklist: [{ key: 'bk', label: '备份' }] },
    });
    expect(daily.status).toBe(201);
    expect(weekly.status).toBe(201);
    const run = await t.call('POST', '/api/v1/inspections', {
      token: zhang,
      body: { scheduleId: weekly.body.id, results: [{ item: 'bk', status: 'ok' }] },
    });
    expect(run.status).toBe(201);
    for (const [date, topic] of [
      ['2026-03-11', '新版开票软件操作'],
      ['2026-03-12', '明天的培训'],
    ])
      expect((await t.call('POST', '/api/v1/trainings', { token: zhang, body: { date, topic, trainer: '张工' } })).status).toBe(201);

    const r = await t.call('GET', '/api/v1/workbench/today', { token: zhang });
    expect(r.status).toBe(200);
    expect(r.body.date).toBe('2026-03-11');
    expect(r.body.inspections.map((i: { name: string; due: boolean }) => [i.name, i.due])).toEqual([
      ['每日系统巡检', true],
      ['每周备份检查', false],
    ]);
    expect(r.body.runsToday).toHaveLength(1);
    expect(r.body.trainings.map((s: { topic: string }) => s.topic)).toEqual(['新版开票软件操作']);
    expect((await t.call('GET', '/api/v1/workbench/today', { token: staff })).status).toBe(403);
  });

  it('when a leader opens the dashboard, then this week against last comes from the weekly summary code, with faults now and overdue write-offs', async () => {
    const r = await t.call('GET', '/api/v1/workbench/dashboard', { token: leader });
    expect(r.status).toBe(200);
    expect(r.body.week).toEqual({ start: '2026-03-09', end: '2026-03-15' });
    expect(r.body.previousWeek).toEqual({ start: '2026-03-02', end: '2026-03-08' });
    const opened = r.body.comparison.find((c: { key: string }) => c.key === 'ticketsOpened');
    expect(opened).toMatchObject({ label: '新建工单', current: 5, previous: 0, change: '新增' });
    expect(r.body.faults).toEqual({ firingNow: 0, countThisWeek: 0, downtimeMinutesThisWeek: 0 });
    expect(r.body.units).toMatchObject({ total: 1 });
    expect(r.body.overdueWriteoffs).toEqual({ count: 0, units: 0, rows: [] });
    // The same figures as a summary of this week.
    const s = await t.services.summaries.run(systemActor, { kind: 'weekly', periodEnd: '2026-03-11' });
    expect(s.figures.comparison).toEqual(r.body.comparison);
    expect((await t.call('GET', '/api/v1/workbench/dashboard', { token: staff })).status).toBe(403);
  });

  it('when a leader asks for a summary page link, then it is a signed /s/summaries link that opens the page', async () => {
    const s = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: {} });
    expect(s.status).toBe(200);
    const r = await t.call('GET', `/api/v1/summaries/${s.body.id}/page-link`, { token: leader });
    expect(r.status).toBe(200);
    expect(r.body.path).toMatch(new RegExp(`^/s/summaries/${s.body.id}\\?u=\\d+&exp=\\d+&sig=`));
    const page = await fetch(`${t.baseUrl}${r.body.path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('服务');
    expect((await t.call('GET', '/api/v1/summaries/999999/page-link', { token: leader })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/summaries/${s.body.id}/page-link`, { token: staff })).status).toBe(403);
  });
});
