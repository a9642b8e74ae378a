import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import type { TicketService } from '../../src/domain/desk/ticket.service';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { startTestSystem } from '../helpers/test-app';

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
  let sys: Awaited<ReturnType<typeof startTestSystem>>;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let fake: FakeWecom;
  let tickets: TicketService;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await startFakeWecom({ ...corp, robotKeys: [] });
    sys = await startTestSystem({
      realTime: true,
      env: { WECOM_CORP_ID: corp.corpId, WECOM_SECRET: corp.corpSecret, WECOM_AGENT_ID: corp.agentId },
      overrides: { redisUrl: redis.url, wecomApiBase: fake.url },
    });
    const { services } = sys;
    await services.users.create(systemActor, {
      username: 'eng',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'zhanggong',
      password: 'Passw0rd123',
    });
    tickets = services.tickets;
    sys.system.startJobs({ runWorkers: true, relay: { intervalMs: 50, staleAfterMs: 1000, sweepEveryMs: 200 } });
  });
  afterAll(async () => {
    await sys?.close();
    await redis?.stop();
    await fake?.stop();
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
    const pending = await sys.ds.getRepository(OutboxMessage).countBy({ status: 'pending' });
    expect(pending + (await sys.ds.getRepository(OutboxMessage).countBy({ status: 'queued' }))).toBeGreaterThanOrEqual(5);
    expect(fake.received.messages.length).toBe(3);

    await redis.start();
    await until(async () => (await sys.ds.getRepository(OutboxMessage).countBy({ status: 'sent' })) === 8, 30_000, 'all 8 sent');
    await new Promise((r) => setTimeout(r, 500));

    const titles = fake.received.messages.map((m) => JSON.stringify(m.body));
    expect(fake.received.messages.length).toBe(8);
    expect(new Set(titles).size).toBe(8);
    for (let i = 1; i <= 8; i++) expect(titles.some((t) => t.includes(`问题 ${i}`))).toBe(true);
  });
});
