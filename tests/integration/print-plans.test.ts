import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { PrintOrder } from '../../src/domain/documents/print-order.entity';
import { expectInvariantsOk, expectRefused, freshBatchCode, ledgerScenario, seedBillType } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('print plans and orders (计划和印制)', () => {
  let t: TestApp;
  let op: string;
  let checker: string;
  beforeAll(async () => {
    t = await startTestApp();
    op = await t.userToken('operator');
    // 不相容岗位相互分离: the plan one operator drafts, another reviews.
    checker = await t.userToken('operator');
  });
  afterAll(async () => t?.close());
  const post = (path: string, body: unknown, token = op) => t.call('POST', `/api/v1${path}`, { token, body });
  const get = (path: string, token = op) => t.call('GET', `/api/v1${path}`, { token });

  async function approvedPlan(quantity: number) {
    const bt = await seedBillType(t.services);
    const plan = await post('/print-plans', { billTypeCode: bt.code, year: 2026, quantity, reason: '年度用票' });
    expect(plan.status).toBe(201);
    expect(plan.body).toMatchObject({ status: 'submitted', docType: 'print_plan', year: 2026, quantity, unitCode: null });
    const own = await post(`/print-plans/${plan.body.id}/approve`, {});
    expect(own.body.error.reason).toBe('SAME_PERSON');
    expect((await post(`/print-plans/${plan.body.id}/approve`, {}, checker)).body.status).toBe('approved');
    return { bt, planId: plan.body.id as number };
  }

  it('when orders are delivered in full by receipts, then each order is delivered and the plan completed', async () => {
    const { bt, planId } = await approvedPlan(1000);
    const bc = freshBatchCode();
    const o1 = await post(`/print-plans/${planId}/orders`, { printer: '省印刷厂', batchCode: bc, startNo: 1, endNo: 600 });
    expect(o1.status).toBe(201);
    expect(o1.body).toMatchObject({ ordered: 600, delivered: 0 });
    const o2 = await post(`/print-plans/${planId}/orders`, { printer: '省印刷厂', batchCode: bc, startNo: 601, endNo: 1000 });
    const [order1, order2] = o2.body.orders as Array<{ id: number }>;
    const rec = (startNo: number, endNo: number, printOrderId: number) =>
      post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo, endNo, printOrderId });
    expect((await rec(1, 300, order1.id)).status).toBe(201);
    expect((await t.ds.getRepository(PrintOrder).findOneByOrFail({ id: order1.id })).status).toBe('ordered');
    expect((await rec(301, 600, order1.id)).status).toBe(201);
    expect((await t.ds.getRepository(PrintOrder).findOneByOrFail({ id: order1.id })).status).toBe('delivered');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: planId })).status).toBe('approved');
    expect((await rec(601, 1000, order2.id)).status).toBe(201);
    const detail = await get(`/print-plans/${planId}`);
    expect(detail.body).toMatchObject({ status: 'completed', ordered: 1000, delivered: 1000 });
    expect(detail.body.orders.map((o: { status: string; received: number }) => [o.status, o.received])).toEqual([
      ['delivered', 600],
      ['delivered', 400],
    ]);
    await expectInvariantsOk(t.ds);
  });

  it('when orders exceed the plan, overlap another order, or the plan is not approved, then 409 and nothing changes', async () => {
    const { planId } = await approvedPlan(100);
    const bc = freshBatchCode();
    expect((await post(`/print-plans/${planId}/orders`, { printer: 'A', batchCode: bc, startNo: 1, endNo: 60 })).status).toBe(201);
    const over = await expectRefused(t.ds, 409, () =>
      post(`/print-plans/${planId}/orders`, { printer: 'A', batchCode: bc, startNo: 61, endNo: 101 }),
    );
    expect(over.body.error.message).toContain('超出计划');
    await expectRefused(t.ds, 409, () => post(`/print-plans/${planId}/orders`, { printer: 'A', batchCode: bc, startNo: 60, endNo: 70 }));
    const bt = await seedBillType(t.services);
    const draft = await post('/print-plans', { billTypeCode: bt.code, year: 2026, quantity: 10, draft: true });
    expect(draft.body.status).toBe('draft');
    await expectRefused(t.ds, 409, () =>
      post(`/print-plans/${draft.body.id}/orders`, { printer: 'A', batchCode: freshBatchCode(), startNo: 1, endNo: 5 }),
    );
    await expectRefused(t.ds, 404, () => post('/print-plans/999999/orders', { printer: 'A', batchCode: bc, startNo: 80, endNo: 85 }));
    await expectRefused(t.ds, 400, () => post(`/print-plans/${planId}/orders`, { printer: 'A', batchCode: bc, startNo: 90, endNo: 85 }));
  });

  it('when a receipt falls outside its order or names an unknown order, then it is refused and nothing changes', async () => {
    const { bt, planId } = await approvedPlan(100);
    const bc = freshBatchCode();
    const order = (await post(`/print-plans/${planId}/orders`, { printer: 'A', batchCode: bc, startNo: 1, endNo: 100 })).body.orders[0];
    await expectRefused(t.ds, 409, () =>
      post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo: 90, endNo: 110, printOrderId: order.id }),
    );
    await expectRefused(t.ds, 404, () =>
      post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo: 1, endNo: 10, printOrderId: 999999 }),
    );
  });

  it('when a plan is rejected without an opinion, then 400; with one, returned; unit staff cannot create plans; lists filter', async () => {
    const s = await ledgerScenario(t.services, { count: 1 });
    const staff = await t.userToken('unit_staff', { unitCode: s.unit.code });
    await expectRefused(t.ds, 403, () => post('/print-plans', { billTypeCode: s.billType.code, year: 2026, quantity: 10 }, staff));
    await expectRefused(t.ds, 403, () => get('/print-plans', staff));
    const p = (await post('/print-plans', { billTypeCode: s.billType.code, year: 2027, quantity: 10 })).body.id;
    await expectRefused(t.ds, 400, () => post(`/print-plans/${p}/reject`, {}, checker));
    expect((await post(`/print-plans/${p}/reject`, { opinion: '数量偏大' }, checker)).body).toMatchObject({
      status: 'returned',
      opinion: '数量偏大',
    });
    const list = await get(`/print-plans?billTypeCode=${s.billType.code}&year=2027`);
    expect(list.body.items.map((x: { id: number; year: number }) => [x.id, x.year])).toEqual([[p, 2027]]);
    await expectRefused(t.ds, 400, () => post('/print-plans', { billTypeCode: s.billType.code, year: 1999, quantity: 10 }));
  });
});
