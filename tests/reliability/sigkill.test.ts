import { randomBytes } from 'node:crypto';
import Bull from 'bull';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { openDatabase } from '../../src/domain/db/data-source';
import { makeDomainStore } from '../../src/domain/db/repositories';
import { systemOver } from '../helpers/test-app';
import { systemActor } from '../../src/domain/identity/actor';
import { systemClock } from '../../src/domain/clock';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import {
  buildService,
  CORP,
  freshDatabase,
  killAll,
  ROBOT_KEY,
  serviceEnv,
  spawnNode,
  until,
  type Child,
} from '../../tools/reliability/harness';
import { testDbUrl } from '../helpers/test-db';

// Worker processes run the compiled service (harness.buildService): ~30 s the first time.
describe('a worker process killed mid-job', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let fake: FakeWecom;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let notifications: Bull.Queue;
  let workerScript: string;
  let env: Record<string, string>;
  let n = 0;

  beforeAll(async () => {
    workerScript = (await buildService()).worker;
    redis = await startPrivateRedis();
    fake = await startFakeWecom({ ...CORP, robotKeys: [ROBOT_KEY] });
    db = await freshDatabase(testDbUrl);
    ds = await openDatabase(db.url);
    await (
      await systemOver(ds, systemClock)
    ).services.users.create(systemActor, {
      username: 'eng',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'eng-zhang',
    } as never);
    const prefix = `sk${randomBytes(3).toString('hex')}`;
    // A dead worker's lock lapses after 2 s and a live one looks for stalled jobs every second.
    env = serviceEnv({
      dbUrl: db.url,
      redisUrl: redis.url,
      prefix,
      fake,
      extra: { QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000', MONITOR_EVERY_S: '3600' },
    });
    notifications = new Bull('notifications', redis.url, { prefix });
  }, 300_000);
  afterAll(async () => {
    await killAll();
    await notifications?.close();
    await ds?.destroy();
    await fake?.stop();
    await redis?.stop();
    await db?.drop();
  });

  async function notify(): Promise<{ id: number; text: string }> {
    const text = `巡检提醒 ${++n} ${randomBytes(3).toString('hex')}`;
    await makeDomainStore(ds).transaction((tx) =>
      tx.outbox.enqueue(`sk-${n}`, { channel: 'app', toUsers: ['eng-zhang'], kind: 'text', content: text }, new Date()),
    );
    return { id: (await ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `sk-${n}` })).id, text };
  }
  const row = (id: number) => ds.getRepository(OutboxMessage).findOneByOrFail({ id });
  const received = (text: string) => fake.received.messages.filter((m) => JSON.stringify(m.body).includes(text)).length;
  const worker = (): Child => spawnNode(workerScript, env);

  it('when the worker is SIGKILLed while its job waits for WeCom, then another worker runs the job again after the lock lapses and the message arrives once', async () => {
    // The job hangs in its first step (fetching the access token), so nothing has left yet when it dies.
    fake.failNext('slow', 1, { on: 'gettoken', delayMs: 60_000 });
    const a = worker();
    const { id, text } = await notify();
    await until(async () => (await notifications.getActiveCount()) === 1, 60_000, `worker A to take the job\n${a.output()}`);
    a.proc.kill('SIGKILL');
    expect(await a.exited).toBeNull();
    expect(received(text)).toBe(0);
    expect((await row(id)).status).toBe('queued');

    const b = worker();
    await until(async () => (await row(id)).status === 'sent', 60_000, `worker B to send the recovered job\n${b.output()}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received(text)).toBe(1);
    expect(fake.received.messages).toHaveLength(1);
    const job = await notifications.getJob(`outbox-${id}`);
    expect(await job?.getState()).toBe('completed');
  }, 120_000);

  it('when a worker gets SIGTERM mid-job, then it finishes the job, marks it sent and exits 0', async () => {
    await killAll();
    fake.reset();
    const c = worker();
    const first = await notify();
    // Ready means the first job is done, not just that WeCom saw its message: until the worker marks
    // it complete, that job still counts as active and would be mistaken for the second below.
    await until(
      async () => (await row(first.id)).status === 'sent' && (await notifications.getActiveCount()) === 0,
      60_000,
      `worker C ready\n${c.output()}`,
    );
    // WeCom takes 3 s to answer this one.
    fake.failNext('slow', 1, { delayMs: 3000 });
    const { id, text } = await notify();
    await until(
      async () => (await notifications.getActive()).some((j) => (j.data as { outboxId?: number }).outboxId === id),
      30_000,
      'worker C to take the job',
    );
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect((await row(id)).status).toBe('sent');
    expect(received(text)).toBe(1);
    expect(await notifications.getActiveCount()).toBe(0);
  }, 120_000);
});
