import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consultation } from '../../src/domain/desk/records/consultation.entity';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { botFor } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

type BotAnswer = { reply: string; intent: string; escalated: boolean; ticketId: number | null };

describe('the engineer works from the bot: queue, 出发/到达/等待, 来电', () => {
  let t: TestApp;
  let engToken: string;
  let eng2Token: string;
  const as = async (token: string, text: string): Promise<BotAnswer> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token, body: { text } });
    expect(r.status, r.text).toBe(200);
    return r.body as BotAnswer;
  };
  const ask = async (senderId: string, text: string): Promise<BotAnswer> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: t.adminToken, body: { senderId, text } });
    expect(r.status, r.text).toBe(200);
    return r.body as BotAnswer;
  };
  const ticket = (id: number) => t.ds.getRepository(Ticket).findOneByOrFail({ id });
  const clocks = (id: number) => t.ds.getRepository(SlaClock).find({ where: { ticketId: id }, order: { id: 'ASC' } });

  beforeAll(async () => {
    t = await startTestApp(); // Monday 2026-03-02 10:00 in Shanghai: working hours
    await botFor(t);
    const s = t.services;
    await s.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', onboardingStatus: 'online' });
    await s.catalog.createUnit(systemActor, { code: 'Z1', name: '市第二中学', aliases: ['二中'], onboardingStatus: 'online' } as never);
    await s.catalog.createUnit(systemActor, { code: 'Z7', name: '市第七中学', onboardingStatus: 'online' });
    await s.users.create(systemActor, {
      username: 'zhang',
      name: '张老师',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'zhangsan',
    } as never);
    await s.users.create(systemActor, {
      username: 'wang',
      name: '王工',
      role: 'engineer',
      wecomUserId: 'eng-wang',
      password: 'Passw0rd123',
    } as never);
    engToken = await t.login('wang', 'Passw0rd123');
    eng2Token = await t.userToken('engineer', { username: 'liu', wecomUserId: 'eng-liu' });
  });
  afterAll(async () => t?.close());

  it('when the engineer asks 「我的工单」 with two open tickets, then both are listed with their deadlines, nearest first', async () => {
    const a = await ask('zhangsan', '开具票据时提示号段已被占用');
    expect(a.escalated).toBe(true);
    t.clock.advance(10 * 60_000);
    const b = await ask('zhangsan', '系统打不开了，一直报错');
    expect(b.intent).toBe('fault.report');
    // Another engineer's ticket is not in wang's queue.
    t.clock.advance(60_000);
    const other = await t.services.tickets.create(systemActor, {
      source: 'phone',
      summary: '别人名下的工单',
      priority: 'normal',
      category: 'question',
    } as never);
    await t.call('POST', `/api/v1/tickets/${other.id}/claim`, { token: eng2Token });

    for (const text of ['我的工单', '待处理', '待处理的工单有哪些？']) {
      const r = await as(engToken, text);
      expect(r.intent).toBe('engineer.command');
      expect(r.reply).toContain('待处理工单 2 个（我的 0，未分派 2）');
      expect(r.reply).not.toContain(`#${other.id} `);
      // a was opened first, so its response deadline (10:00 + 1 h) is nearer than b's (10:10 + 1 h).
      expect(r.reply.indexOf(`#${a.ticketId} `)).toBeLessThan(r.reply.indexOf(`#${b.ticketId} `));
      expect(r.reply).toContain('响应 03-02 11:00｜到场 未派员｜解决 ');
    }
    // Unit staff asking 「我的工单」 get their own tickets, not the queue.
    const mine = await ask('zhangsan', '我的工单');
    expect(mine.reply).not.toContain('待处理工单');
  });

  it('when the engineer sends #id 出发, #id 到达, #id 等待, then the on-site and waiting clocks move as through the API', async () => {
    const q = await ask('zhangsan', '转人工');
    const id = q.ticketId!;
    const go = await as(engToken, `#${id} 出发`);
    expect(go.reply).toContain(`已记录工单 #${id} 派员出发，请在 2026-03-02 18:`);
    let tk = await ticket(id);
    expect(tk.state).toBe('in_progress');
    expect(tk.dispatchedAt?.toISOString()).toBe(t.clock.now().toISOString());
    expect(tk.onsiteDueAt).not.toBeNull();
    expect(tk.firstResponseAt).not.toBeNull();

    const again = await as(engToken, `#${id} 出发`);
    expect(again.reply).toContain('已派员现场处理，尚未登记到场');

    t.clock.advance(40 * 60_000);
    const there = await as(engToken, `#${id} 到达`);
    expect(there.reply).toContain(`已登记工单 #${id} 于 2026-03-02 10:5`);
    tk = await ticket(id);
    expect(tk.arrivedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const onsite = (await clocks(id)).find((c) => c.kind === 'onsite')!;
    expect(onsite.state).toBe('met');

    const wait = await as(engToken, `#${id} 等待 请发一下报错截图`);
    expect(wait.reply).toContain('时限暂停计算');
    tk = await ticket(id);
    expect(tk.state).toBe('waiting_user');
    expect((await clocks(id)).find((c) => c.kind === 'resolution')!.state).toBe('paused');
    const toUser = await t.ds.getRepository(OutboxMessage).find({ order: { id: 'DESC' }, take: 5 });
    expect(toUser.some((o) => JSON.stringify(o.message).includes('请发一下报错截图'))).toBe(true);

    const queue = await as(engToken, '我的工单');
    expect(queue.reply).toContain(`#${id} `);
    expect(queue.reply).toMatch(new RegExp(`#${id} [^\\n]*等待用户[^\\n]*\\n  响应 已响应｜到场 已到场｜解决 [0-9: -]+（暂停）`));
  });

  it('when the engineer presses 出发 and 到达 through POST /bot/buttons, then the ticket moves and the card as it now stands comes back', async () => {
    const q = await ask('zhangsan', '转人工');
    const id = q.ticketId!;
    const press = async (key: string) => {
      const r = await t.call('POST', '/api/v1/bot/buttons', { token: engToken, body: { key } });
      expect(r.status, r.text).toBe(200);
      return r.body as { reply: string; card: { title: string; lines: string[]; buttons: Array<{ key: string; text: string }> } | null };
    };
    const go = await press(`depart:${id}`);
    expect(go.reply).toContain(`已记录工单 #${id} 派员出发`);
    expect(go.card?.title).toContain(`工单 #${id}`);
    expect(go.card?.lines).toContain('响应时限：已响应');
    expect(go.card?.buttons.map((b) => b.text)).toEqual(['到达', '已解决']);
    const there = await press(`arrive:${id}`);
    expect(there.card?.lines).toContain('到场时限：已到场');
    expect((await ticket(id)).arrivedAt).not.toBeNull();
    // A unit user pressing an engineer's button changes nothing and sees no card.
    const staff = await t.userToken('unit_staff', { unitCode: 'H2' });
    const r = await t.call('POST', '/api/v1/bot/buttons', { token: staff, body: { key: `resolve:${id}` } });
    expect(r.body.reply).toContain('仅供驻场工程师使用');
    expect(r.body.card).toBeNull();
    expect((await ticket(id)).state).toBe('in_progress');
  });

  it('when a command has a bad id, a wrong state or comes from a non-engineer, then a Chinese refusal comes back and nothing changes', async () => {
    expect((await as(engToken, '#999999 到达')).reply).toContain('工单 #999999 不存在');
    const q = await ask('zhangsan', '转人工');
    const id = q.ticketId!;
    const before = await ticket(id);
    expect((await as(engToken, `#${id} 到达`)).reply).toContain('没有待到场的派员记录');
    expect((await ask('zhangsan', `#${id} 出发`)).reply).toContain('仅供驻场工程师使用');
    const leader = await t.userToken('leader');
    expect((await as(leader, `#${id} 等待`)).reply).toContain('仅供驻场工程师使用');
    expect(await ticket(id)).toEqual(before);
    await as(engToken, `#${id} 解决`);
    expect((await as(engToken, `#${id} 等待`)).reply).toContain('当前为“已解决”，不能转为等待用户');
    expect((await ticket(id)).state).toBe('resolved');
  });

  it('when the engineer logs 「来电 …」, then a phone consultation is stored; 「转工单」 also opens a ticket; an ambiguous unit gets candidates', async () => {
    const r = await as(engToken, '来电 第二人民医院 李会计 打印时票号错位，已指导调整边距');
    expect(r.reply).toMatch(/已登记来电记录 #\d+：市第二人民医院 李会计（电话）/);
    const row = await t.ds.getRepository(Consultation).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    const h2 = (await t.services.directory.units()).find((u) => u.code === 'H2')!;
    expect(row).toMatchObject({
      channel: 'phone',
      caller: '李会计',
      unitId: h2.id,
      question: '打印时票号错位，已指导调整边距',
      linkedTicketId: null,
    });

    const tickets = await t.ds.getRepository(Ticket).count();
    const withTicket = await as(engToken, '来电 H2 李会计 UKey 插上没反应，换电脑也不行 转工单');
    const linked = await t.ds.getRepository(Consultation).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    expect(linked.question).toBe('UKey 插上没反应，换电脑也不行');
    expect(linked.linkedTicketId).not.toBeNull();
    expect(withTicket.reply).toContain(`已转工单 #${linked.linkedTicketId}，响应时限 2026-03-02`);
    expect(await t.ds.getRepository(Ticket).count()).toBe(tickets + 1);
    expect(await ticket(linked.linkedTicketId!)).toMatchObject({ source: 'phone', reporterName: '李会计', unitId: h2.id, state: 'new' });

    const many = await as(engToken, '来电 中学 王老师 问领票流程');
    expect(many.reply).toContain('对应多个单位');
    expect(many.reply).toContain('市第二中学（二中），编码 Z1');
    expect(many.reply).toContain('市第七中学，编码 Z7');
    // A short name kept as data (二中) names one unit.
    expect((await as(engToken, '来电 二中 王老师 问领票流程')).reply).toContain('已登记来电记录');
    expect((await t.ds.getRepository(Consultation).findOneOrFail({ where: {}, order: { id: 'DESC' } })).unitId).toBe(
      (await t.services.directory.units()).find((u) => u.code === 'Z1')!.id,
    );
    const consultations = await t.ds.getRepository(Consultation).count();
    expect((await as(engToken, '来电 火星站 王老师 问领票流程')).reply).toContain('没有找到单位“火星站”');
    expect((await ask('zhangsan', '来电 H2 张老师 问领票')).reply).toContain('来电登记仅供驻场工程师使用');
    expect(await t.ds.getRepository(Consultation).count()).toBe(consultations);
  });
});
