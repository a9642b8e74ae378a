import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { systemActor, type Actor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import type { OutboundMessage } from '../../src/domain/outbox/outbox.types';
import type Bull from 'bull';
import { makeNotificationProcessor, type NotificationJobData } from '../../src/jobs/processors/notification.job';
import { makeLogger } from '../../src/logger';
import type { System } from '../../src/system';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { startTestApp, systemOver, type TestApp } from '../helpers/test-app';
import { openTestDb } from '../helpers/test-db';

const corp = { corpId: 'wwexpiry0001', corpSecret: 'expiry-secret', agentId: '1000002' };
const HOUR = 3600_000;

async function until(cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const escalation = (wecomId: string, question: string) => ({
  unitId: null,
  reporterUserId: null,
  reporterWecomId: wecomId,
  reporterName: wecomId,
  question,
  guesses: [],
  source: 'bot' as const,
  priority: 'normal' as const,
  category: 'question' as const,
});

describe('switching WeCom on over a database whose outbox waited for weeks', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let fake: FakeWecom;
  let before: System | undefined; // the channel off: the relay queues messages, nothing sends them
  let after: System | undefined; // the channel on: a sender, the relay and the workers
  const clock = fixedClock('2026-02-02T02:00:00Z'); // Monday 2026-02-02 10:00 Shanghai, four weeks before "now"
  const prefix = `t-expiry-${randomBytes(4).toString('hex')}`;
  const rows = () => db.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } });
  const row = (key: string) => db.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: key });
  const keyOf = async (start: string) => (await rows()).find((r) => r.dedupeKey.startsWith(start))!.dedupeKey;
  const surveyKey = async (ticketId: number) =>
    (await rows()).find((r) => r.dedupeKey.startsWith('return-visit-') && JSON.stringify(r.message).includes(`关于工单 #${ticketId}`))!
      .dedupeKey;
  const allQueued = () => until(async () => (await rows()).every((r) => r.status === 'queued'), 15_000, 'the relay to queue every message');
  const delivered = (text: string) => fake.received.messages.filter((m) => JSON.stringify(m.body).includes(text)).length;

  beforeAll(async () => {
    fake = await startFakeWecom({ ...corp, robotKeys: [] });
    db = await openTestDb();
  });
  afterAll(async () => {
    await before?.close();
    await after?.close();
    await db?.close();
    await fake?.stop();
  });

  it('when the channel comes on, then return-visit surveys and on-site notices of weeks ago and late breach escalations are dropped (never sent), the rest is delivered, and /health counts the dropped', async () => {
    // Weeks ago, WeCom not configured: an HTTP-only process whose relay moves messages into the queue.
    before = await systemOver(db.ds, clock, { REDIS_PREFIX: prefix });
    const { services } = before;
    await services.users.create(systemActor, {
      username: 'zg',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'zhanggong',
      password: 'Passw0rd123',
    });
    await services.users.create(systemActor, {
      username: 'chief',
      name: '刘科长',
      role: 'leader',
      wecomUserId: 'chief-wx',
      password: 'Passw0rd123',
    });
    await services.deskSettings.update(systemActor, { supervisorUsername: 'chief' });
    const eng = (await services.users.actorForWecom('zhanggong')) as Actor;
    before.startJobs({ runWorkers: false, relay: { intervalMs: 50 } });

    // Ticket 1: answered, an engineer sent on site, resolved; the next working day the survey is asked.
    const t1 = (await services.tickets.escalate(escalation('wangfang', '打印机无法打印票据'))).ticket.id;
    await services.tickets.reply(eng, t1, '旧回复：请先重启打印服务');
    await services.tickets.dispatch(eng, t1);
    clock.advance(5 * 60_000);
    await services.tickets.resolve(eng, t1, '已更换打印模板');
    await allQueued();
    clock.set('2026-02-03T02:10:00Z');
    expect((await services.returnVisits.runDue()).asked).toBe(1);
    // The day jump made every queued message look lost to the relay's sweep: it re-relays them, and
    // drops the on-site notice of yesterday, already expired, on the way (the channel is still off).
    await until(async () => (await rows()).every((r) => r.status !== 'pending'), 15_000, 'the relay to settle');
    expect((await row(await keyOf(`ticket-${t1}-dispatch-`))).status).toBe('expired');
    const oldQueued = (await rows()).filter((r) => r.status === 'queued').map((r) => r.dedupeKey);
    expect(oldQueued).toContain(await surveyKey(t1));
    await before.close();
    before = undefined;

    // Still weeks ago, no relay running (the process is down): ticket 2 waits in the outbox as pending.
    after = await systemOver(db.ds, clock, {
      REDIS_PREFIX: prefix,
      MONITOR_EVERY_S: '3600',
      WECOM_CORP_ID: corp.corpId,
      WECOM_SECRET: corp.corpSecret,
      WECOM_AGENT_ID: corp.agentId,
      WECOM_API_BASE: fake.url,
    });
    const t2 = (await after.services.tickets.escalate(escalation('lisi', '开票软件登录失败'))).ticket.id;
    await after.services.tickets.reply(eng, t2, '旧回复：请检查证书');
    await after.services.tickets.dispatch(eng, t2);
    const oldPending = (await rows()).filter((r) => r.status === 'pending').map((r) => r.dedupeKey);
    expect(oldPending).toContain(await keyOf(`ticket-${t2}-dispatch-`));

    // Four weeks later: a ticket resolved last Friday gets its survey this Monday; another one is dispatched now.
    clock.set('2026-02-27T02:00:00Z');
    const t3 = (await after.services.tickets.escalate(escalation('wangfang', '电子票据无法上传'))).ticket.id;
    await after.services.tickets.resolve(eng, t3, '已重新上传');
    clock.set('2026-03-02T02:05:00Z');
    expect((await after.services.returnVisits.runDue()).asked).toBe(1);
    clock.set('2026-03-02T02:10:00Z');
    const t4 = (await after.services.tickets.escalate(escalation('zhaoliu', '核销数据对不上'))).ticket.id;
    await after.services.tickets.reply(eng, t4, '新回复：正在核对');
    await after.services.tickets.dispatch(eng, t4);

    // Waiting: some in the queue (Redis), some in the outbox table; none sent.
    for (const key of oldQueued) expect((await row(key)).status).toBe('queued');
    for (const key of oldPending) expect((await row(key)).status).toBe('pending');
    expect(fake.received.messages).toHaveLength(0);

    // The channel comes on.
    after.startJobs({ runWorkers: true, relay: { intervalMs: 50 } });
    const base = `http://127.0.0.1:${await after.listen(0, '127.0.0.1')}`;

    const onsite = (id: number) => `工单 #${id}：工程师将到现场处理`;
    const fresh = ['新回复：正在核对', onsite(t4), `关于工单 #${t3}`];
    const permanent = ['旧回复：请先重启打印服务', '旧回复：请检查证书', `您的工单 #${t1} 已处理完毕`];
    const sent = [...fresh, ...permanent];
    await until(() => sent.every((text) => delivered(text) === 1), 30_000, 'the fresh and the permanent messages');

    // Ticket 2's on-site and resolution clocks ran out weeks ago: the SLA jobs escalate now, too late.
    const t2Clocks = await db.ds.getRepository(SlaClock).findBy({ ticketId: t2 });
    const breachKeys = t2Clocks.filter((c) => c.kind !== 'response').map((c) => `sla-breach-${c.id}`);
    expect(breachKeys).toHaveLength(2);
    const stale = [await keyOf(`ticket-${t1}-dispatch-`), await surveyKey(t1), await keyOf(`ticket-${t2}-dispatch-`), ...breachKeys];
    await until(
      async () => (await rows()).filter((r) => r.status === 'expired').length === stale.length,
      30_000,
      'the stale messages to be dropped',
    );
    await until(async () => (await rows()).every((r) => r.status === 'sent' || r.status === 'expired'), 30_000, 'an idle outbox');
    await new Promise((r) => setTimeout(r, 300));

    const expired = (await rows()).filter((r) => r.status === 'expired');
    expect(expired.map((r) => r.dedupeKey).sort()).toEqual([...stale].sort());
    for (const r of expired) {
      expect(r.expiresAt!.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      expect(r.expiryReason).toBeTruthy();
      expect(r.sentAt).toBeNull();
    }
    expect((await row(stale[1])).expiryReason).toMatch(/3-day answer window/);
    expect((await row(breachKeys[0])).expiryReason).toMatch(/12 h after the deadline/);
    // The stale ones never reached WeCom; everything else arrived once.
    for (const text of [onsite(t1), onsite(t2), `关于工单 #${t1}`, `【SLA 超时督办】工单 #${t2}`]) expect(delivered(text)).toBe(0);
    for (const text of sent) expect(delivered(text)).toBe(1);

    const health = await fetch(`${base}/health`).then((r) => r.json() as Promise<{ checks: Record<string, { detail?: string }> }>);
    expect(health.checks.queues.detail).toContain(`outboxExpired=${stale.length}`);
    expect(health.checks.queues.detail).toContain('outboxPending=0');
  }, 90_000);
});

