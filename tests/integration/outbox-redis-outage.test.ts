import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { makeWecomClient } from '../../src/bot/channels/wecom/client';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { makeWecomSender } from '../../src/bot/channels/wecom/sender';
import { systemClock } from '../../src/domain/clock';
import { makeTicketService } from '../../src/domain/desk/ticket.service';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startJobsRuntime, type JobsRuntime } from '../../src/jobs/runtime';
import { makeLogger } from '../../src/logger';
import { oneHourDue } from '../helpers/bot-fixtures';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { openTestDb } from '../helpers/test-db';
import { makeDomainServices } from '../../src/domain/services';

const corp = { corpId: 'wwoutage0001', corpSecret: 'outage-secret', agentId: '1000002' };

async function until(cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('outbox delivery across a Redis outage', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let fake: FakeWecom;
  let jobs: JobsRuntime;
  let tickets: ReturnType<typeof makeTicketService>;

  beforeAll(async () => {
    db = await openTestDb();
    redis = await startPrivateRedis();
    fake = await startFakeWecom({ ...corp, robotKeys: [] });
    const services = makeDomainServices({ ds: db.ds, clock: systemClock });
    await services.users.create(systemActor, {
      username: 'eng',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'zhanggong',
      password: 'Passw0rd123',
    });
    tickets = makeTicketService({ ds: db.ds, clock: systemClock, due: oneHourDue });
    const logger = makeLogger('silent');
    const client = makeWecomClient({ apiBase: fake.url, ...corp, logger });
    jobs = startJobsRuntime({
      ds: db.ds,
      clock: systemClock,
      logger,
      redisUrl: redis.url,
      prefix: `t${randomBytes(4).toString('hex')}`,
      sender: makeWecomSender({ client, logger }),
      runWorkers: true,
      relay: { intervalMs: 50, staleAfterMs: 1000, sweepEveryMs: 200 },
    });
  });
  afterAll(async () => {
    await jobs?.stop();
    await redis?.stop();
    await fake?.stop();
    await db?.close();
  });

  const escalate = (n: number) =>
    tickets.escalate({
      unitId: null,
      reporterUserId: null,
      reporterWecomId: null,
      reporterName: `来电人${n}`,
      question: `问题 ${n}`,
      guesses: [],
      source: 'bot',
      priority: 'normal',
      category: 'question',
    });

  it('when Redis stops and comes back, then escalations keep working and every notice arrives exactly once', async () => {
    for (let i = 1; i <= 3; i++) await escalate(i);
    await fake.waitForMessages(3, 15_000);

    await redis.stop();
    // The business operation does not depend on Redis: it commits, the notice waits in the outbox.
    for (let i = 4; i <= 8; i++) await escalate(i);
    const pending = await db.ds.getRepository(OutboxMessage).countBy({ status: 'pending' });
    expect(pending + (await db.ds.getRepository(OutboxMessage).countBy({ status: 'queued' }))).toBeGreaterThanOrEqual(5);
    expect(fake.received.messages.length).toBe(3);

    await redis.start();
    await until(async () => (await db.ds.getRepository(OutboxMessage).countBy({ status: 'sent' })) === 8, 30_000, 'all 8 sent');
    await new Promise((r) => setTimeout(r, 500));

    const titles = fake.received.messages.map((m) => JSON.stringify(m.body));
    expect(fake.received.messages.length).toBe(8);
    expect(new Set(titles).size).toBe(8);
    for (let i = 1; i <= 8; i++) expect(titles.some((t) => t.includes(`问题 ${i}`))).toBe(true);
  });
});
