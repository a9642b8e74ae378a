import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/bot';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { seedUnit } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Thursday 2026-03-05 10:00 Shanghai: the survey is due the next working day (Friday) at 10:00.
const START = '2026-03-05T02:00:00Z';

describe('return visit through the bot', () => {
  let t: TestApp;
  let bot: Bot;
  beforeAll(async () => {
    t = await startTestApp({ now: START });
    ({ bot } = await t.system.bot());
    const unit = await seedUnit(t.services, { name: '市实验小学' });
    await t.services.users.create(systemActor, {
      username: 'wf',
      name: '王芳',
      role: 'unit_staff',
      unitCode: unit.code,
      wecomUserId: 'wangfang',
      password: 'Passw0rd123',
    });
    await t.services.users.create(systemActor, {
      username: 'zg',
      name: '张工',
      role: 'engineer',
      wecomUserId: 'zhanggong',
      password: 'Passw0rd123',
    });
  });
  afterAll(async () => t?.close());

  const ask = (text: string) =>
    bot.handleMessage({ channel: 'api', senderId: 'wangfang', text, messageId: null, receivedAt: t.clock.now() });
  const outboxTo = async (user: string) =>
    (await t.ds.getRepository(OutboxMessage).find()).filter((m) => m.message.channel === 'app' && m.message.toUsers.includes(user));

  it('when a resolved ticket is rated 2 in WeCom, then it is reopened and the engineer is told', async () => {
    const first = await ask('转人工');
    expect(first, JSON.stringify(first)).toMatchObject({ escalated: true });
    const ticketId = first.ticketId!;
    const engineer = (await t.services.users.actorForWecom('zhanggong'))!;
    await t.services.tickets.resolve(engineer, ticketId, '已远程调整打印模板');

    // The next working day at 10:00 the visits job asks the reporter.
    t.clock.set('2026-03-06T02:05:00Z');
    const run = await t.services.returnVisits.runDue();
    expect(run.asked).toBe(1);
    const survey = (await outboxTo('wangfang')).find((m) => m.message.kind === 'text' && m.message.content.includes('1-5'));
    expect(survey).toBeDefined();

    // A number outside 1–5 gets the hint and changes nothing.
    const bad = await ask('7');
    expect(bad.reply).toContain('1-5');
    expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).state).toBe('resolved');

    const before = (await outboxTo('zhanggong')).length;
    const answer = await ask('2 还是错位');
    expect(answer.intent).toBe('visit.rating');
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId });
    expect(ticket.state).toBe('in_progress');
    expect((await outboxTo('zhanggong')).length).toBeGreaterThan(before);

    // The survey is answered: the next message is an ordinary question again.
    const later = await ask('我们还剩多少票');
    expect(later.intent).not.toBe('visit.rating');
  });
});
