import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { buildSystem, type System } from '../../src/system';
import { loadConfig } from '../../src/config';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import type { OutboundMessage } from '../../src/domain/outbox/outbox.types';
import { makeLogger } from '../../src/logger';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { call, CORP, freshDatabase, ROBOT_KEY, serviceEnv, until } from '../../tools/reliability/harness';
import { testDbUrl } from '../helpers/test-db';

describe('WeCom failing, then recovering', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let fake: FakeWecom;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let svc: System;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await startFakeWecom({ ...CORP, robotKeys: [ROBOT_KEY] });
    db = await freshDatabase(testDbUrl);
    const env = serviceEnv({
      dbUrl: db.url,
      redisUrl: redis.url,
      prefix: `wf${randomBytes(3).toString('hex')}`,
      fake,
      extra: { MONITOR_EVERY_S: '3600' },
    });
    // As `npm start` runs: buildSystem, jobs with inline workers, HTTP.
    svc = await buildSystem(loadConfig(env), makeLogger('silent'));
    svc.startJobs({ runWorkers: true });
    base = `http://127.0.0.1:${await svc.listen(undefined, '127.0.0.1')}`;
    await svc.services.users.create(systemActor, {
      username: 'eng',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'eng-zhang',
    } as never);
  }, 120_000);
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await svc?.close();
    await redis?.stop();
    await fake?.stop();
    await db?.drop();
  });

  /** Queues one message through the outbox, as any business change does; returns its row id and text. */
  async function notify(channel: 'app' | 'robot' = 'app'): Promise<{ id: number; text: string }> {
    const text = `第 ${++n} 条通知 ${randomBytes(3).toString('hex')}`;
    const message: OutboundMessage =
      channel === 'app'
        ? { channel, toUsers: ['eng-zhang'], kind: 'text', content: text }
        : { channel, robot: 'ops', kind: 'markdown', content: text };
    await svc.store.transaction((tx) => tx.outbox.enqueue(`wf-${n}`, message, new Date()));
    const row = await svc.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `wf-${n}` });
    return { id: row.id, text };
  }
  const row = (id: number) => svc.ds.getRepository(OutboxMessage).findOneByOrFail({ id });
  const deliveredWith = (text: string) =>
    [...fake.received.messages, ...fake.received.robot].filter((m) => JSON.stringify(m.body).includes(text)).length;

  it('when WeCom answers HTTP 500 and then "system busy" beyond the client’s own retries, then the job backs off, /health and the outbox show the failure, and the message arrives once', async () => {
    // The client retries 3 times within one attempt: 4 failures fail a job attempt.
    fake.failNext('http-500', 4);
    fake.failNext('busy', 4);
    const { id, text } = await notify();
    await until(async () => (await row(id)).attempts >= 1, 20_000, 'a failed attempt');
    const failing = await row(id);
    expect(failing.status).toBe('queued');
    expect(failing.lastError).toMatch(/HTTP 500|busy/);
    const health = await call<{ checks: Record<string, { status: string; detail?: string }> }>(base, 'GET', '/health');
    expect(health.body.checks.queues.detail).toMatch(/outboxRetrying=1/);
    expect(deliveredWith(text)).toBe(0);

    await until(async () => (await row(id)).status === 'sent', 40_000, 'sent after recovery');
    const sent = await row(id);
    expect(sent.attempts).toBe(2);
    expect(sent.lastError).toBeNull();
    expect(deliveredWith(text)).toBe(1);
    expect(
      (await call<{ checks: Record<string, { status: string; detail?: string }> }>(base, 'GET', '/health')).body.checks.queues.detail,
    ).toMatch(/outboxRetrying=0/);
  }, 90_000);

  it('when WeCom answers 45009 (rate limited) to the app and to the group robot, then each is retried later and arrives once', async () => {
    fake.failNext('rate-limit', 2);
    const app = await notify('app');
    const robot = await notify('robot');
    await until(async () => (await row(app.id)).status === 'sent' && (await row(robot.id)).status === 'sent', 40_000, 'both sent');
    expect((await row(app.id)).attempts + (await row(robot.id)).attempts).toBe(2);
    expect(deliveredWith(app.text)).toBe(1);
    expect(deliveredWith(robot.text)).toBe(1);
  }, 60_000);

  it('when the access token has expired, then the client fetches a new one and the message arrives once without a retry of the job', async () => {
    await notify();
    await until(() => fake.received.messages.length === 1, 10_000, 'a first message (token issued)');
    fake.expireTokens();
    const tokensBefore = fake.received.tokenRequests;
    const { id, text } = await notify();
    await until(async () => (await row(id)).status === 'sent', 20_000, 'sent with a fresh token');
    expect(fake.received.tokenRequests).toBe(tokensBefore + 1);
    expect(fake.received.rejected.map((r) => r.errcode)).toContain(42001);
    expect((await row(id)).attempts).toBe(0);
    expect(deliveredWith(text)).toBe(1);
  }, 40_000);

  it('when gettoken itself fails for a while, then nothing is sent without a token and the message arrives once it recovers', async () => {
    fake.expireTokens();
    fake.failNext('http-500', 4, { on: 'gettoken' });
    const { id, text } = await notify();
    await until(async () => (await row(id)).attempts >= 1, 20_000, 'a failed attempt');
    expect((await row(id)).lastError).toMatch(/500/);
    await until(async () => (await row(id)).status === 'sent', 40_000, 'sent after gettoken recovered');
    expect(deliveredWith(text)).toBe(1);
    expect(fake.received.messages).toHaveLength(1);
  }, 70_000);
});
