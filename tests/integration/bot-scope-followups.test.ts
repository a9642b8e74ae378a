import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

interface Reply {
  reply: string;
  intent: string;
  escalated: boolean;
  ticketId: number | null;
  outcome: string;
  entities: Record<string, any>;
}

/** Issue 10's quoted failures, replayed through POST /api/v1/bot/messages as unit staff of 市第二人民医院. */
describe('bot: what is out of scope, what is appended, follow-ups and time words', () => {
  let t: TestApp;
  const batch = freshBatchCode();
  const eBatch = freshBatchCode();
  let staff = 0;
  const ask = async (senderId: string, text: string): Promise<Reply> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: t.adminToken, body: { senderId, text } });
    expect(r.status, r.text).toBe(200);
    return r.body as Reply;
  };
  /** A fresh member of H2: every scenario starts without context or open tickets. */
  const member = async (): Promise<string> => {
    staff += 1;
    const id = `h2-staff-${staff}`;
    await t.services.users.create(systemActor, {
      username: `s${staff}`,
      name: `职员${staff}`,
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: id,
    } as never);
    return id;
  };
  const count = async () => ({
    tickets: await t.ds.getRepository(Ticket).count(),
    events: await t.ds.getRepository(TicketEvent).count(),
    cards: (await t.ds.getRepository(OutboxMessage).find()).filter((o) => o.message.kind === 'template_card').length,
  });

  beforeAll(async () => {
    // 2026-03-02 10:00 Beijing, a Monday.
    t = await startTestApp();
    const s = t.services;
    await s.catalog.createBillType(systemActor, {
      code: 'YL01',
      name: '医疗收费票据',
      category: 'nontax',
      aliases: ['医疗票', '住院票', '门诊票'],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    });
    await s.catalog.createBillType(systemActor, {
      code: 'DZ01',
      name: '医疗收费电子票据',
      category: 'nontax',
      aliases: ['电子医疗票'],
      copies: 1,
      retentionYears: 5,
      electronic: true,
    });
    await s.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', aliases: ['二院'], onboardingStatus: 'online' } as never);
    await s.catalog.createUnit(systemActor, {
      code: 'S2',
      name: '市第二中学',
      aliases: ['二中', '育才'],
      onboardingStatus: 'online',
    } as never);
    await receive(s, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 5000 });
    await receive(s, { billTypeCode: 'DZ01', batchCode: eBatch, startNo: 1, endNo: 3000 });
    await s.users.create(systemActor, {
      username: 'eng',
      name: '王工',
      role: 'engineer',
      wecomUserId: 'eng-wang',
      password: 'Passw0rd123',
    } as never);

    // Documents of H2 on three dates: 2026-01-15, 2026-02-10 and today.
    t.clock.set('2026-01-15T02:00:00Z');
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 }); // 1-100, January
    const wo = await s.writeoffs.create(systemActor, {
      unitCode: 'H2',
      billTypeCode: 'YL01',
      used: [{ batchCode: batch, startNo: 1, endNo: 10 }],
    } as never);
    await s.writeoffs.reject(systemActor, wo.id, { opinion: '作废票据未附全部联次，请补齐后重新上报' });
    t.clock.set('2026-02-10T02:00:00Z');
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'DZ01', quantity: 300 }); // e-bills, February
    t.clock.set('2026-03-02T02:00:00Z');
    // (A medical-bill application would be refused: the returned write-off blocks it, 核旧领新.)
    const latest = await s.applications.create(systemActor, { unitCode: 'H2', billTypeCode: 'DZ01', quantity: 1200 });
    await s.applications.reject(systemActor, latest.id, { opinion: '超过三个月用量' });
  });
  afterAll(async () => t?.close());

  it('when 今天天气怎么样 comes from a unit with no open ticket, then it is declined: intent None, no ticket, the log says declined', async () => {
    const who = await member();
    const before = await count();
    const r = await ask(who, '今天天气怎么样');
    expect(r).toMatchObject({ intent: 'None', escalated: false, ticketId: null, outcome: 'declined' });
    expect(r.reply).toContain('转人工');
    expect(r.reply).toMatch(/库存|申领/);
    expect(await count()).toEqual(before);
    const row = await t.ds.getRepository(BotExchange).findOneOrFail({ where: { senderId: who }, order: { id: 'DESC' } });
    expect(row).toMatchObject({ intent: 'None', escalated: false, outcome: 'declined', ticketId: null });
  });

  it('when five off-topic lines follow an open ticket, then none is appended and the engineer gets no further card', async () => {
    const who = await member();
    const q = await ask(who, '开具票据时提示号段已被占用');
    expect(q).toMatchObject({ escalated: true, outcome: 'escalated' });
    const logged = await t.ds.getRepository(BotExchange).findOneOrFail({ where: { senderId: who }, order: { id: 'DESC' } });
    expect(logged).toMatchObject({ outcome: 'escalated', escalated: true, ticketId: q.ticketId });
    const before = await count();
    for (const line of ['今天天气怎么样', '会议室在哪', '食堂今天吃什么', '个税怎么申报', '预算一体化登不上']) {
      const r = await ask(who, line);
      expect(r, line).toMatchObject({ intent: 'None', escalated: false, ticketId: null, outcome: 'declined' });
    }
    expect(await count()).toEqual(before);
  });

  it('when the user adds to the open ticket (补充…), then it is appended to that ticket and no new card is sent', async () => {
    const who = await member();
    const q = await ask(who, '开具票据时提示号段已被占用');
    const before = await count();
    const r = await ask(who, '补充一下，报错提示是“号段与库存冲突”');
    expect(r).toMatchObject({ escalated: true, ticketId: q.ticketId, outcome: 'escalated' });
    const after = await count();
    expect(after).toEqual({ ...before, events: before.events + 1 });
    const question = await t.ds
      .getRepository(TicketEvent)
      .findOneOrFail({ where: { ticketId: q.ticketId!, type: 'question' }, order: { id: 'DESC' } });
    expect(question.body).toContain('号段与库存冲突');
  });

  it('when an unrelated question the bot cannot answer follows an open ticket, then it opens its own ticket with its own card', async () => {
    const who = await member();
    const q = await ask(who, '开具票据时提示号段已被占用');
    const before = await count();
    const other = await ask(who, '开具界面里的二维码扫不出来');
    expect(other).toMatchObject({ escalated: true, outcome: 'escalated' });
    expect(other.ticketId).not.toBe(q.ticketId);
    expect(await count()).toMatchObject({ tickets: before.tickets + 1, cards: before.cards + 1 });
    // Said again in other words, it is on that ticket's topic: appended, no card.
    const again = await ask(who, '开具界面里二维码一直扫不出来');
    expect(again.ticketId).toBe(other.ticketId);
    expect(await count()).toMatchObject({ tickets: before.tickets + 1, cards: before.cards + 1 });
  });

  it('when 网上报销系统提交不了 (not our system), then it is declined: no fault ticket', async () => {
    const who = await member();
    const before = await count();
    const r = await ask(who, '网上报销系统提交不了');
    expect(r).toMatchObject({ intent: 'None', escalated: false, ticketId: null, outcome: 'declined' });
    expect(r.reply).toContain('不是');
    expect(await count()).toEqual(before);
    // Our own system down is still a fault.
    const ours = await ask(who, '票据系统打不开了，一直报错');
    expect(ours).toMatchObject({ intent: 'fault.report', escalated: true });
  });

  it('when stock is asked of things that are not bills, of another unit or changed by request, then no stock figure comes back', async () => {
    const who = await member();
    for (const text of [
      '仓库的A4纸还剩多少',
      '药房阿莫西林库存',
      '把库存加500份',
      '二中的票还剩几张',
      '会计学会的会费票还剩多少',
      '市第二中学还剩多少票',
    ]) {
      const r = await ask(who, text);
      expect(r.intent, text).not.toBe('stock.query');
      expect(r.reply, text).not.toContain('本单位（');
      expect(r.reply, text).not.toMatch(/结存 \d+ 份/);
      expect(r, text).toMatchObject({ escalated: false, ticketId: null, outcome: 'declined' });
    }
    expect((await ask(who, '二中的票还剩几张')).reply).toContain('只能查询您所在单位');
    // A short name from the directory (育才 names no kind of organisation), and the asker's own short name.
    expect(await ask(who, '育才还剩多少票')).toMatchObject({ intent: 'None', outcome: 'declined' });
    expect((await ask(who, '我们医院还剩多少票')).reply).toContain('结存 100 份');
    expect((await ask(who, '二院的票还剩多少')).reply).toContain('结存 100 份');
  });

  it('when a stock answer is followed by 那住院票呢 / 那门诊的呢 / 那电子票呢 / 电子的呢, then stock of that type comes back', async () => {
    const who = await member();
    const all = await ask(who, '我们还剩多少票');
    expect(all.intent).toBe('stock.query');
    for (const text of ['那住院票呢', '那门诊的呢']) {
      const alias = await ask(who, text);
      expect(alias, text).toMatchObject({ intent: 'stock.query', entities: { billType: { code: 'YL01' } } });
      expect(alias.reply, text).toContain('结存 100 份');
      expect(alias.reply, text).not.toContain('医疗收费电子票据');
    }
    for (const text of ['那电子票呢', '电子的呢']) {
      const e = await ask(who, text);
      expect(e, text).toMatchObject({ intent: 'stock.query', entities: { electronic: true } });
      expect(e.reply, text).toContain('医疗收费电子票据（DZ01）：结存 300 份');
      expect(e.reply, text).not.toContain('YL01');
    }
  });

  it('when 要带啥材料 follows a how-to, then the materials of that process come back', async () => {
    const who = await member();
    expect((await ask(who, '申领票据的流程是怎样的')).intent).toBe('faq.apply.process');
    const r = await ask(who, '要带啥');
    expect(r).toMatchObject({ intent: 'faq.apply.materials', escalated: false, outcome: 'answered' });
  });

  it('when 那我要怎么改 follows a returned write-off, then the answer names that document, its opinion and how to resubmit', async () => {
    const who = await member();
    const s = await ask(who, '我们的核销审核结果出来了吗');
    expect(s.intent).toBe('writeoff.status');
    expect(s.reply).toContain('已退回');
    const r = await ask(who, '那我要怎么改');
    expect(r).toMatchObject({ intent: 'faq.writeoff.rejected', escalated: false, ticketId: null });
    expect(r.reply).toMatch(/核销单 HX-\d{4}-\d+（医疗收费票据 10 份）已被退回，审核意见：作废票据未附全部联次/);
  });

  it('when 那上一次的结果呢 follows a status answer, then only the newest document of that kind comes back', async () => {
    const who = await member();
    const s = await ask(who, '申领单审核到哪了');
    expect(s.intent).toBe('application.status');
    expect(s.reply).toContain('共 3 份');
    const r = await ask(who, '那上一次的结果呢');
    expect(r).toMatchObject({ intent: 'application.status', entities: { latest: true } });
    expect(r.reply).toMatch(/最近一次的申领单：\n申领单 SL-\d{4}-\d+（医疗收费电子票据 1200 份）：已退回/);
    expect(r.reply).not.toContain('300 份');
  });

  it('when time words are given, then application, write-off and ticket answers are filtered to that range', async () => {
    const who = await member();
    const lastMonth = await ask(who, '上个月申请的票批了没');
    expect(lastMonth).toMatchObject({ intent: 'application.status', entities: { period: { from: '2026-02-01', to: '2026-02-28' } } });
    expect(lastMonth.reply).toContain('300 份');
    expect(lastMonth.reply).not.toMatch(/100 份|1200 份/);
    const q1 = await ask(who, '一季度的申领情况');
    expect(q1.entities.period).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(q1.reply).toContain('共 3 份');
    const day = await ask(who, '2026-01-15提交的申领单到哪一步了');
    expect(day.entities.period).toMatchObject({ from: '2026-01-15', to: '2026-01-15' });
    expect(day.reply).toContain('100 份');
    expect(day.reply).not.toMatch(/300 份|1200 份/);
    const follow = await ask(who, '那上周的呢');
    expect(follow).toMatchObject({ intent: 'application.status', entities: { period: { from: '2026-02-23', to: '2026-03-01' } } });
    expect(follow.reply).toContain('没有上周');
    const wo = await ask(who, '今年的核销情况');
    expect(wo.reply).toContain('HX-');
    const woFeb = await ask(who, '上个月的核销审核了没');
    expect(woFeb).toMatchObject({ intent: 'writeoff.status' });
    expect(woFeb.reply).toContain('没有上个月');
    await ask(who, '开具票据时提示号段已被占用');
    const tickets = await ask(who, '我上周提的工单处理了没');
    expect(tickets.intent).toBe('ticket.status');
    expect(tickets.reply).toContain('没有提交过工单');
    const today = await ask(who, '我今天提的工单处理了没');
    expect(today.reply).toMatch(/工单 #\d+（待处理）/);
  });
});
