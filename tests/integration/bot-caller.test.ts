import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { User } from '../../src/domain/identity/user.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// In scope (the bill system) but beyond the knowledge base: escalated. (非税收缴 data is another system's and is declined.)
const UNANSWERABLE = '开具票据时提示号段已被占用';
const PASSWORD = 'Passw0rd123';

// POST /api/v1/bot/messages speaks as the signed-in user (issue 9, item 3): only an admin may name
// another sender, engineer commands run as the caller, and the records name the real caller.
describe('the bot endpoint speaks as its caller', () => {
  let t: TestApp;
  const tokens = {} as Record<'op' | 'eng' | 'zhang' | 'nowx', string>;
  const ids = {} as Record<'op' | 'eng' | 'zhang' | 'nowx' | 'admin', number>;

  const send = (token: string, body: { text: string; senderId?: string }) => t.call('POST', '/api/v1/bot/messages', { token, body });
  const snapshot = async () => ({
    tickets: await t.ds.getRepository(Ticket).find({ order: { id: 'ASC' } }),
    events: await t.ds.getRepository(TicketEvent).count(),
    outbox: await t.ds.getRepository(OutboxMessage).count(),
    exchanges: await t.ds.getRepository(BotExchange).count(),
  });
  const lastExchange = () => t.ds.getRepository(BotExchange).findOneOrFail({ where: {}, order: { id: 'DESC' } });
  /** A question of zhang's that opens a ticket (each test resolves its ticket, so the next one is new). */
  async function zhangsTicket(): Promise<number> {
    const r = await send(tokens.zhang, { text: UNANSWERABLE });
    expect(r.status, r.text).toBe(200);
    expect(r.body.escalated).toBe(true);
    return r.body.ticketId as number;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const s = t.services;
    await seedHospital(s);
    await receive(s, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
    const people = [
      ['op', { username: 'zhou', name: '周科员', role: 'operator', wecomUserId: 'op-zhou' }],
      ['eng', { username: 'wang', name: '王工', role: 'engineer', wecomUserId: 'eng-wang' }],
      ['zhang', { username: 'zhang', name: '张老师', role: 'unit_staff', unitCode: 'H2', wecomUserId: 'zhangsan' }],
      ['nowx', { username: 'liu', name: '刘老师', role: 'unit_staff', unitCode: 'H2' }],
    ] as const;
    for (const [key, u] of people) {
      ids[key] = (await s.users.create(systemActor, { ...u, password: PASSWORD })).id;
      tokens[key] = await t.login(u.username, PASSWORD);
    }
    ids.admin = (await t.ds.getRepository(User).findOneByOrFail({ username: 'admin' })).id;
  });
  afterAll(() => t?.close());

  it('when an operator sends "#N 回复" in the engineer’s name, then 403 PERMISSION_DENIED and nothing happens', async () => {
    const ticketId = await zhangsTicket();
    const before = await snapshot();
    const r = await send(tokens.op, { senderId: 'eng-wang', text: `#${ticketId} 已远程处理，请重新登录` });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });
    const claim = await send(tokens.op, { senderId: 'eng-wang', text: `#${ticketId} 认领` });
    expect(claim.status).toBe(403);
    // Nor may anyone open tickets in a unit member's name.
    const asStaff = await send(tokens.op, { senderId: 'zhangsan', text: UNANSWERABLE });
    expect(asStaff.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    await t.services.tickets.resolve(systemActor, ticketId);
  });

  it('when unit staff or an engineer name someone else, then 403 as well; naming their own WeCom id is speaking as themselves', async () => {
    const before = await snapshot();
    expect((await send(tokens.zhang, { senderId: 'eng-wang', text: '#1 解决' })).status).toBe(403);
    expect((await send(tokens.eng, { senderId: 'zhangsan', text: UNANSWERABLE })).status).toBe(403);
    expect((await send(tokens.nowx, { senderId: 'zhangsan', text: '我们还剩多少票' })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    const own = await send(tokens.zhang, { senderId: 'zhangsan', text: '我们还剩多少票' });
    expect(own.status).toBe(200);
    expect(own.body.intent).toBe('stock.query');
  });

  it('when an operator replies and an engineer claims as themselves, then the ticket events name them and the reporter gets the reply', async () => {
    const ticketId = await zhangsTicket();
    const claimed = await send(tokens.eng, { text: `#${ticketId} 认领` });
    expect(claimed.status).toBe(200);
    expect(claimed.body.reply).toContain(`已认领工单 #${ticketId}`);
    const replied = await send(tokens.op, { text: `#${ticketId} 请在系统「报表」里导出后核对` });
    expect(replied.status).toBe(200);
    expect(replied.body.intent).toBe('engineer.command');

    const events = await t.ds.getRepository(TicketEvent).find({ where: { ticketId }, order: { id: 'ASC' } });
    expect(events.find((e) => e.type === 'assign')).toMatchObject({ actorId: ids.eng, actorName: 'wang' });
    expect(events.find((e) => e.type === 'reply')).toMatchObject({
      actorId: ids.op,
      actorName: 'zhou',
      body: '请在系统「报表」里导出后核对',
    });
    const toZhang = (await t.ds.getRepository(OutboxMessage).find()).filter(
      (o) => 'toUsers' in o.message && o.message.toUsers.includes('zhangsan') && JSON.stringify(o.message).includes('导出后核对'),
    );
    expect(toZhang).toHaveLength(1);
    expect(await lastExchange()).toMatchObject({ channel: 'api', senderId: 'op-zhou', userId: ids.op, callerUserId: null });
    await t.services.tickets.resolve(systemActor, ticketId);
  });

  it('when a unit user without a WeCom id chats, then they are answered as themselves and a ticket keeps its replies on the ticket', async () => {
    const stock = await send(tokens.nowx, { text: '我们还剩多少票' });
    expect(stock.status).toBe(200);
    expect(stock.body.intent).toBe('stock.query');
    expect(stock.body.reply).toContain('市第二人民医院');
    expect(stock.body.reply).toContain('0000000001-0000000100（100 份）');
    expect(await lastExchange()).toMatchObject({ senderId: `user:${ids.nowx}`, userId: ids.nowx, callerUserId: null });

    const q = await send(tokens.nowx, { text: UNANSWERABLE });
    expect(q.body.escalated).toBe(true);
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: q.body.ticketId });
    expect(ticket).toMatchObject({ reporterUserId: ids.nowx, reporterWecomId: null, reporterName: '刘老师' });
    const ack = await send(tokens.eng, { text: `#${ticket.id} 请稍候，正在核实` });
    expect(ack.body.reply).toContain('回复仅记录在工单中');
  });

  it('when an admin speaks as the engineer, then the command runs as the admin and the log and the timeline name the admin', async () => {
    const ticketId = await zhangsTicket();
    const r = await send(t.adminToken, { senderId: 'eng-wang', text: `#${ticketId} 管理员测试回复` });
    expect(r.status, r.text).toBe(200);
    expect(r.body.intent).toBe('engineer.command');
    const reply = await t.ds.getRepository(TicketEvent).findOneOrFail({ where: { ticketId, type: 'reply' } });
    expect(reply).toMatchObject({ actorId: ids.admin, actorName: 'admin' });
    expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId })).assigneeId).toBe(ids.admin);
    expect(await lastExchange()).toMatchObject({
      senderId: 'eng-wang',
      userId: ids.eng,
      callerUserId: ids.admin,
      intent: 'engineer.command',
    });
    await t.services.tickets.resolve(systemActor, ticketId);
  });

  it('when an admin asks as a unit member, then the member’s view is answered, the ticket is theirs and the admin is recorded as caller', async () => {
    const stock = await send(t.adminToken, { senderId: 'zhangsan', text: '我们还剩多少票' });
    expect(stock.body.reply).toContain('市第二人民医院');
    expect(await lastExchange()).toMatchObject({
      senderId: 'zhangsan',
      userId: ids.zhang,
      unitId: expect.any(Number),
      callerUserId: ids.admin,
    });

    const q = await send(t.adminToken, { senderId: 'zhangsan', text: UNANSWERABLE });
    expect(q.body.escalated).toBe(true);
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: q.body.ticketId });
    expect(ticket).toMatchObject({ reporterUserId: ids.zhang, reporterWecomId: 'zhangsan' });
    const created = await t.ds.getRepository(TicketEvent).findOneOrFail({ where: { ticketId: ticket.id, type: 'created' } });
    expect(created.meta).toMatchObject({ calledBy: { userId: ids.admin, username: 'admin' } });
    expect(await lastExchange()).toMatchObject({ userId: ids.zhang, callerUserId: ids.admin, ticketId: ticket.id });

    // The member's view includes their refusals: a unit member's command is refused, whoever types it.
    const command = await send(t.adminToken, { senderId: 'zhangsan', text: `#${ticket.id} 解决` });
    expect(command.body.reply).toContain('仅供驻场工程师使用');
    expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id: ticket.id })).state).toBe('new');

    // An unregistered member id is answered as WeCom would answer them.
    const stranger = await send(t.adminToken, { senderId: 'nobody-x', text: '我们还剩多少票' });
    expect(stranger.body.reply).toContain('尚未');
  });

  it('when a leader chats as themselves, then the bot answers (every signed-in role may talk to it)', async () => {
    const leader = await t.userToken('leader');
    const r = await send(leader, { text: '你好' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('greeting');
  });
});
