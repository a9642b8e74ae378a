import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { Incident } from '../../src/domain/monitoring/incident.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';

const TOKEN = 'alerts-token-0123456789-abcdef';
const MIN = 60_000;
const auth = { authorization: `Bearer ${TOKEN}` };

const amAlert = (name: string, status: 'firing' | 'resolved', severity: string, startsAt: string, fingerprint: string) => ({
  status,
  labels: { alertname: name, severity, instance: 'bill-db:9100' },
  annotations: { summary: `${name} 告警`, description: `${name} 的详细说明` },
  startsAt,
  endsAt: status === 'resolved' ? startsAt : '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.local/graph',
  fingerprint,
});
const amBody = (alerts: unknown[]) => ({
  version: '4',
  groupKey: '{}:{alertname="x"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'desk',
  groupLabels: {},
  commonLabels: { job: 'bill' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.local',
  alerts,
});

describe('alert intake', () => {
  let t: TestApp;
  const counts = async () => ({
    incidents: await t.ds.getRepository(Incident).count(),
    tickets: await t.ds.getRepository(Ticket).count(),
    outbox: await t.ds.getRepository(OutboxMessage).count(),
    events: await t.ds.getRepository(TicketEvent).count(),
  });
  const outboxFor = async (prefix: string) =>
    (await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).filter((m) => m.dedupeKey.startsWith(prefix));
  const incident = (key: string) => t.ds.getRepository(Incident).findOneByOrFail({ key });
  const postAm = (body: unknown, headers: Record<string, string> = auth) =>
    t.call('POST', '/api/v1/alerts/alertmanager', { body, headers });

  beforeAll(async () => {
    t = await startTestApp({ env: { ALERTS_TOKEN: TOKEN } });
    await t.userToken('engineer', { username: 'zhang', wecomUserId: 'zhang-wx' });
  });
  afterAll(async () => t?.close());

  it('when Alertmanager posts 2 firing and 1 resolved, then two incidents fire with tickets and notices, and the resolved one recovers with its downtime', async () => {
    const startC = t.clock.now().toISOString();
    expect((await postAm(amBody([amAlert('DiskFull', 'firing', 'warning', startC, 'fpc')]))).status).toBe(200);
    const c0 = await incident('am:fpc');
    expect(c0).toMatchObject({ state: 'firing', ticketId: expect.any(Number) });

    t.clock.advance(12 * MIN);
    const now = t.clock.now().toISOString();
    const r = await postAm(
      amBody([
        amAlert('BillDbDown', 'firing', 'critical', now, 'fpa'),
        amAlert('SlowApi', 'firing', 'warning', now, 'fpb'),
        amAlert('DiskFull', 'resolved', 'warning', startC, 'fpc'),
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { key: string; outcome: string }) => [x.key, x.outcome])).toEqual([
      ['am:fpa', 'opened'],
      ['am:fpb', 'opened'],
      ['am:fpc', 'resolved'],
    ]);

    const a = await incident('am:fpa');
    const b = await incident('am:fpb');
    expect(a).toMatchObject({
      state: 'firing',
      severity: 'critical',
      source: 'alertmanager',
      title: 'BillDbDown 告警（bill-db:9100）',
      count: 1,
    });
    expect(b).toMatchObject({ state: 'firing', severity: 'warning' });
    const ta = await t.ds.getRepository(Ticket).findOneByOrFail({ id: a.ticketId! });
    const tb = await t.ds.getRepository(Ticket).findOneByOrFail({ id: b.ticketId! });
    expect(ta).toMatchObject({ source: 'alert', category: 'fault', priority: 'urgent', state: 'new' });
    expect(tb.priority).toBe('high');
    expect(await t.ds.getRepository(SlaClock).countBy({ ticketId: ta.id })).toBe(2);

    for (const inc of [a, b]) {
      const robot = await outboxFor(`incident-${inc.id}-fire`);
      expect(robot).toHaveLength(1);
      expect(robot[0].message).toMatchObject({ channel: 'robot', robot: 'ops', kind: 'markdown' });
      expect((robot[0].message as { content: string }).content).toContain('<font color="warning">【故障告警】');
      const eng = await outboxFor(`ticket-${inc.ticketId}-alert`);
      expect(eng).toHaveLength(1);
      expect(eng[0].message).toMatchObject({ channel: 'app', toUsers: ['zhang-wx'], kind: 'template_card' });
    }

    const c = await incident('am:fpc');
    expect(c).toMatchObject({ state: 'resolved', resolvedAt: new Date(now), ticketId: c0.ticketId });
    const recovery = await outboxFor(`incident-${c.id}-recover`);
    expect(recovery.map((m) => m.message.channel).sort()).toEqual(['app', 'robot']);
    for (const m of recovery) expect((m.message as { content: string }).content).toContain('已恢复，故障持续 12 分钟');
    // DiskFull recovered before its firing notices went out (no relay runs here): they expire at the
    // recovery and the relay drops them; the recovery notices and the still-firing alerts' notices go.
    const staleFiring = [...(await outboxFor(`incident-${c.id}-fire`)), ...(await outboxFor(`ticket-${c0.ticketId}-alert-${c.id}-`))];
    expect(staleFiring).toHaveLength(2);
    for (const m of staleFiring) expect(m).toMatchObject({ expiresAt: new Date(now), expiryReason: expect.stringMatching(/recovered/) });
    for (const m of recovery) expect(m.expiresAt).toBeNull();
    for (const inc of [a, b]) for (const m of await outboxFor(`incident-${inc.id}-fire`)) expect(m.expiresAt).toBeNull();
    const dropped = await t.system.store.read.outbox.expireDue(t.clock.now(), 100);
    expect(dropped.map((m) => m.id).sort()).toEqual(staleFiring.map((m) => m.id).sort());
    const ev = await t.ds.getRepository(TicketEvent).find({ where: { ticketId: c0.ticketId!, type: 'alert' } });
    expect(ev.map((e) => e.body)).toEqual([expect.stringContaining('已恢复，故障持续 12 分钟')]);
  });

  it('when the same firing alert is posted twice, then there is one ticket and one notice, and the incident counts both', async () => {
    const body = amBody([amAlert('QueueStuck', 'firing', 'critical', t.clock.now().toISOString(), 'fpdup')]);
    expect((await postAm(body)).status).toBe(200);
    const before = await counts();
    t.clock.advance(MIN);
    const again = await postAm(body);
    expect(again.status).toBe(200);
    expect(again.body.results[0].outcome).toBe('repeat');
    expect(await counts()).toEqual(before);
    const inc = await incident('am:fpdup');
    expect(inc.count).toBe(2);
    expect(await outboxFor(`incident-${inc.id}-`)).toHaveLength(1);
  });

  it('when the same new alert arrives three times at once, then one incident, one ticket and one notice', async () => {
    const before = await counts();
    const body = amBody([amAlert('Burst', 'firing', 'critical', t.clock.now().toISOString(), 'fpburst')]);
    const rs = await Promise.all([postAm(body), postAm(body), postAm(body)]);
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(rs.map((r) => r.body.results[0].outcome).sort()).toEqual(['opened', 'repeat', 'repeat']);
    const after = await counts();
    expect(after.incidents - before.incidents).toBe(1);
    expect(after.tickets - before.tickets).toBe(1);
    expect(after.outbox - before.outbox).toBe(2);
    expect((await incident('am:fpburst')).count).toBe(3);
  });

  it('when the token is missing or wrong, then 401 and nothing is stored', async () => {
    const before = await counts();
    const body = amBody([amAlert('Intruder', 'firing', 'critical', t.clock.now().toISOString(), 'fpbad')]);
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-wrong' }, { authorization: TOKEN }] as Array<
      Record<string, string>
    >) {
      const r = await postAm(body, headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
    const g = await t.call('POST', '/api/v1/alerts', {
      body: { source: 'x', severity: 'critical', title: 'y' },
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(g.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('when a body is malformed, then 400 with a Chinese message and nothing is stored', async () => {
    const before = await counts();
    const bad = [
      ['/api/v1/alerts/alertmanager', { ...amBody([]), version: '3' }, '第 4 版'],
      ['/api/v1/alerts/alertmanager', amBody([]), 'alerts 不能为空'],
      ['/api/v1/alerts/alertmanager', amBody([{ status: 'pending', labels: {} }]), 'status 必须是 firing 或 resolved'],
      ['/api/v1/alerts', { source: 'bill', severity: 'fatal', title: '开票服务异常' }, 'severity 必须是'],
      ['/api/v1/alerts', { source: 'bill', severity: 'critical', title: '' }, '标题不能为空'],
      ['/api/v1/alerts', { source: 'bill', severity: 'critical', title: 'x', extra: 1 }, '告警内容不正确'],
    ] as const;
    for (const [path, body, message] of bad) {
      const r = await t.call('POST', path, { body, headers: auth });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toContain(message);
    }
    const raw = await t.call('POST', '/api/v1/alerts', { raw: '{"source":', headers: auth });
    expect(raw.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('when a generic alert fires and then resolves, then it opens a ticket and sends a recovery notice, keyed by source and title', async () => {
    const body = { source: 'bill-system', severity: 'critical', title: '开票接口超时', detail: '连续 5 次超时' };
    const r = await t.call('POST', '/api/v1/alerts', { body, headers: auth });
    expect(r.status).toBe(200);
    expect(r.body.results[0]).toMatchObject({
      key: 'alert:bill-system:开票接口超时',
      status: 'firing',
      outcome: 'opened',
      ticketId: expect.any(Number),
    });
    t.clock.advance(75 * MIN);
    const done = await t.call('POST', '/api/v1/alerts', { body: { ...body, status: 'resolved' }, headers: auth });
    expect(done.body.results[0].outcome).toBe('resolved');
    const inc = await incident('alert:bill-system:开票接口超时');
    const robot = (await outboxFor(`incident-${inc.id}-recover`)).find((m) => m.message.channel === 'robot');
    expect((robot!.message as { content: string }).content).toContain('已恢复，故障持续 1 小时 15 分钟');
  });

  it('when people list incidents, then engineers and leaders see them newest change first and unit staff are refused', async () => {
    const eng = await t.login('zhang', 'Passw0rd123');
    const r = await t.call('GET', '/api/v1/incidents?state=firing&pageSize=2', { token: eng });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 4, page: 1, pageSize: 2 });
    expect(r.body.items.every((i: { state: string }) => i.state === 'firing')).toBe(true);
    const leader = await t.userToken('leader');
    expect((await t.call('GET', '/api/v1/incidents', { token: leader })).body.total).toBe(6);
    // The test clock has moved past the first admin token's hour.
    const admin = await t.login(ADMIN.username, ADMIN.password);
    expect((await t.call('POST', '/api/v1/units', { token: admin, body: { code: 'U1', name: '市教育局' } })).status).toBe(201);
    const staff = await t.userToken('unit_staff', { unitCode: 'U1' });
    expect((await t.call('GET', '/api/v1/incidents', { token: staff })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/incidents')).status).toBe(401);
  });
});

describe('alert intake without ALERTS_TOKEN', () => {
  it('when no token is configured, then both endpoints answer 404 and store nothing', async () => {
    const t = await startTestApp();
    try {
      for (const path of ['/api/v1/alerts', '/api/v1/alerts/alertmanager']) {
        const r = await t.call('POST', path, {
          body: { source: 'x', severity: 'critical', title: 'y' },
          headers: { authorization: 'Bearer anything-at-all-anything' },
        });
        expect(r.status).toBe(404);
        expect(r.body.error.message).toContain('ALERTS_TOKEN');
      }
      expect(await t.ds.getRepository(Incident).count()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
