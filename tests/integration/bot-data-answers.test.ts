import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runText } from '../../src/bot/dialog/format';
import { systemActor } from '../../src/domain/identity/actor';
import { seedHospital } from '../helpers/bot-fixtures';
import { approvedApplication, freshBatchCode, issueToUnit, receive, setCap } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Issue 10, item 7: answers from the unit's own data — the last issuance, whether a number is ours
// and in which state, overdue write-offs, the unit's caps, why an approved application waits.
// Every figure in an answer is compared with the API's answer to the same question.
describe('the bot answers from the unit’s own data, with the API’s figures', () => {
  let t: TestApp;
  // Usernames: the test moves the clock by days and months, so each call signs in afresh.
  const staff = 'zhang';
  const otherStaff = 'li';
  const batch = freshBatchCode();

  const ask = async (text: string, token = staff) => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: await t.login(token, 'Passw0rd123'), body: { text } });
    expect(r.status, r.text).toBe(200);
    return r.body as { reply: string; intent: string; escalated: boolean; ticketId: number | null };
  };
  const api = async (path: string, token = staff) => {
    const r = await t.call('GET', `/api/v1${path}`, { token: await t.login(token, 'Passw0rd123') });
    expect(r.status, r.text).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const s = t.services;
    await seedHospital(s);
    await s.catalog.createUnit(systemActor, { code: 'H1', name: '市一医院', onboardingStatus: 'online' });
    await receive(s, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 2000 });
    await t.userToken('unit_staff', { unitCode: 'H2', username: staff, wecomUserId: 'zhangsan' });
    await t.userToken('unit_staff', { unitCode: 'H1', username: otherStaff, wecomUserId: 'lisi' });
  }, 60_000);
  afterAll(() => t?.close());

  it('when the unit has had no issuance yet, then 「最近一次领票」 says so and the API agrees', async () => {
    const r = await ask('最近一次领票是哪天，号码是多少');
    expect(r.intent).toBe('issuance.last');
    expect(r.escalated).toBe(false);
    expect(r.reply).toContain('市第二人民医院目前还没有领票（发放）记录');
    expect((await api('/units/H2/last-issuance')).issuance).toBeNull();
  });

  it('when the unit was issued twice, then the answer gives the latest date, bill type and ranges, equal to the API', async () => {
    await issueToUnit(t.services, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 500 });
    t.clock.advance(86_400_000);
    await issueToUnit(t.services, { unitCode: 'H1', billTypeCode: 'YL01', quantity: 100 });
    t.clock.advance(86_400_000);
    await issueToUnit(t.services, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 300 });
    const r = await ask('最近一次领票是哪天，号码是多少');
    expect(r.intent).toBe('issuance.last');
    const { issuance } = await api('/units/H2/last-issuance');
    expect(issuance.total).toBe(300);
    expect(issuance.ranges).toEqual([{ batchCode: batch, startNo: 601, endNo: 900, count: 300 }]);
    expect(r.reply).toContain('2026-03-04');
    expect(r.reply).toContain(`医疗收费票据（YL01）${issuance.total} 份，发放单 ${issuance.docNo}（申领单 ${issuance.applicationDocNo}）`);
    for (const x of issuance.ranges) expect(r.reply).toContain(`票据代码 ${x.batchCode}：${runText(x.startNo, x.endNo)}（${x.count} 份）`);
    // Another unit's staff cannot read it through the API.
    const refused = await t.call('GET', '/api/v1/units/H2/last-issuance', { token: await t.login(otherStaff, 'Passw0rd123') });
    expect(refused.status).toBe(403);
    expect(refused.body.error.reason).toBe('OTHER_UNIT');
  });

  it('when asked about a number of the unit, then its state is given as the API gives it', async () => {
    const r = await ask('号码0000000100是我们单位的吗');
    expect(r.intent).toBe('number.lookup');
    expect(r.reply).toContain('号码 0000000100 是市第二人民医院的票据');
    expect(r.reply).toContain(`票据代码 ${batch}）：在本单位库存中（空白未用）`);
    const v = await api('/units/H2/numbers/100');
    expect(v.matches).toEqual([{ billTypeCode: 'YL01', billTypeName: '医疗收费票据', batchCode: batch, state: 'IN_STOCK' }]);
    expect(v.elsewhere).toBe(false);
  });

  it('when numbers were written off or returned, then the answer says which', async () => {
    const s = t.services;
    const wo = await s.writeoffs.create(systemActor, {
      unitCode: 'H2',
      billTypeCode: 'YL01',
      cutoffDate: '2026-03-03',
      amount: 100,
      used: [{ batchCode: batch, startNo: 1, endNo: 40 }],
      voided: [{ batchCode: batch, startNo: 41, endNo: 42 }],
      lost: [],
    });
    await s.writeoffs.approve(systemActor, wo.id, { result: '良好' });
    const ret = await s.returns.create(systemActor, {
      unitCode: 'H2',
      billTypeCode: 'YL01',
      reason: '多领',
      lines: [{ batchCode: batch, startNo: 851, endNo: 900 }],
    });
    await s.returns.approve(systemActor, ret.id, {});

    const written = await ask('票号0000000041是不是已经核销了');
    expect(written.intent).toBe('number.lookup');
    expect(written.reply).toContain('已核销（审核通过）');
    expect((await api('/units/H2/numbers/41')).matches[0].state).toBe('WRITTEN_OFF');

    const back = await ask('号码0000000860是我们单位的吗');
    expect(back.reply).toContain('已退回财政局（申退）');
    expect((await api('/units/H2/numbers/860')).matches[0].state).toBe('RETURNED');
  });

  it('when the number is another unit’s, then the answer says only that it is not ours — never whose', async () => {
    // 501–600 went to 市一医院.
    const r = await ask('号码0000000550是我们单位的吗');
    expect(r.intent).toBe('number.lookup');
    expect(r.reply).toContain('号码 0000000550 不是市第二人民医院的票据');
    expect(r.reply).not.toMatch(/市一医院|H1/);
    expect(r.escalated).toBe(false);
    const v = await api('/units/H2/numbers/550');
    expect(v).toEqual({ unitCode: 'H2', number: 550, billTypeCode: null, matches: [], elsewhere: true });
    // 市一医院 sees it as its own.
    expect((await ask('号码0000000550是我们单位的吗', otherStaff)).reply).toContain('是市一医院的票据');
  });

  it('when the number does not exist or is not a bill number, then the answer says so without a ticket', async () => {
    const none = await ask('号码0000099999是我们单位的吗');
    expect(none.intent).toBe('number.lookup');
    expect(none.reply).toContain('系统中没有号码 0000099999 的票据');
    expect(none.ticketId).toBeNull();
    const bad = await ask('号码123456789012是我们单位的吗');
    expect(bad.intent).toBe('number.lookup');
    expect(bad.reply).toContain('不是有效的票号');
    expect((await t.call('GET', '/api/v1/units/H2/numbers/123456789012', { token: await t.login(staff, 'Passw0rd123') })).status).toBe(400);
  });

  it('when the unit has no cap, then 「一次最多能领多少医疗票」 says so with the general rule; with a cap, its figure', async () => {
    const none = await ask('一次最多能领多少医疗票');
    expect(none.intent).toBe('apply.cap');
    expect(none.reply).toContain('市第二人民医院「医疗收费票据」没有设置单次申领上限');
    expect(none.reply).toContain('每次申领不超过 3 个月的用量');
    expect((await api('/units/H2/caps')).items).toEqual([]);

    await setCap(t.services, 'H2', 'YL01', 2000);
    const capped = await ask('一次最多能领多少医疗票');
    const caps = await api('/units/H2/caps');
    expect(caps.items).toEqual([{ billTypeCode: 'YL01', billTypeName: '医疗收费票据', maxQuantity: 2000 }]);
    expect(capped.reply).toContain(`每次最多申领 ${caps.items[0].maxQuantity} 份`);
    expect((await ask('我们单位每次最多能申领多少')).reply).toContain('医疗收费票据（YL01）：每次最多 2000 份');
  });

  it('when an approved application waits for stock, then 「SL-…为什么还没发」 says how many the warehouse holds against the quantity', async () => {
    const s = t.services;
    const id = await approvedApplication(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 800 });
    const docNo = (await s.applications.get(systemActor, id)).docNo;
    // The bureau voids most of its stock (换版): fewer remain than asked.
    const v = await s.stockVoids.create(systemActor, {
      holder: 'bureau',
      billTypeCode: 'YL01',
      reason: '换版',
      lines: [{ batchCode: batch, startNo: 1001, endNo: 2000 }],
    });
    await s.stockVoids.approve(systemActor, v.id, {});
    const r = await ask(`${docNo}为什么还没发`);
    expect(r.intent).toBe('application.status');
    const readiness = await s.issueReadiness.of(systemActor, id);
    expect(r.reply).toContain(`财政库存目前只有 ${readiness!.available} 份，不足 ${readiness!.requested} 份`);
  });
  it('when nothing is overdue, then 「有没有逾期没核销的票」 answers 没有; seven months on, 有 with the warnings report’s figures', async () => {
    const no = await ask('有没有逾期没核销的票');
    expect(no.intent).toBe('writeoff.overdue');
    expect(no.reply.startsWith('没有。')).toBe(true);
    expect((await api('/reports/warnings?unitCode=H2')).overdueWriteoffs).toEqual([]);

    t.clock.advance(7 * 31 * 86_400_000);
    const yes = await ask('有没有逾期没核销的票');
    expect(yes.intent).toBe('writeoff.overdue');
    const w = await api('/reports/warnings?unitCode=H2');
    expect(w.overdueWriteoffs).toHaveLength(1);
    const row = w.overdueWriteoffs[0];
    expect(
      yes.reply.startsWith(`有。市第二人民医院有 1 种票据逾期未核销，共 ${row.heldOldCount} 份（发放超过 ${w.overdueMonths} 个月`),
    ).toBe(true);
    expect(yes.reply).toContain(
      `医疗收费票据（YL01）：${row.heldOldCount} 份，最早 ${row.oldestIssuedAt.slice(0, 10)} 发放；最近一次核销截止 ${row.lastApprovedCutoff}`,
    );
  });

  it('when 核旧领新 blocks, then 「我们现在能申领医疗票吗」 gives the application check’s blockers and the pending write-off', async () => {
    const wo = await t.services.writeoffs.create(systemActor, {
      unitCode: 'H2',
      billTypeCode: 'YL01',
      cutoffDate: '2026-10-01',
      amount: 10,
      used: [{ batchCode: batch, startNo: 43, endNo: 60 }],
      voided: [],
      lost: [],
    });
    const r = await ask('我们现在能申领医疗票吗');
    expect(r.intent).toBe('apply.check');
    expect(r.escalated).toBe(false);
    const check = await t.call('POST', '/api/v1/applications/check', {
      token: await t.login(staff, 'Passw0rd123'),
      body: { unitCode: 'H2', billTypeCode: 'YL01', quantity: 1 },
    });
    expect(check.status, check.text).toBe(200);
    expect(check.body.canSubmit).toBe(false);
    expect(r.reply).toContain('医疗收费票据：暂不能申领（每次最多 2000 份）');
    for (const b of check.body.blockers) expect(r.reply).toContain(b.message);
    expect(check.body.pendingWriteoffs).toEqual([{ docNo: wo.docNo, status: 'submitted' }]);
    expect(r.reply).toContain(`待办结的核销单：${wo.docNo}（待审核）`);
  });
});
