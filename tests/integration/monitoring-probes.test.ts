import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import Redis from 'ioredis';
import { makeRedisFactory } from '../../src/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { Incident } from '../../src/domain/monitoring/incident.entity';
import { makeMonitor, type Monitor } from '../../src/domain/monitoring/monitor';
import { makeProbeSet, type ProbeThresholds } from '../../src/domain/monitoring/probes';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { nodeProbeIo } from '../../src/jobs/adapters/probe-io';
import { MONITORING_JOB_ID } from '../../src/jobs/processors/monitoring.job';
import { QUEUES } from '../../src/jobs/queues';
import { startJobsRuntime, type JobsRuntime } from '../../src/jobs/runtime';
import { makeLogger } from '../../src/logger';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MIN = 60_000;
const TH: ProbeThresholds = { dataDir: '.', diskMinFreePct: 0, queueBacklogMax: 1000, queueFailedMax: 50, checkTimeoutMs: 500 };

const listen = (s: Server | TcpServer, port = 0): Promise<number> =>
  new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
const close = (s: Server | TcpServer): Promise<void> =>
  new Promise((resolve) => {
    if ('closeAllConnections' in s) s.closeAllConnections();
    s.close(() => resolve());
  });

describe('monitoring probes', () => {
  let t: TestApp;
  let monitor: Monitor;
  let http: Server;
  let httpPort: number;
  let targetKey: string;
  const round = async () => {
    t.clock.advance(MIN);
    return monitor.runOnce();
  };
  const outboxFor = async (prefix: string) =>
    (await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).filter((m) => m.dedupeKey.startsWith(prefix));
  const contents = (ms: OutboxMessage[]) => ms.map((m) => (m.message as { content?: string }).content ?? '');
  const ticketCount = () => t.ds.getRepository(Ticket).countBy({ source: 'alert' });

  beforeAll(async () => {
    t = await startTestApp();
    await t.userToken('engineer', { username: 'zhang', wecomUserId: 'zhang-wx' });
    http = createHttpServer((_req, res) => res.end('ok'));
    httpPort = await listen(http);
    const r = await t.call('POST', '/api/v1/monitoring/targets', {
      token: t.adminToken,
      body: { kind: 'http', name: '开票服务', url: `http://127.0.0.1:${httpPort}/health`, timeoutMs: 500 },
    });
    expect(r.status).toBe(201);
    targetKey = `probe:target:${r.body.id}`;
    monitor = makeMonitor({
      store: t.system.store,
      clock: t.clock,
      alerts: t.services.alerts,
      probes: makeProbeSet(t.system.store, nodeProbeIo, TH),
    });
  });
  afterAll(async () => {
    if (http.listening) await close(http);
    await t?.close();
  });

  it('when an admin manages targets, then bad targets get Chinese 400s and only admins may list them', async () => {
    const bad = await t.call('POST', '/api/v1/monitoring/targets', {
      token: t.adminToken,
      body: { kind: 'tcp', name: '库', address: 'no-port' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('主机:端口');
    const dup = await t.call('POST', '/api/v1/monitoring/targets', {
      token: t.adminToken,
      body: { kind: 'http', name: '开票服务', url: 'http://127.0.0.1:1/' },
    });
    expect(dup.status).toBe(409);
    const list = await t.call('GET', '/api/v1/monitoring/targets', { token: t.adminToken });
    expect(list.body.items).toEqual([expect.objectContaining({ name: '开票服务', kind: 'http', expectedStatus: 200, enabled: true })]);
    const eng = await t.login('zhang', 'Passw0rd123');
    expect((await t.call('GET', '/api/v1/monitoring/targets', { token: eng })).status).toBe(403);
  });

  it('when the HTTP target goes down, then one alert and ticket after two failed rounds, and a recovery notice with the downtime when it is back', async () => {
    const first = await round();
    expect(first.find((o) => o.key === targetKey)).toMatchObject({ status: 'up', action: 'none' });
    expect(first.find((o) => o.key === 'probe:db')).toMatchObject({ status: 'up' });
    expect(first.find((o) => o.key === 'probe:disk')).toMatchObject({ status: 'up' });

    await close(http);
    const downAt = t.clock.now().getTime() + MIN;
    expect((await round()).find((o) => o.key === targetKey)).toMatchObject({ status: 'down', failures: 1, action: 'none' });
    expect(await t.ds.getRepository(Incident).countBy({ key: targetKey })).toBe(0);
    expect((await round()).find((o) => o.key === targetKey)).toMatchObject({ status: 'down', failures: 2, action: 'raised' });
    expect((await round()).find((o) => o.key === targetKey)).toMatchObject({ failures: 3, action: 'none' });

    const inc = await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey });
    expect(inc).toMatchObject({
      state: 'firing',
      source: 'probe',
      severity: 'critical',
      title: '监控目标「开票服务」不可用',
      count: 1,
      firstFiringAt: new Date(downAt),
    });
    expect(inc.detail).toContain('ECONNREFUSED');
    expect(await ticketCount()).toBe(1);
    expect(await outboxFor(`incident-${inc.id}-fire`)).toHaveLength(1);
    expect(await outboxFor(`ticket-${inc.ticketId}-alert`)).toHaveLength(1);

    await listen(http, httpPort);
    expect((await round()).find((o) => o.key === targetKey)).toMatchObject({ status: 'up', action: 'resolved' });
    const after = await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey });
    expect(after.state).toBe('resolved');
    const recovery = await outboxFor(`incident-${inc.id}-recover`);
    expect(recovery).toHaveLength(2);
    // Down from the first failed round (minute 2) to the round that saw it back (minute 5).
    for (const c of contents(recovery)) expect(c).toContain('已恢复，故障持续 3 分钟');
    expect(await ticketCount()).toBe(1);
  });

  it('when the target flaps, then notices stop after 4 changes in 30 minutes and one notice follows once it is stable', async () => {
    const before = await t.ds.getRepository(OutboxMessage).count();
    const inc0 = await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey });
    // Two down rounds then one up round per cycle: each cycle is a fire and a recovery.
    const cycle = async (upAgain: boolean) => {
      await close(http);
      await round();
      await round();
      if (upAgain) {
        await listen(http, httpPort);
        await round();
      }
    };
    await cycle(true); // changes 3 and 4 (the earlier test made 1 and 2): still announced
    const announced = await t.ds.getRepository(OutboxMessage).count();
    expect(announced - before).toBe(4); // card + robot, recovery to engineers + robot
    await cycle(false); // change 5: flapping, held
    const held = await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey });
    expect(held).toMatchObject({ state: 'firing', flapping: true, suppressed: 1, notifiedState: 'resolved', ticketId: inc0.ticketId });
    expect(await t.ds.getRepository(OutboxMessage).count()).toBe(announced);
    expect(await ticketCount()).toBe(1);

    for (let i = 0; i < 10; i++) await round(); // still down, not yet 15 quiet minutes
    expect((await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey })).flapping).toBe(true);
    expect(await t.ds.getRepository(OutboxMessage).count()).toBe(announced);
    for (let i = 0; i < 5; i++) await round();
    const settled = await t.ds.getRepository(Incident).findOneByOrFail({ key: targetKey });
    expect(settled).toMatchObject({ state: 'firing', flapping: false, notifiedState: 'firing', changes: [] });
    const late = contents(await outboxFor(`incident-${settled.id}-fire`)).filter((c) => c.includes('告警抖动已平息，仍未恢复'));
    expect(late).toHaveLength(1);
    await round();
    expect(contents(await outboxFor(`incident-${settled.id}-fire`)).filter((c) => c.includes('告警抖动已平息'))).toHaveLength(1);
    await listen(http, httpPort);
    expect((await round()).find((o) => o.key === targetKey)?.action).toBe('resolved');
  });

  it('when a TCP target stops accepting, then it alerts after two failed rounds', async () => {
    const tcp = createTcpServer((s) => s.end());
    const port = await listen(tcp);
    const r = await t.call('POST', '/api/v1/monitoring/targets', {
      token: await t.login('admin', 'Desk2026test'),
      body: { kind: 'tcp', name: '数据库端口', address: `127.0.0.1:${port}`, timeoutMs: 500 },
    });
    expect(r.status).toBe(201);
    const key = `probe:target:${r.body.id}`;
    expect((await round()).find((o) => o.key === key)).toMatchObject({ status: 'up', detail: expect.stringContaining('已连接') });
    await close(tcp);
    expect((await round()).find((o) => o.key === key)).toMatchObject({ status: 'down', action: 'none' });
    expect((await round()).find((o) => o.key === key)).toMatchObject({
      status: 'down',
      action: 'raised',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await t.ds.getRepository(Incident).findOneByOrFail({ key })).toMatchObject({
      state: 'firing',
      title: '监控目标「数据库端口」不可用',
    });
  });

  it('when the same round runs twice at one instant (two processes), then the failure is counted once', async () => {
    const key = 'probe:disk';
    const strict = makeMonitor({
      store: t.system.store,
      clock: t.clock,
      alerts: t.services.alerts,
      probes: makeProbeSet(t.system.store, nodeProbeIo, { ...TH, diskMinFreePct: 100 }),
    });
    t.clock.advance(MIN);
    const [a, b] = [await strict.runOnce(), await strict.runOnce()];
    expect(a.find((o) => o.key === key)).toMatchObject({ status: 'down', failures: 1, detail: expect.stringContaining('下限 100%') });
    expect(b.find((o) => o.key === key)?.action).toBe('skipped');
    expect(await t.ds.getRepository(Incident).countBy({ key })).toBe(0);
  });
});

