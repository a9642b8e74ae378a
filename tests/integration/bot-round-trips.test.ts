import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotExchange } from '../../src/domain/desk/exchange.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { User } from '../../src/domain/identity/user.entity';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { seedHospital } from '../helpers/bot-fixtures';
import { statementsDuring } from '../helpers/statements';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('database round trips of one bot stock question', () => {
  let t: TestApp;
  const batch = freshBatchCode();

  beforeAll(async () => {
    t = await startTestApp();
    const s = t.services;
    await seedHospital(s);
    await receive(s, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 1000 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
    await s.users.create(systemActor, {
      username: 'zhang',
      name: '张老师',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'zhangsan',
    } as never);
  });
  afterAll(async () => t?.close());

  it('when a registered unit staff member asks 「我们还剩多少票」, then the turn costs at most 3 statements', async () => {
    const { bot } = await t.system.bot();
    const ask = (text: string) => bot.handleMessage({ channel: 'api', senderId: 'zhangsan', text, receivedAt: t.clock.now() });
    // The first turn of a process loads the unit and bill-type directory; later turns read it from memory.
    await ask('你好');
    let reply = '';
    const statements = await statementsDuring(t.ds, async () => {
      const r = await ask('我们还剩多少票');
      expect(r.intent).toBe('stock.query');
      reply = r.reply;
    });
    expect(reply).toContain(`票据代码 ${batch}：0000000001-0000000100（100 份）`);
    console.info(
      `bot stock question: ${statements.length} statements\n  ${statements.map((q) => q.replace(/\s+/g, ' ').slice(0, 240)).join('\n  ')}`,
    );
    expect(statements.length).toBeLessThanOrEqual(3);
  });

  it('when a unit is added after the directory was loaded, then the next turn already knows its name (the catalog invalidates the cache)', async () => {
    const { bot } = await t.system.bot();
    await t.services.users.create(systemActor, { username: 'zhou', name: '周科长', role: 'operator', wecomUserId: 'op-zhou' } as never);
    const ask = (text: string) => bot.handleMessage({ channel: 'api', senderId: 'op-zhou', text, receivedAt: t.clock.now() });
    expect((await ask('市三医院还剩多少票')).reply).not.toContain('市三医院目前没有');
    await t.services.catalog.createUnit(systemActor, { code: 'H3', name: '市三医院', onboardingStatus: 'online' });
    const r = await ask('市三医院还剩多少票');
    expect(r.intent).toBe('stock.query');
    expect(r.reply).toContain('市三医院目前没有任何票据的库存');
  });

  it('when unit staff ask through POST /api/v1/bot/messages with their token, then the whole request costs at most 3 statements and is logged as them', async () => {
    const token = await t.userToken('unit_staff', { unitCode: 'H2', username: 'li', wecomUserId: 'lisi' });
    const send = () => t.call('POST', '/api/v1/bot/messages', { token, body: { text: '我们还剩多少票' } });
    // The first request of this account fills the session cache (one read of the account).
    expect((await send()).status).toBe(200);
    let body: { intent?: string; reply?: string } = {};
    const statements = await statementsDuring(t.ds, async () => {
      const r = await send();
      expect(r.status, r.text).toBe(200);
      body = r.body;
    });
    expect(body.intent).toBe('stock.query');
    expect(body.reply).toContain(`票据代码 ${batch}：0000000001-0000000100（100 份）`);
    // The sender (with unit and survey flag), the stock, the exchange row: the token's account and its
    // WeCom id come from the session cache, not from a statement of their own.
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(3);
    const last = await t.ds.getRepository(BotExchange).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    expect(last).toMatchObject({ senderId: 'lisi', intent: 'stock.query', channel: 'api' });
  });

  it('when an admin binds another WeCom id to the account, then its next message speaks as the new id (the cached account is dropped)', async () => {
    const token = await t.userToken('unit_staff', { unitCode: 'H2', username: 'zhao', wecomUserId: 'zhao-old' });
    const send = (text: string) => t.call('POST', '/api/v1/bot/messages', { token, body: { text } });
    expect((await send('我们还剩多少票')).status).toBe(200);
    const user = await t.ds.getRepository(User).findOneByOrFail({ username: 'zhao' });
    const patched = await t.call('PATCH', `/api/v1/users/${user.id}`, { token: t.adminToken, body: { wecomUserId: 'zhao-new' } });
    expect(patched.status, patched.text).toBe(200);
    const r = await send('我们还剩多少票');
    // Binding a WeCom id does not end the session (role, unit and status are unchanged).
    expect(r.status, r.text).toBe(200);
    const last = await t.ds.getRepository(BotExchange).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    expect(last.senderId).toBe('zhao-new');
  });
});