describe('outbox expiry rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' });
    await t.userToken('engineer', { username: 'zg', wecomUserId: 'zhanggong' });
  });
  afterAll(async () => t?.close());

  const outbox = () => t.system.store.read.outbox;
  const enqueue = (key: string, expiry?: { at: Date; reason: string }) => {
    const message: OutboundMessage = { channel: 'app', toUsers: ['zhanggong'], kind: 'text', content: key };
    return t.system.store.transaction((tx) => tx.outbox.enqueue(key, message, t.clock.now(), expiry));
  };
  const row = (key: string) => t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: key });

  it('when a pending message passes its expiry, then it is no longer due but dropped once, with its reason kept', async () => {
    const now = t.clock.now();
    await enqueue('rule-a', { at: new Date(now.getTime() + HOUR), reason: 'test: one hour' });
    await enqueue('rule-b');
    const a = await row('rule-a');
    const b = await row('rule-b');
    expect(a).toMatchObject({ status: 'pending', expiresAt: new Date(now.getTime() + HOUR), expiryReason: 'test: one hour' });
    expect(b.expiresAt).toBeNull();
    expect(await outbox().duePending(now, 100)).toEqual(expect.arrayContaining([a.id, b.id]));

    const later = new Date(now.getTime() + HOUR);
    expect(await outbox().duePending(later, 100)).not.toContain(a.id);
    expect(await outbox().duePending(later, 100)).toContain(b.id);
    const [first, second] = await Promise.all([outbox().expireDue(later, 100), outbox().expireDue(later, 100)]);
    expect([...first, ...second].filter((m) => m.id === a.id)).toHaveLength(1);
    expect(await row('rule-a')).toMatchObject({ status: 'expired', sentAt: null });
    expect((await row('rule-b')).status).toBe('pending');
    expect((await outbox().counts()).expired).toBeGreaterThanOrEqual(1);
  });

  it('when a queued message expires before the notifications job gets to it, then the job drops it without sending, once', async () => {
    const sentMessages: OutboundMessage[] = [];
    const process = makeNotificationProcessor({
      outbox: outbox(),
      sender: { send: async (m) => void sentMessages.push(m) },
      clock: t.clock,
      logger: makeLogger('silent'),
    });
    const job = (id: number) =>
      ({ data: { outboxId: id }, attemptsMade: 0, opts: { attempts: 8 } }) as unknown as Bull.Job<NotificationJobData>;
    await enqueue('queued-soon', { at: new Date(t.clock.now().getTime() + HOUR), reason: 'test: one hour' });
    await enqueue('queued-keeps');
    const soon = await row('queued-soon');
    const keeps = await row('queued-keeps');
    for (const r of [soon, keeps]) expect(await outbox().claim(r.id, t.clock.now())).toBe(true);

    t.clock.advance(2 * HOUR);
    expect(await process(job(soon.id))).toBe('expired');
    expect(await process(job(soon.id))).toBe('expired');
    expect(await process(job(keeps.id))).toBe('sent');
    expect(await row('queued-soon')).toMatchObject({ status: 'expired', sentAt: null, expiryReason: 'test: one hour' });
    expect(sentMessages.map((m) => (m as { content: string }).content)).toEqual(['queued-keeps']);
  });

  it('when messages are expired by key prefix, then only unsent ones of exactly that prefix are touched, and an earlier expiry stays', async () => {
    const now = t.clock.now();
    await enqueue('incident-1-fire-100-robot');
    await enqueue('incident-12-fire-100-robot');
    await enqueue('INCIDENT-1-fire-100-robot');
    await enqueue('incident-1-fire-200-robot', { at: new Date(now.getTime() - HOUR), reason: 'earlier' });
    await enqueue('incident-1-fire-300-robot');
    const sent = await row('incident-1-fire-300-robot');
    await outbox().markSent(sent.id, now);

    const n = await t.system.store.transaction((tx) => tx.outbox.expireUnsent(['incident-1-fire-'], now, 'recovered'));
    expect(n).toBe(1);
    expect(await row('incident-1-fire-100-robot')).toMatchObject({ expiresAt: now, expiryReason: 'recovered' });
    expect((await row('incident-12-fire-100-robot')).expiresAt).toBeNull();
    expect((await row('INCIDENT-1-fire-100-robot')).expiresAt).toBeNull();
    expect(await row('incident-1-fire-200-robot')).toMatchObject({ expiresAt: new Date(now.getTime() - HOUR), expiryReason: 'earlier' });
    expect(await row('incident-1-fire-300-robot')).toMatchObject({ status: 'sent', expiresAt: null });
  });

  it('when the bot answers too late for the passive reply, then the app message with the answer expires 2 hours later', async () => {
    await t.services.exchangeLog.queueLateAnswer('wecom', 'msg-late-1', 'wangfang', '您单位目前库存 120 份');
    expect(await row('wecom-reply-msg-late-1')).toMatchObject({
      status: 'pending',
      expiresAt: new Date(t.clock.now().getTime() + 2 * HOUR),
      expiryReason: expect.stringMatching(/2 h after the question/),
    });
  });

  it('when an engineer is dispatched, then the unit’s notice expires at the promised arrival, and once the engineer arrives it expires at once', async () => {
    const eng = (await t.services.users.actorForWecom('zhanggong')) as Actor;
    const { ticket } = await t.services.tickets.escalate(escalation('wangfang', '票据打印错位'));
    const dispatched = await t.services.tickets.dispatch(eng, ticket.id);
    const notice = (await t.ds.getRepository(OutboxMessage).find()).find((m) => m.dedupeKey.startsWith(`ticket-${ticket.id}-dispatch-`))!;
    expect(notice.expiresAt).toEqual(dispatched.onsiteDueAt);
    expect(notice.expiryReason).toMatch(/arrival time/);

    t.clock.advance(HOUR);
    await t.services.tickets.arrive(eng, ticket.id);
    expect(await row(notice.dedupeKey)).toMatchObject({ expiresAt: t.clock.now(), expiryReason: expect.stringMatching(/has arrived/) });
    // The engineer's reply to the unit is permanent.
    await t.services.tickets.reply(eng, ticket.id, '已到现场');
    const reply = (await t.ds.getRepository(OutboxMessage).find()).find((m) => m.dedupeKey.startsWith(`ticket-${ticket.id}-reply-`))!;
    expect(reply.expiresAt).toBeNull();
  });
});
