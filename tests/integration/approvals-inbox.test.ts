import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { freshBatchCode, receive, seedBillType, seedUnit, setCap } from '../helpers/ledger-fixtures';

// 待办审批: the console's inbox lists every document awaiting the bureau with the checks its approval runs.
describe('approvals inbox', () => {
  let t: TestApp;
  let op1: string;
  let op2: string;
  let staff: string;
  let unitCode: string;
  let billTypeCode: string;
  let batchCode: string;
  beforeAll(async () => {
    t = await startTestApp();
    op1 = await t.userToken('operator', { username: 'inbox.op1' });
    op2 = await t.userToken('operator', { username: 'inbox.op2' });
    unitCode = (await seedUnit(t.services, { name: '市第一人民医院' })).code;
    billTypeCode = (await seedBillType(t.services)).code;
    batchCode = freshBatchCode();
    await receive(t.services, { billTypeCode, batchCode, startNo: 1, endNo: 500 });
    await setCap(t.services, unitCode, billTypeCode, 300);
    staff = await t.userToken('unit_staff', { unitCode });
  });
  afterAll(() => t?.close());
  const post = (path: string, token: string, body: unknown = {}) => t.call('POST', `/api/v1${path}`, { token, body });
  const inbox = (token: string, query = '') => t.call('GET', `/api/v1/approvals${query}`, { token });

  it('when a unit applies within the cap and stock, then the inbox shows it first with every check passed and 通过并发放 possible', async () => {
    const app = await post('/applications', staff, { unitCode, billTypeCode, quantity: 200, reason: '门诊收费' });
    expect(app.status).toBe(201);
    const r = await inbox(op1, '?kind=application');
    expect(r.status).toBe(200);
    const item = r.body.items.find((i: { id: number }) => i.id === app.body.id);
    expect(item).toMatchObject({ kind: 'application', kindName: '申领单', unitName: '市第一人民医院', quantity: 200, canApprove: true });
    expect(item.canIssueNow).toBe(true);
    expect(item.checks.map((c: { key: string; ok: boolean }) => [c.key, c.ok])).toEqual([
      ['cap', true],
      ['writeoff', true],
      ['stock', true],
      ['duties', true],
    ]);
    expect(item.checks.find((c: { key: string }) => c.key === 'stock').message).toContain('可批 500 份');
    expect(r.body.byKind).toEqual({ application: 1, writeoff: 0, return: 0, stock_void: 0, destruction: 0 });
  });

  it('when earlier approvals promise most of the stock, then a later application shows 库存不足 and cannot be issued now', async () => {
    const first = await post('/applications', staff, { unitCode, billTypeCode, quantity: 250 });
    const second = await post('/applications', staff, { unitCode, billTypeCode, quantity: 260 });
    expect((await post(`/applications/${first.body.id}/approve`, op1)).body.status).toBe('approved');
    const item = (await inbox(op1, '?kind=application')).body.items.find((i: { id: number }) => i.id === second.body.id);
    const stock = item.checks.find((c: { key: string }) => c.key === 'stock');
    expect(stock.ok).toBe(false);
    expect(stock.message).toContain('已批待发 250 份');
    expect(item).toMatchObject({ canApprove: false, canIssueNow: false });
    // The endpoint agrees with what the inbox showed.
    const refused = await post(`/applications/${second.body.id}/approve`, op1);
    expect(refused.body.error.reason).toBe('STOCK_INSUFFICIENT');
  });

  it('when an operator entered the document, then their inbox marks 不相容岗位 and another operator sees it as approvable', async () => {
    const app = await post('/applications', op1, { unitCode, billTypeCode, quantity: 10 });
    const mine = (await inbox(op1)).body.items.find((i: { id: number }) => i.id === app.body.id);
    expect(mine.checks.find((c: { key: string }) => c.key === 'duties')).toMatchObject({ ok: false });
    expect(mine.canApprove).toBe(false);
    const theirs = (await inbox(op2)).body.items.find((i: { id: number }) => i.id === app.body.id);
    expect(theirs.checks.find((c: { key: string }) => c.key === 'duties')).toMatchObject({ ok: true });
  });

  it('when a unit reports a write-off, then it joins the inbox with its counts, and the unit cannot apply while it waits', async () => {
    const issued = await post('/applications', staff, { unitCode, billTypeCode, quantity: 20 });
    // Issue needs stock beyond earlier promises: reject the outstanding ones first.
    const pending = (await inbox(op2, '?kind=application')).body.items as Array<{ id: number }>;
    for (const p of pending.filter((p) => p.id !== issued.body.id))
      await post(`/applications/${p.id}/reject`, op2, { opinion: '请重新核定数量' });
    await post(`/applications/${issued.body.id}/approve`, op2);
    const iss = await post(`/applications/${issued.body.id}/issue`, op2);
    expect(iss.status).toBe(200);
    const range = iss.body.ranges[0];
    const wo = await post('/writeoffs', staff, {
      unitCode,
      billTypeCode,
      cutoffDate: '2026-01-31',
      used: [{ batchCode: range.batchCode, startNo: range.startNo, endNo: range.startNo + 9 }],
      voided: [{ batchCode: range.batchCode, startNo: range.startNo + 10, endNo: range.startNo + 11 }],
    });
    expect(wo.status).toBe(201);
    const app = await post('/applications', op1, { unitCode, billTypeCode, quantity: 5 });
    expect(app.body.error.reason).toBe('PENDING_WRITEOFFS');
    const items = (await inbox(op1, `?unitCode=${unitCode}`)).body.items;
    const item = items.find((i: { kind: string; id: number }) => i.kind === 'writeoff' && i.id === wo.body.id);
    expect(item).toMatchObject({
      kindName: '核销单',
      counts: { used: 10, voided: 2, total: 12 },
      cutoffDate: '2026-01-31',
      canApprove: true,
    });
    expect(item.lines).toHaveLength(2);
  });

  it('when unit staff or an engineer ask for the inbox, then they are refused', async () => {
    expect((await inbox(staff)).status).toBe(403);
    expect((await inbox(await t.userToken('engineer'))).status).toBe(403);
  });
});

describe('unit caps listing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('when caps are set for a unit, then GET /units/:code/caps lists them; another unit’s staff is refused', async () => {
    const unit = (await seedUnit(t.services)).code;
    const other = (await seedUnit(t.services)).code;
    const bt = (await seedBillType(t.services, { name: '医疗收费票据' })).code;
    await setCap(t.services, unit, bt, 1200);
    const op = await t.userToken('operator');
    const r = await t.call('GET', `/api/v1/units/${unit}/caps`, { token: op });
    expect(r.body).toEqual({ unitCode: unit, items: [{ billTypeCode: bt, billTypeName: '医疗收费票据', maxQuantity: 1200 }] });
    const staff = await t.userToken('unit_staff', { unitCode: other });
    expect((await t.call('GET', `/api/v1/units/${unit}/caps`, { token: staff })).body.error.reason).toBe('OTHER_UNIT');
    expect((await t.call('GET', `/api/v1/units/${other}/caps`, { token: staff })).body.items).toEqual([]);
  });
});