describe('Redis probe and the repeatable monitoring job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when the private Redis stops, then the Redis probe alerts after two rounds and recovers when it is back', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 }).on('error', () => undefined);
    try {
      const monitor = makeMonitor({
        store: t.system.store,
        clock: t.clock,
        alerts: t.services.alerts,
        probes: makeProbeSet(t.system.store, { ...nodeProbeIo, redisPing: () => client.ping() }, TH),
      });
      const step = async () => {
        t.clock.advance(MIN);
        return (await monitor.runOnce()).find((o) => o.key === 'probe:redis')!;
      };
      expect(await step()).toMatchObject({ status: 'up', detail: 'PING 正常' });
      await redis.stop();
      expect(await step()).toMatchObject({ status: 'down', action: 'none' });
      expect(await step()).toMatchObject({ status: 'down', action: 'raised' });
      const inc = await t.ds.getRepository(Incident).findOneByOrFail({ key: 'probe:redis' });
      expect(inc).toMatchObject({ state: 'firing', severity: 'critical', ticketId: expect.any(Number) });
      await redis.start();
      await new Promise((r) => setTimeout(r, 400));
      expect(await step()).toMatchObject({ status: 'up', action: 'resolved' });
      const recovery = (await t.ds.getRepository(OutboxMessage).find()).filter((m) => m.dedupeKey.startsWith(`incident-${inc.id}-recover`));
      expect(recovery.length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('when two runtimes start the monitoring job, then Redis holds one repeatable job and it runs the probes', async () => {
    const prefix = `tmon${randomBytes(4).toString('hex')}`;
    const setup = {
      store: t.system.store,
      alerts: t.services.alerts,
      everyMs: 1000,
      failuresBeforeAlert: 2,
      thresholds: { ...TH, diskMinFreePct: 0 },
    };
    const common = {
      outbox: t.system.store.read.outbox,
      clock: t.clock,
      logger: makeLogger('silent'),
      redis: makeRedisFactory('redis://127.0.0.1:6379', makeLogger('silent')),
      prefix,
      sender: null,
      relay: { intervalMs: 60_000 },
    };
    const runtimes: JobsRuntime[] = [
      startJobsRuntime({ ...common, runWorkers: true, monitoring: setup }),
      startJobsRuntime({ ...common, runWorkers: false, monitoring: setup }),
    ];
    try {
      await Promise.all(runtimes.map((r) => r.monitoring!.registered));
      const repeatable = await runtimes[0].queues[QUEUES.monitoring].getRepeatableJobs();
      expect(repeatable).toHaveLength(1);
      expect(repeatable[0]).toMatchObject({ id: MONITORING_JOB_ID, every: 1000 });
      const done = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no monitoring round within 10 s')), 10_000);
        runtimes[0].queues[QUEUES.monitoring].once('completed', (_job, result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
      expect(done).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: 'probe:redis', status: 'up' }),
          expect.objectContaining({ key: 'probe:db', status: 'up' }),
        ]),
      );
    } finally {
      const q = runtimes[0].queues[QUEUES.monitoring];
      for (const r of await q.getRepeatableJobs()) await q.removeRepeatableByKey(r.key);
      await q.obliterate({ force: true }).catch(() => undefined);
      await Promise.all(runtimes.map((r) => r.stop()));
    }
  });
});
