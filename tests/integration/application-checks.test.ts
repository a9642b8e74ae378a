import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { createDocument } from '../../src/domain/documents/lifecycle';
import { approvedApplication, freshBatchCode, receive, seedBillType, seedUnit, setCap } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const NOW = '2026-03-02T02:00:00Z';

// One reading of the application rules and the warehouse for the web form, the bot's confirmation
// card and the operators' approval cards (issue 10 items 1–2, issue 11).
describe('application checks (申领前检查)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: NOW });
  });
  afterAll(async () => t?.close());

  const check = (token: string, body: unknown) => t.call('POST', '/api/v1/applications/check', { token, body });
  const documents = () => t.ds.getRepository(BillDocument).count();

  /** A unit with staff and a bill type with 1,000 numbers in the warehouse. */
  async function scene() {
    const unit = await seedUnit(t.services);
    const bt = await seedBillType(t.services);
    await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    return { unit, bt, staff: await t.userToken('unit_staff', { unitCode: unit.code }) };
  }

  it('when nothing blocks, then it may be submitted and the warehouse figures are given, and nothing is written', async () => {
    const { unit, bt, staff } = await scene();
    const before = await documents();
    const r = await check(staff, { unitCode: unit.code, billTypeCode: bt.code, quantity: 300 });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      unit: { code: unit.code },
      billType: { code: bt.code },
      quantity: 300,
      cap: null,
      blockers: [],
      pendingWriteoffs: [],
      warehouse: { inStock: 1000, promised: 0, available: 1000, sufficient: true },
      canSubmit: true,
    });
    expect(await documents()).toBe(before);
  });

  it('when the quantity exceeds the cap, then the cap blocks with the same message the submission gets', async () => {
    const { unit, bt, staff } = await scene();
    await setCap(t.services, unit.code, bt.code, 200);
    const body = { unitCode: unit.code, billTypeCode: bt.code, quantity: 300 };
    const r = await check(staff, body);
    expect(r.body.cap).toBe(200);
    expect(r.body.canSubmit).toBe(false);
    expect(r.body.blockers.map((b: { reason: string }) => b.reason)).toEqual(['CAP_EXCEEDED']);
    const submitted = await t.call('POST', '/api/v1/applications', { token: staff, body });
    expect(submitted.status).toBe(409);
    expect(submitted.body.error.message).toBe(r.body.blockers[0].message);
  });

  it('when a write-off of the type waits for review, then 核旧领新 blocks and names it', async () => {
    const { unit, bt, staff } = await scene();
    const w = await t.system.store.transaction((tx) =>
      createDocument(
        tx.documents,
        { docType: 'writeoff', unitId: unit.id, billTypeId: bt.id, createdBy: 1, createdAt: new Date(NOW) },
        'returned',
      ),
    );
    const r = await check(staff, { unitCode: unit.code, billTypeCode: bt.code, quantity: 10 });
    expect(r.body.pendingWriteoffs).toEqual([{ docNo: w.docNo, status: 'returned' }]);
    expect(r.body.blockers[0]).toMatchObject({ reason: 'PENDING_WRITEOFFS' });
    expect(r.body.blockers[0].message).toContain(w.docNo);
  });

  it('approved applications not yet issued are counted as promised; an application is not counted against itself', async () => {
    const { unit, bt, staff } = await scene();
    const other = await seedUnit(t.services);
    await approvedApplication(t.services, { unitCode: other.code, billTypeCode: bt.code, quantity: 600 });
    const r = await check(staff, { unitCode: unit.code, billTypeCode: bt.code, quantity: 500 });
    expect(r.body.warehouse).toEqual({ inStock: 1000, promised: 600, available: 400, sufficient: false });
    expect(r.body.canSubmit).toBe(true);

    const mine = await t.call('POST', '/api/v1/applications', {
      token: staff,
      body: { unitCode: unit.code, billTypeCode: bt.code, quantity: 400 },
    });
    expect(mine.status, mine.text).toBe(201);
    const own = await t.call('GET', `/api/v1/applications/${mine.body.id}/checks`, { token: staff });
    expect(own.status, own.text).toBe(200);
    expect(own.body.warehouse).toEqual({ inStock: 1000, promised: 600, available: 400, sufficient: true });
  });

  it.each([
    ['another unit', (o: { other: string; bt: string }) => ({ unitCode: o.other, billTypeCode: o.bt, quantity: 1 }), 403, 'OTHER_UNIT'],
    [
      'an unknown bill type',
      (o: { other: string; bt: string; own: string }) => ({ unitCode: o.own, billTypeCode: 'NOPE', quantity: 1 }),
      404,
      'BILL_TYPE_NOT_FOUND',
    ],
    [
      'a zero quantity',
      (o: { other: string; bt: string; own: string }) => ({ unitCode: o.own, billTypeCode: o.bt, quantity: 0 }),
      400,
      'INVALID_INPUT',
    ],
    [
      'a reason field (not part of a check)',
      (o: { own: string; bt: string }) => ({ unitCode: o.own, billTypeCode: o.bt, quantity: 1, reason: 'x' }),
      400,
      'INVALID_INPUT',
    ],
  ])('when unit staff check %s, then they are refused', async (_what, body, status, reason) => {
    const { unit, bt, staff } = await scene();
    const other = await seedUnit(t.services);
    const r = await check(staff, body({ other: other.code, bt: bt.code, own: unit.code }));
    expect(r.status, r.text).toBe(status);
    expect(r.body.error.reason).toBe(reason);
  });

  it('when unit staff ask for the checks of another unit’s application, then 403', async () => {
    const { bt } = await scene();
    const other = await seedUnit(t.services);
    const id = await approvedApplication(t.services, { unitCode: other.code, billTypeCode: bt.code, quantity: 1 });
    const { staff } = await scene();
    const r = await t.call('GET', `/api/v1/applications/${id}/checks`, { token: staff });
    expect(r.status).toBe(403);
    expect(r.body.error.reason).toBe('OTHER_UNIT');
  });
});
