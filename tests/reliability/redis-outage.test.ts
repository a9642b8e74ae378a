import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { buildSystem, type System } from '../../src/system';
import { loadConfig } from '../../src/config';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { makeLogger } from '../../src/logger';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { ALERTS_TOKEN, call, CORP, freshDatabase, login, ROBOT_KEY, serviceEnv, until } from '../../tools/reliability/harness';
import { testDbUrl } from '../helpers/test-db';

// Builds on tests/integration/outbox-redis-outage.test.ts (jobs runtime alone): here the whole
// service of `npm start` answers HTTP while its Redis is gone.
const UNANSWERABLE = '开具票据时提示号段已被占用';

describe('the service while Redis is down', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let fake: FakeWecom;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let svc: System;
  let base: string;
  let token: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await startFakeWecom({ ...CORP, robotKeys: [ROBOT_KEY] });
    db = await freshDatabase(testDbUrl);
    const env = serviceEnv({
      dbUrl: db.url,
      redisUrl: redis.url,
      prefix: `ro${randomBytes(3).toString('hex')}`,
      fake,
      extra: { MONITOR_EVERY_S: '3600' },
    });
    // As `npm start` runs: buildSystem, jobs with inline workers, HTTP.
    svc = await buildSystem(loadConfig(env), makeLogger('silent'));
    svc.startJobs({ runWorkers: true });
    base = `http://127.0.0.1:${await svc.listen(undefined, '127.0.0.1')}`;
    token = await login(base);
    const { services } = svc;
    await services.catalog.createUnit(systemActor, { code: 'H7', name: '市第七人民医院', onboardingStatus: 'online' });
    for (const n of [1, 2, 3])
      await services.users.create(systemActor, {
        username: `staff${n}`,
        name: `单位员工${n}`,
        role: 'unit_staff',
        unitCode: 'H7',
        wecomUserId: `staff${n}`,
      } as never);
    await services.users.create(systemActor, { username: 'eng', name: '张工', role: 'engineer', wecomUserId: 'eng-zhang' } as never);
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
    await redis?.stop();
    await fake?.stop();
    await db?.drop();
  });

  const outbox = () => svc.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
  const ask = (sender: string, n: number) =>
    call(base, 'POST', '/api/v1/bot/messages', { token, body: { senderId: sender, text: `${UNANSWERABLE}（第 ${n} 次）` } });

  it('when Redis stops, then the API and the bot keep answering and everything waits in the outbox; when it is back, each notice arrives exactly once', async () => {
    const warm = await ask('staff1', 0);
    expect(warm.body.escalated).toBe(true);
    await fake.waitForMessages(1, 20_000);

    await redis.stop();
    const replies = [await ask('staff2', 1), await ask('staff3', 2)];
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body.escalated).toBe(true);
      expect(r.body.ticketId).toEqual(expect.any(Number));
      expect(r.body.reply).toContain(`#${String(r.body.ticketId)}`);
    }
    const alert = await fetch(`${base}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALERTS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'bill-system', severity: 'critical', title: '开票系统无法访问', detail: 'HTTP 502' }),
    });
    expect(alert.status).toBe(200);
    expect(((await alert.json()) as { results: Array<{ ticketId: number | null }> }).results[0].ticketId).toEqual(expect.any(Number));
    const users = await call(base, 'GET', '/api/v1/users', { token });
    expect(users.status).toBe(200);
    const health = await call<{ checks: Record<string, { status: string; detail?: string }> }>(base, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.queues.status).toBe('degraded');

    const waiting = (await outbox()).filter((m) => m.status !== 'sent');
    // Two escalation cards and the alert's engineer notice and ops-group post, none delivered yet.
    expect(waiting.length).toBeGreaterThanOrEqual(4);
    expect(waiting.some((m) => m.message.channel === 'robot')).toBe(true);
    expect(fake.received.messages).toHaveLength(1);
    expect(fake.received.robot).toHaveLength(0);

    await redis.start();
    await until(async () => (await outbox()).every((m) => m.status === 'sent'), 45_000, 'every outbox message sent');
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await outbox();
    const appRows = rows.filter((m) => m.message.channel === 'app');
    const robotRows = rows.filter((m) => m.message.channel === 'robot');
    expect(fake.received.messages).toHaveLength(appRows.length);
    expect(fake.received.robot).toHaveLength(robotRows.length);
    const bodies = [...fake.received.messages, ...fake.received.robot].map((m) => JSON.stringify(m.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    for (const n of [1, 2]) expect(bodies.filter((b) => b.includes(`（第 ${n} 次）`))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes('开票系统无法访问')).length).toBe(2);
  }, 120_000);
});
