import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { botFor, type BotFixture } from '../helpers/bot-fixtures';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('bot dialog through POST /api/v1/bot/messages', () => {
  let t: TestApp;
  let fx: BotFixture;
  let opToken: string;
  let engToken: string;
  const batch = freshBatchCode();
  const batch2 = freshBatchCode();
  // The admin speaks as each member (bot.simulate): the dialog as that member sees it.
  const ask = async (senderId: string, text: string) => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: t.adminToken, body: { senderId, text } });
    expect(r.status, r.text).toBe(200);
    return r.body as {
      reply: string;
      intent: string;
      score: number;
      escalated: boolean;
      ticketId: number | null;
      entities: Record<string, any>;
    };
  };
  const outboxTo = async (user: string) =>
    (await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).filter(
      (o) => 'toUsers' in o.message && o.message.toUsers.includes(user),
    );

  beforeAll(async () => {
    t = await startTestApp();
    fx = await botFor(t);
    const s = t.services;
    await s.catalog.createBillType(systemActor, {
      code: 'YL01',
      name: '医疗收费票据',
      category: 'nontax',
      aliases: ['医疗票'],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    });
    await s.catalog.createBillType(systemActor, {
      code: 'WL01',
      name: '资金往来结算票据',
      category: 'settlement',
      aliases: ['往来票'],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    });
    await s.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', onboardingStatus: 'online' });
    await s.catalog.createUnit(systemActor, { code: 'H1', name: '市一医院', onboardingStatus: 'online' });
    await receive(s, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 1000 });
    await receive(s, { billTypeCode: 'WL01', batchCode: batch2, startNo: 1, endNo: 500 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 }); // 1-100
    await issueToUnit(s, { unitCode: 'H1', billTypeCode: 'YL01', quantity: 50 }); // 101-150
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'WL01', quantity: 20 }); // 1-20
    const rejected = await s.applications.create(systemActor, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 900 });
    await s.applications.reject(systemActor, rejected.id, { opinion: '申领数量超过三个月用量，请按实际用量重新申请' });
    const wo = await fx.writeoffs.create(systemActor, {
      unitCode: 'H2',
      billTypeCode: 'YL01',
      used: [{ batchCode: batch, startNo: 1, endNo: 10 }],
    } as never);
    await fx.writeoffs.approve(systemActor, wo.id, { result: '合格', opinion: '核销资料齐全' } as never);
    for (const [username, unitCode, wecomUserId] of [
      ['zhang', 'H2', 'zhangsan'],
      ['li', 'H2', 'lisi'],
      ['zhao', 'H2', 'zhaoliu'],
      ['qian', 'H2', 'qianqi'],
      ['sun', 'H2', 'sunba'],
    ]) {
      await s.users.create(systemActor, { username, name: `${username}老师`, role: 'unit_staff', unitCode, wecomUserId } as never);
    }
    await s.users.create(systemActor, {
      username: 'wang',
      name: '王工',
      role: 'engineer',
      wecomUserId: 'eng-wang',
      password: 'Passw0rd123',
    } as never);
    engToken = await t.login('wang', 'Passw0rd123');
    opToken = await t.userToken('operator', { wecomUserId: 'op-zhou' });
  });
  afterAll(async () => t?.close());

  it('when unit staff ask how many bills are left, then the count and ranges of their own unit come back and another unit’s do not', async () => {
    const r = await ask('zhangsan', '我们还剩多少票');
    expect(r.intent).toBe('stock.query');
    expect(r.escalated).toBe(false);
    expect(r.reply).toContain('市第二人民医院');
    expect(r.reply).toContain(`票据代码 ${batch}：0000000011-0000000100（90 份）`);
    expect(r.reply).toContain(`票据代码 ${batch2}：0000000001-0000000020（20 份）`);
    expect(r.reply).toContain('合计 110 份');
    expect(r.reply).not.toContain('0000000101');
    const row = await t.ds.getRepository(BotExchange).findOneOrFail({ where: { senderId: 'zhangsan' }, order: { id: 'DESC' } });
    expect(row).toMatchObject({ channel: 'api', intent: 'stock.query', escalated: false, ticketId: null });
    expect(row.kbVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('when a follow-up names another bill type within five minutes, then stock is answered for that type only', async () => {
    await ask('lisi', '我们还剩多少票');
    const r = await ask('lisi', '那往来票呢');
    expect(r.intent).toBe('stock.query');
    expect(r.entities.billType).toEqual({ code: 'WL01', name: '资金往来结算票据' });
    expect(r.reply).toContain('0000000001-0000000020（20 份）');
    expect(r.reply).not.toContain('医疗收费票据');
    t.clock.advance(6 * 60_000);
    expect(fx.bot.contexts.get('lisi')).toBeUndefined();
    const late = await ask('lisi', '那往来票呢');
    expect(late.intent).not.toBe('stock.query');
  });

  it('when unit staff ask about their applications, then the returned one shows its number, the reviewer’s opinion and what to do next', async () => {
    const r = await ask('zhangsan', '我们的申领单审核到哪了');
    expect(r.intent).toBe('application.status');
    expect(r.reply).toMatch(/申领单 SL-\d{4}-\d+（医疗收费票据 900 份）：已退回/);
    expect(r.reply).toContain('审核意见：申领数量超过三个月用量，请按实际用量重新申请');
    expect(r.reply).toContain('重新提交');
    expect(r.reply).toMatch(/已发放[\s\S]*发放号段：票据代码 \d{8}：0000000001-0000000020/);
  });

  it('when unit staff ask about their write-off, then status, result and opinion come back', async () => {
    const r = await ask('zhangsan', '核销审到哪了');
    expect(r.intent).toBe('writeoff.status');
    expect(r.reply).toMatch(/核销单 HX-\d{4}-\d+（医疗收费票据 10 份）：已审核通过/);
    expect(r.reply).toContain('审核结果：合格');
    expect(r.reply).toContain('审核意见：核销资料齐全');
    const d = await ask('zhangsan', '销毁单进度');
    expect(d.intent).toBe('destruction.status');
    expect(d.reply).toContain('市第二人民医院目前没有销毁单记录');
    const byNo = await ask('zhangsan', '核销单 HX-2099-000999 审到哪了');
    expect(byNo.reply).toContain('没有找到本单位编号为 HX-2099-000999 的核销单');
  });

  it('when the sender is not registered, then a polite answer names whom to contact and shows no data', async () => {
    // The contact is a region setting (README「上线前本地化」).
    await t.services.region.put(systemActor, 'bureau.phone', { value: '0759-3220875' });
    const r = await ask('stranger-01', '我们还剩多少票');
    expect(r.reply).toContain('尚未');
    expect(r.reply).toContain('0759-3220875');
    expect(r.reply).not.toMatch(/\d{10}|份/);
    expect(r).toMatchObject({ escalated: false, ticketId: null });
  });

  it('when unit staff name another unit, then the bot refuses and shows none of its data', async () => {
    const before = await t.ds.getRepository(Ticket).count();
    const r = await ask('zhangsan', '市一医院还剩多少票');
    expect(r.reply).toContain('只能查询您所在单位（市第二人民医院）');
    expect(r.reply).not.toMatch(/0000000101|50 份/);
    expect(r.escalated).toBe(false);
    expect(await t.ds.getRepository(Ticket).count()).toBe(before);
  });

  it('when a bureau user asks, then the warehouse is answered, or the unit they name', async () => {
    const bureau = await ask('op-zhou', '还剩多少票');
    expect(bureau.reply).toContain('财政库房');
    expect(bureau.reply).toContain(`票据代码 ${batch}：0000000151-0000001000（850 份）`);
    const named = await ask('op-zhou', '市一医院还剩多少票');
    expect(named.reply).toContain(`票据代码 ${batch}：0000000101-0000000150（50 份）`);
  });

  it('when the question cannot be answered, then a ticket is opened, the engineer gets a card through the outbox and the answer gives number and due time', async () => {
    const r = await ask('zhaoliu', '开具票据时提示号段已被占用');
    expect(r.escalated).toBe(true);
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: r.ticketId! });
    expect(ticket).toMatchObject({ source: 'bot', priority: 'normal', reporterWecomId: 'zhaoliu', reporterName: 'zhao老师', state: 'new' });
    expect(ticket.guesses?.length).toBeGreaterThan(0);
    expect(r.reply).toContain(`#${ticket.id}`);
    expect(r.reply).toContain('2026-03-02 11:'); // 10:xx Beijing + 1 h (test SLA)
    const cards = await outboxTo('eng-wang');
    expect(cards.some((o) => o.message.kind === 'template_card' && JSON.stringify(o.message).includes(`claim:${ticket.id}`))).toBe(true);

    const status = await ask('zhaoliu', '我报的问题处理到哪了');
    expect(status.intent).toBe('ticket.status');
    expect(status.reply).toContain(`工单 #${ticket.id}（待处理）`);
  });

  it('when the engineer sends "#id 回复" through the bot, then the reply is queued to the reporter; a unit user’s command is refused', async () => {
    const q = await ask('qianqi', '开具票据时提示号段已被占用');
    const refused = await ask('qianqi', `#${q.ticketId} 解决`);
    expect(refused.reply).toContain('仅供驻场工程师使用');
    expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id: q.ticketId! })).state).toBe('new');
    // The engineer speaks as themselves: commands run only as the signed-in caller.
    const asEngineer = async (text: string) => {
      const r = await t.call('POST', '/api/v1/bot/messages', { token: engToken, body: { text } });
      expect(r.status, r.text).toBe(200);
      return r.body as { reply: string; intent: string };
    };
    const ok = await asEngineer(`#${q.ticketId} 请在系统「报表」里导出后核对`);
    expect(ok.intent).toBe('engineer.command');
    expect(ok.reply).toContain(`工单 #${q.ticketId}`);
    const toUser = await outboxTo('qianqi');
    expect(toUser.some((o) => o.message.kind === 'text' && o.message.content.includes('请在系统「报表」里导出后核对'))).toBe(true);
    const unknown = await asEngineer('#999999 解决');
    expect(unknown.reply).toContain('不存在');
  });

  it('when the user asks for a human, then a ticket is opened at once and the KB answer carries its number', async () => {
    const r = await ask('sunba', '转人工');
    expect(r).toMatchObject({ intent: 'handoff.human', escalated: true });
    expect(r.reply).toContain(`工单号 #${r.ticketId}`);
    expect(r.reply).not.toContain('{{');
  });

  it('when a fault is reported, then an urgent fault ticket is opened', async () => {
    const r = await ask('lisi', '系统打不开了，一直报错');
    expect(r).toMatchObject({ intent: 'fault.report', escalated: true });
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: r.ticketId! });
    expect(ticket).toMatchObject({ source: 'fault', priority: 'urgent', category: 'fault' });
    expect(r.reply).toContain(`#${ticket.id}`);
  });

  it('when the text is huge, emoji only, full-width or empty, then a sensible answer comes back', async () => {
    const huge = await ask('zhangsan', '请问'.repeat(2500));
    expect(huge.reply.length).toBeGreaterThan(0);
    const stored = await t.ds.getRepository(BotExchange).findOneOrFail({ where: { senderId: 'zhangsan' }, order: { id: 'DESC' } });
    expect(stored.text.length).toBeLessThanOrEqual(4000);
    expect((await ask('zhangsan', '👍👍')).reply).toContain('收到');
    expect((await ask('zhangsan', '')).reply).toContain('请用文字描述');
    const wide = await ask('zhangsan', 'ＵＫＥＹ插上没反应😭');
    expect(wide.intent).toBe('faq.ukey');
    expect(wide.reply).not.toContain('{{');
  });

  it('when anyone but an admin names another sender, then 403; nobody signed in, 401; an empty senderId, 400', async () => {
    const staff = await t.userToken('unit_staff', { unitCode: 'H2' });
    for (const token of [staff, opToken]) {
      const r = await t.call('POST', '/api/v1/bot/messages', { token, body: { senderId: 'x', text: '你好' } });
      expect(r.status).toBe(403);
      expect(r.body.error.reason).toBe('PERMISSION_DENIED');
    }
    expect((await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text: '你好' } })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/bot/messages', { body: { senderId: 'x', text: '你好' } })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/bot/messages', { token: t.adminToken, body: { senderId: '', text: '你好' } })).status).toBe(400);
  });

  it('when an admin lists the KB and retrains, then intents and the version come back and the bot keeps answering', async () => {
    const list = await t.call('GET', '/api/v1/kb/intents', { token: opToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { intent: string }) => i.intent)).toEqual(
      expect.arrayContaining(['stock.query', 'faq.ukey', 'handoff.human']),
    );
    const pending = t.call('POST', '/api/v1/kb/train', { token: t.adminToken });
    expect((await ask('zhangsan', '你好')).intent).toBe('greeting');
    const trained = await pending;
    expect(trained.status, trained.text).toBe(200);
    expect(trained.body).toMatchObject({ version: list.body.version, previousVersion: list.body.version });
    expect(fx.bot.nlp.current().kb.version).toBe(list.body.version);
  }, 60_000);
});
