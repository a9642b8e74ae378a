import { randomBytes } from 'node:crypto';
import { makeRedisFactory } from '../../src/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReturnVisit } from '../../src/domain/desk/records/return-visit.entity';
import { parseRating } from '../../src/domain/desk/records/return-visit.rating';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { type Actor, systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { makeVisitProcessor } from '../../src/jobs/processors/visit.job';
import { startJobsRuntime } from '../../src/jobs/runtime';
import { makeLogger } from '../../src/logger';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('survey reply parsing', () => {
  it.each([
    ['5', 5, ''],
    ['５', 5, ''],
    ['５分，很好', 5, '很好'],
    ['2 还是不行', 2, '还是不行'],
    ['五', 5, ''],
    ['五分满意', 5, '满意'],
    ['给5分吧', 5, '吧'],
    ['评分：4', 4, ''],
    ['三星', 3, ''],
    ['两分', 2, ''],
    ['3，还行', 3, '还行'],
    ['4很好', 4, '很好'],
    ['1', 1, ''],
  ])('when the reply is %j, then the rating is %i with comment %j', (text, rating, comment) => {
    expect(parseRating(text)).toEqual({ ok: true, rating, comment });
  });

  it.each(['0', '7', '10分', '4.5', '一般', '十分满意', '非常满意', '等了一分钟', '', '   '])(
    'when the reply is %j, then it is refused with a Chinese hint',
    (text) => {
      const r = parseRating(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.hint).toContain('1-5');
    },
  );
});

describe('return visits after resolution', () => {
  let t: TestApp;
  let reporter: Actor;
  let engineer: Actor;
  let unitId: number;
  const visits = () => t.ds.getRepository(ReturnVisit);
  const outbox = () => t.ds.getRepository(OutboxMessage);
  const tickets = () => t.ds.getRepository(Ticket);
  const runJob = () => makeVisitProcessor({ returnVisits: t.services.returnVisits, logger: makeLogger('silent') })();

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-09-30T07:00:00Z' }); // Wednesday 15:00 in Shanghai, before the National Day holiday
    const s = t.services;
    unitId = (await s.catalog.createUnit(systemActor, { code: 'H1', name: '市一医院', onboardingStatus: 'online' })).id;
    await s.users.create(systemActor, {
      username: 'li',
      name: '李会计',
      role: 'unit_staff',
      unitCode: 'H1',
      wecomUserId: 'wx-li',
      password: 'Passw0rd123',
    });
    await s.users.create(systemActor, { username: 'eng', name: '王工', role: 'engineer', wecomUserId: 'wx-eng', password: 'Passw0rd123' });
    reporter = (await s.users.actorForWecom('wx-li')) as Actor;
    engineer = (await s.users.actorForWecom('wx-eng')) as Actor;
  });
  afterAll(async () => t?.close());

  /** A bot ticket of the reporter, claimed and resolved by the engineer (resolving schedules its visit). */
  async function resolvedTicket(question: string): Promise<Ticket> {
    const { ticket } = await t.services.tickets.escalate({
      unitId,
      reporterUserId: reporter.userId,
      reporterWecomId: 'wx-li',
      reporterName: '李会计',
      question,
      guesses: [],
      source: 'bot',
      priority: 'normal',
      category: 'question',
    });
    await t.services.tickets.claim(engineer, ticket.id);
    await t.services.tickets.resolve(engineer, ticket.id, '已远程处理');
    return tickets().findOneByOrFail({ id: ticket.id });
  }

  it('when a ticket is resolved before a holiday, then a survey is scheduled for 10:00 on the next working day and sent only then', async () => {
    t.clock.set('2026-09-30T07:00:00Z');
    const ticket = await resolvedTicket('开票软件打不开');
    const v = await visits().findOneByOrFail({ ticketId: ticket.id });
    expect(v).toMatchObject({ status: 'scheduled', channel: 'wecom', wecomUserId: 'wx-li', userId: reporter.userId, kind: 'ticket' });
    expect(v.dueAt.toISOString()).toBe('2026-10-08T02:00:00.000Z'); // 1–7 October is the holiday

    t.clock.set('2026-10-08T01:59:00Z');
    expect((await runJob()).asked).toBe(0);
    expect(await t.services.returnVisits.pendingFor(reporter.userId)).toBeNull();

    t.clock.set('2026-10-08T02:00:30Z');
    expect((await runJob()).asked).toBe(1);
    expect((await runJob()).asked).toBe(0);
    const sent = (await outbox().find()).filter((m) => m.dedupeKey === `return-visit-${v.id}-ask`);
    expect(sent).toHaveLength(1);
    expect(sent[0].message).toMatchObject({ channel: 'app', toUsers: ['wx-li'], kind: 'text' });
    // After the 3-day answer window the survey cannot be answered: unsent by then, it is dropped.
    expect(sent[0].expiresAt).toEqual(new Date(t.clock.now().getTime() + 3 * 24 * 3600_000));
    expect((sent[0].message as { content: string }).content).toBe(
      `您好，关于工单 #${ticket.id}（开票软件打不开）的处理，请回复 1-5 分评价（5 分最满意），也可附上意见。`,
    );
    expect((await visits().findOneByOrFail({ id: v.id })).status).toBe('asked');
    expect((await t.services.returnVisits.pendingFor(reporter.userId))?.id).toBe(v.id);
  });

  it('when the reply is 0, 7 or has no rating, then the hint is returned and nothing changes', async () => {
    const v = (await t.services.returnVisits.pendingFor(reporter.userId))!;
    const before = {
      outbox: await outbox().count(),
      visit: await visits().findOneByOrFail({ id: v.id }),
      ticket: await tickets().findOneByOrFail({ id: v.ticketId! }),
    };
    for (const text of ['0', '7', '还行吧', '十分满意']) {
      const r = await t.services.returnVisits.recordAnswer(reporter, v.id, text);
      expect(r.accepted).toBe(false);
      expect(r.reply).toContain('1-5');
    }
    expect(await outbox().count()).toBe(before.outbox);
    expect(await visits().findOneByOrFail({ id: v.id })).toEqual(before.visit);
    expect((await tickets().findOneByOrFail({ id: v.ticketId! })).state).toBe('resolved');
  });

  it('when the reporter rates 2, then the ticket is reopened and the engineer is told with the comment', async () => {
    const v = (await t.services.returnVisits.pendingFor(reporter.userId))!;
    const r = await t.services.returnVisits.recordAnswer(reporter, v.id, '2 还是打不开');
    expect(r).toMatchObject({ accepted: true, visit: { status: 'answered', rating: 2, comment: '还是打不开', outcome: 'reopened' } });
    expect(r.reply).toContain(`已重新打开工单 #${v.ticketId}`);
    const ticket = await tickets().findOneByOrFail({ id: v.ticketId! });
    expect(ticket).toMatchObject({ state: 'in_progress', resolvedAt: null });
    const toEngineer = (await outbox().find()).filter(
      (m) => JSON.stringify(m.message).includes('wx-eng') && JSON.stringify(m.message).includes('重新打开'),
    );
    expect(toEngineer).toHaveLength(1);
    expect(JSON.stringify(toEngineer[0].message)).toContain('回访评分 2 分，用户意见：还是打不开');
    expect(await t.services.returnVisits.pendingFor(reporter.userId)).toBeNull();
    await expect(t.services.returnVisits.recordAnswer(reporter, v.id, '5')).rejects.toThrow(/已评价/);
  });

  it('when the reporter rates ５分 on the next ticket, then the ticket is closed and thanked', async () => {
    t.clock.set('2026-10-09T03:00:00Z'); // Friday
    const ticket = await resolvedTicket('如何作废电子票据');
    const v = await visits().findOneByOrFail({ ticketId: ticket.id });
    expect(v.dueAt.toISOString()).toBe('2026-10-10T02:00:00.000Z'); // Saturday 10 October is a make-up working day
    t.clock.set('2026-10-10T02:05:00Z');
    await runJob();
    const r = await t.services.returnVisits.recordAnswer(
      reporter,
      (await t.services.returnVisits.pendingFor(reporter.userId))!.id,
      '５分，很及时',
    );
    expect(r).toMatchObject({ accepted: true, visit: { rating: 5, comment: '很及时', outcome: 'closed' } });
    expect(r.reply).toBe('感谢您的评价（5 分）！您的意见我们已记录。');
    expect(await tickets().findOneByOrFail({ id: ticket.id })).toMatchObject({ state: 'closed' });
  });

  it('when someone else answers a survey, then it is refused', async () => {
    t.clock.set('2026-10-12T03:00:00Z');
    const ticket = await resolvedTicket('UKey 丢了怎么办');
    const v = await visits().findOneByOrFail({ ticketId: ticket.id });
    const other = await t.services.users.create(systemActor, {
      username: 'zhao',
      name: '赵',
      role: 'unit_staff',
      unitCode: 'H1',
      password: 'Passw0rd123',
    });
    const otherActor: Actor = { userId: other.id, username: 'zhao', role: 'unit_staff', unitId, unitCode: 'H1' };
    await expect(t.services.returnVisits.recordAnswer(otherActor, v.id, '1')).rejects.toThrow(/本人/);
    expect((await visits().findOneByOrFail({ id: v.id })).status).toBe('scheduled');
  });

  it('when nobody answers within 3 days, then the survey expires and is no longer pending', async () => {
    t.clock.set('2026-10-13T02:00:10Z');
    await runJob();
    expect(await t.services.returnVisits.pendingFor(reporter.userId)).not.toBeNull();
    t.clock.set('2026-10-16T02:01:00Z');
    expect(await t.services.returnVisits.pendingFor(reporter.userId)).toBeNull();
    expect((await runJob()).expired).toBe(1);
  });

  it('when a unit went online a week ago, then its onboarding visits are planned once', async () => {
    await t.services.catalog.createUnit(systemActor, { code: 'S9', name: '市九中', onboardingStatus: 'online', onboardedOn: '2026-10-12' });
    await runJob();
    await runJob();
    const planned = await visits().find({ where: { kind: 'onboarding' }, order: { dueAt: 'ASC' } });
    expect(planned.map((p) => p.dedupeKey)).toEqual([expect.stringMatching(/-d7$/), expect.stringMatching(/-d30$/)]);
    expect(planned.map((p) => p.dueAt.toISOString())).toEqual(['2026-10-19T02:00:00.000Z', '2026-11-11T02:00:00.000Z']);
    expect(planned[0].channel).toBe('phone'); // no staff with WeCom yet: an operator calls
  });

  it('when the visits queue runs on real Redis, then the processor sends due surveys', async () => {
    t.clock.set('2026-10-20T03:00:00Z');
    const ticket = await resolvedTicket('打印机卡纸');
    t.clock.set('2026-10-21T02:00:01Z');
    const jobs = startJobsRuntime({
      outbox: t.system.store.read.outbox,
      clock: t.clock,
      logger: makeLogger('silent'),
      redis: makeRedisFactory('redis://127.0.0.1:6379', makeLogger('silent')),
      prefix: `test-rv-${randomBytes(4).toString('hex')}`,
      sender: null,
      runWorkers: true,
      deskRecords: t.services,
      relay: { intervalMs: 60_000 },
    });
    try {
      const job = await jobs.queues.visits.add({ manual: true });
      expect(await job.finished()).toMatchObject({ asked: 1 });
      expect((await visits().findOneByOrFail({ ticketId: ticket.id })).status).toBe('asked');
    } finally {
      await jobs.queues.visits.obliterate({ force: true }).catch(() => undefined);
      await jobs.queues.announcements.obliterate({ force: true }).catch(() => undefined);
      await jobs.stop();
    }
  });
});
