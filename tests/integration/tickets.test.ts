import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Monday 2026-03-02 10:00 Asia/Shanghai: working hours, so the response rule is 1 hour.
const START = '2026-03-02T02:00:00Z';
const MIN = 60_000;

describe('tickets API', () => {
  let t: TestApp;
  let eng: string;
  let leader: string;
  let staffA: string;
  let staffB: string;

  const snapshot = async () => ({
    tickets: await t.ds.getRepository(Ticket).find({ order: { id: 'ASC' } }),
    events: await t.ds.getRepository(TicketEvent).count(),
    clocks: await t.ds.getRepository(SlaClock).find({ order: { id: 'ASC' } }),
    outbox: await t.ds.getRepository(OutboxMessage).count(),
  });
  const open = async (body: Record<string, unknown> = {}) => {
    const r = await t.call('POST', '/api/v1/tickets', {
      token: eng,
      body: { source: 'phone', unitCode: 'UA', reporterName: '李会计', summary: '开票软件无法登录', ...body },
    });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  const act = (id: number, action: string, body: unknown = {}, token = eng) =>
    t.call('POST', `/api/v1/tickets/${id}/${action}`, { token, body });
  // Tokens live one hour on the test clock: moving the clock needs a fresh one.
  const move = async (to: string | number) => {
    if (typeof to === 'string') t.clock.set(to);
    else t.clock.advance(to);
    eng = await t.login('zhang', 'Passw0rd123');
  };
  const detail = async (id: number, token = eng) => (await t.call('GET', `/api/v1/tickets/${id}`, { token })).body;

  beforeAll(async () => {
    t = await startTestApp({ now: START });
    for (const unit of [
      { code: 'UA', name: '市教育局' },
      { code: 'UB', name: '市卫健委' },
    ]) {
      expect((await t.call('POST', '/api/v1/units', { token: t.adminToken, body: unit })).status).toBe(201);
    }
    eng = await t.userToken('engineer', { username: 'zhang', wecomUserId: 'zhang-wx' });
    await t.userToken('engineer', { username: 'wang', wecomUserId: 'wang-wx' });
    leader = await t.userToken('leader', { username: 'chief' });
    staffA = await t.userToken('unit_staff', { unitCode: 'UA', username: 'staff_a' });
    staffB = await t.userToken('unit_staff', { unitCode: 'UB' });
  });
  afterAll(async () => t?.close());

  it('when the desk logs a phone call, then 201 with response and resolution clocks from the SLA engine and an audited create', async () => {
    await move(START);
    const id = await open({ priority: 'high', category: 'login' });
    const d = await detail(id);
    expect(d).toMatchObject({
      state: 'new',
      source: 'phone',
      unitCode: 'UA',
      priority: 'high',
      category: 'login',
      responseRule: 'working-hours-1h',
    });
    const byKind = Object.fromEntries(d.clocks.map((c: { kind: string }) => [c.kind, c]));
    expect(byKind.response).toMatchObject({
      rule: 'working-hours-1h',
      state: 'running',
      dueAt: '2026-03-02T03:00:00.000Z',
      warnAt: '2026-03-02T02:48:00.000Z',
    });
    expect(byKind.resolution).toMatchObject({ rule: 'resolution-high', state: 'running', dueAt: '2026-03-02T10:00:00.000Z' });
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['created']);
    expect(await t.ds.getRepository(AuditEntry).countBy({ action: 'ticket.create', entityId: String(id) })).toBe(1);
  });

  it('when a ticket goes through its whole life cycle, then every step is an event and the clocks stop, pause and continue', async () => {
    await move(START);
    const id = await open();
    expect((await act(id, 'claim')).body.state).toBe('acknowledged');
    await move(5 * MIN);
    expect((await act(id, 'replies', { text: '请提供报错截图' })).body.state).toBe('in_progress');
    await move(5 * MIN);
    expect((await act(id, 'wait', { reason: '等待单位提供截图' })).body.state).toBe('waiting_user');
    let d = await detail(id);
    const resBefore = d.clocks.find((c: { kind: string }) => c.kind === 'resolution');
    expect(resBefore.state).toBe('paused');
    await move(30 * MIN);
    expect((await act(id, 'resume')).body.state).toBe('in_progress');
    d = await detail(id);
    const resAfter = d.clocks.find((c: { kind: string }) => c.kind === 'resolution');
    expect(resAfter.state).toBe('running');
    expect(new Date(resAfter.dueAt).getTime() - new Date(resBefore.dueAt).getTime()).toBe(30 * MIN);
    expect(resAfter.pausedMs).toBe(30 * MIN);

    const disp = await act(id, 'dispatch', { note: '上门检查网络' });
    expect(disp.status).toBe(200);
    expect((await act(id, 'dispatch')).status).toBe(409);
    await move(60 * MIN);
    expect((await act(id, 'arrive', { note: '已到现场' })).status).toBe(200);
    expect((await act(id, 'resolve', { note: '重装驱动后正常' })).body.state).toBe('resolved');
    d = await detail(id);
    expect(d.clocks.map((c: { kind: string; state: string }) => `${c.kind}:${c.state}`)).toEqual([
      'response:met',
      'resolution:met',
      'onsite:met',
    ]);
    await move(24 * 60 * MIN);
    const reopened = await act(id, 'reopen', { reason: '回访不满意，问题复现' });
    expect(reopened.body).toMatchObject({ state: 'in_progress', resolvedAt: null });
    d = await detail(id);
    const res = d.clocks.find((c: { kind: string }) => c.kind === 'resolution');
    expect(res).toMatchObject({ state: 'running', stoppedAt: null });
    expect(res.pauses).toHaveLength(2);
    expect((await act(id, 'close')).status).toBe(409);
    expect((await act(id, 'resolve')).status).toBe(200);
    expect((await act(id, 'close')).body.state).toBe('closed');
    d = await detail(id);
    expect(
      d.events.map((e: { type: string; meta: { to?: string } | null }) => (e.type === 'state' ? `state:${e.meta?.to}` : e.type)),
    ).toEqual([
      'created',
      'assign',
      'reply',
      'state:waiting_user',
      'state:in_progress',
      'dispatch',
      'arrive',
      'state:resolved',
      'state:in_progress',
      'state:resolved',
      'state:closed',
    ]);
    expect(d.closedAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('when a ticket is assigned, then the assignee is set and told in WeCom; an unknown or unit user is refused', async () => {
    await move(START);
    const id = await open();
    const r = await act(id, 'assign', { username: 'wang' });
    expect(r.status).toBe(200);
    expect((await detail(id)).assigneeUsername).toBe('wang');
    const msg = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `ticket-${id}-assign-${t.clock.now().getTime()}` });
    expect(msg.message).toMatchObject({ toUsers: ['wang-wx'] });
    expect((await act(id, 'assign', { username: 'ghost' })).status).toBe(400);
    expect((await act(id, 'assign', { username: 'staff_a' })).status).toBe(400);
  });

  it('when unit staff read and add information, then they see only their unit and their note resumes a waiting ticket', async () => {
    const a = await open({ unitCode: 'UA' });
    const b = await open({ unitCode: 'UB' });
    const list = await t.call('GET', '/api/v1/tickets?pageSize=200', { token: staffA });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((x: { unitId: number }) => x.unitId === list.body.items[0].unitId)).toBe(true);
    expect(list.body.items.map((x: { id: number }) => x.id)).not.toContain(b);
    expect((await t.call('GET', `/api/v1/tickets/${b}`, { token: staffA })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/tickets?unitCode=UB', { token: staffA })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/tickets/${a}`, { token: staffA })).status).toBe(200);
    expect((await t.call('GET', `/api/v1/tickets/${a}`, { token: staffB })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/tickets/${b}`, { token: staffB })).status).toBe(200);

    await act(a, 'wait', { reason: '请提供单位开票员的 UKey 编号' });
    const before = await snapshot();
    for (const [action, body] of [
      ['resolve', {}],
      ['claim', {}],
      ['close', {}],
      ['wait', { reason: 'x' }],
    ] as const) {
      expect((await act(a, action, body, staffA)).status).toBe(403);
    }
    expect((await act(b, 'replies', { text: '别的单位' }, staffA)).status).toBe(403);
    expect((await act(a, 'replies', { text: '领导补充' }, leader)).status).toBe(403);
    expect(await snapshot()).toEqual(before);

    const info = await act(a, 'replies', { text: 'UKey 编号 A123456' }, staffA);
    expect(info.body.state).toBe('in_progress');
    const d = await detail(a);
    expect(d.events.slice(-3).map((e: { type: string }) => e.type)).toEqual(['state', 'info', 'state']);
    expect(d.clocks.every((c: { state: string }) => c.state !== 'paused')).toBe(true);
  });

  it('when input is bad or the state forbids the action, then 404/409/400 and nothing changes', async () => {
    await move(START);
    const resolved = await open();
    await act(resolved, 'resolve');
    const closed = await open();
    await act(closed, 'resolve');
    await act(closed, 'close');
    const fresh = await open();
    const before = await snapshot();
    const cases: Array<[string, string, unknown, number]> = [
      ['GET', '/api/v1/tickets/99999', undefined, 404],
      ['POST', '/api/v1/tickets/99999/replies', { text: 'hi' }, 404],
      ['POST', '/api/v1/tickets/99999/resolve', {}, 404],
      ['POST', `/api/v1/tickets/${resolved}/resolve`, {}, 409],
      ['POST', `/api/v1/tickets/${closed}/resolve`, {}, 409],
      ['POST', `/api/v1/tickets/${closed}/replies`, { text: '还在吗' }, 409],
      ['POST', `/api/v1/tickets/${closed}/reopen`, { reason: '再看看' }, 409],
      ['POST', `/api/v1/tickets/${fresh}/resume`, {}, 409],
      ['POST', `/api/v1/tickets/${fresh}/arrive`, {}, 409],
      ['POST', `/api/v1/tickets/${fresh}/reopen`, { reason: 'x' }, 409],
      ['POST', `/api/v1/tickets/${fresh}/replies`, { text: '   ' }, 400],
      ['POST', `/api/v1/tickets/${fresh}/replies`, { text: 'ok', extra: 1 }, 400],
      ['POST', `/api/v1/tickets/${fresh}/reopen`, {}, 400],
      ['POST', `/api/v1/tickets/${fresh}/wait`, { reason: '' }, 400],
      ['POST', `/api/v1/tickets/${fresh}/close`, { now: true }, 400],
      ['POST', '/api/v1/tickets/abc/resolve', {}, 400],
      ['POST', '/api/v1/tickets', { source: 'bot', summary: 'x' }, 400],
      ['POST', '/api/v1/tickets', { source: 'phone', summary: 'x', priority: 'asap' }, 400],
      ['POST', '/api/v1/tickets', { source: 'phone' }, 400],
      ['POST', '/api/v1/tickets', { source: 'phone', summary: 'x', unitCode: 'NOPE' }, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await t.call(method, path, { token: eng, body });
      expect({ path, body, status: r.status, code: typeof r.body === 'object' ? r.body.error?.code : r.text }).toMatchObject({
        path,
        body,
        status,
      });
    }
    const malformed = await t.call('POST', `/api/v1/tickets/${fresh}/replies`, { token: eng, raw: '{"text":' });
    expect(malformed.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('when an admin names the SLA supervisor, then it is stored; others may not, and unknown users are refused', async () => {
    expect((await t.call('PUT', '/api/v1/desk/settings', { token: eng, body: { supervisorUsername: 'wang' } })).status).toBe(403);
    expect((await t.call('PUT', '/api/v1/desk/settings', { token: t.adminToken, body: { supervisorUsername: 'ghost' } })).status).toBe(400);
    expect((await t.call('PUT', '/api/v1/desk/settings', { token: t.adminToken, body: {} })).status).toBe(400);
    expect((await t.call('GET', '/api/v1/desk/settings', { token: eng })).body).toEqual({ supervisorUsername: null });
    const ok = await t.call('PUT', '/api/v1/desk/settings', { token: t.adminToken, body: { supervisorUsername: 'wang' } });
    expect(ok.body).toEqual({ supervisorUsername: 'wang' });
    expect((await t.call('GET', '/api/v1/desk/settings', { token: leader })).body).toEqual({ supervisorUsername: 'wang' });
    expect(await t.ds.getRepository(AuditEntry).countBy({ action: 'desk-settings.update' })).toBe(1);
  });

  it('when the SLA report is asked for a month, then compliance, response-time buckets and ticket counts match what happened', async () => {
    await move('2026-04-13T10:00:00+08:00'); // a plain Monday (04-06 is 清明)
    const quick = await open({ category: 'login' });
    const slow = await open({ category: 'login' });
    await open({ category: 'print', source: 'fax', unitCode: 'UB' });
    await move(10 * MIN);
    await act(quick, 'claim');
    await move(110 * MIN);
    await act(slow, 'claim');
    leader = await t.login('chief', 'Passw0rd123');
    staffA = await t.login('staff_a', 'Passw0rd123');
    const r = await t.call('GET', '/api/v1/reports/sla?from=2026-04-01&to=2026-04-30', { token: leader });
    expect(r.status).toBe(200);
    expect(r.body.byKind.find((k: { kind: string }) => k.kind === 'response')).toEqual({
      kind: 'response',
      kindName: '响应',
      total: 3,
      met: 1,
      breached: 1,
      running: 1,
      metPercent: 50,
    });
    expect(r.body.byMonth.map((m: { month: string; kind: string; total: number }) => `${m.month}/${m.kind}/${m.total}`)).toEqual([
      '2026-04/response/3',
      '2026-04/resolution/3',
    ]);
    const buckets = Object.fromEntries(r.body.responseTimes.map((b: { key: string; count: number }) => [b.key, b.count]));
    expect(buckets).toMatchObject({ le15: 1, le30: 0, le180: 1, open: 1 });
    expect(r.body.tickets.bySource).toEqual([
      { key: 'phone', label: '来电', count: 2 },
      { key: 'fax', label: '传真', count: 1 },
    ]);
    expect(r.body.tickets.byUnit).toEqual([
      { key: 'UA', label: '市教育局', count: 2 },
      { key: 'UB', label: '市卫健委', count: 1 },
    ]);
    expect(r.body.tickets.byCategory).toEqual([
      { key: 'login', label: 'login', count: 2 },
      { key: 'print', label: 'print', count: 1 },
    ]);
    const xlsx = await fetch(`${t.baseUrl}/api/v1/reports/sla?from=2026-04-01&to=2026-04-30&format=xlsx`, {
      headers: { authorization: `Bearer ${leader}` },
    });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const csv = await t.call('GET', '/api/v1/reports/sla?from=2026-04-01&to=2026-04-30&format=csv', { token: leader });
    expect(csv.text).toContain('响应时间分布');
    expect((await t.call('GET', '/api/v1/reports/sla', { token: staffA })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/reports/sla?from=2026-05-01&to=2026-04-01', { token: leader })).status).toBe(400);
    expect((await t.call('GET', '/api/v1/reports/sla?from=2026-02-30', { token: leader })).status).toBe(400);
  });
});
