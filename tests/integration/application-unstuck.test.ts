import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { expectInvariantsOk, expectRefused, freshBatchCode, receive, seedBillType, seedUnit } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Issue 9: an approved application never gets stuck — approval promises only stock that exists, and the bureau can 作废 or 核减. */
describe('applications that cannot get stuck', () => {
  let t: TestApp;
  let op: string;
  let checker: string;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' });
    op = await t.userToken('operator');
    checker = await t.userToken('operator');
  });
  afterAll(async () => t?.close());
  const post = (path: string, body: unknown, token = checker) => t.call('POST', `/api/v1${path}`, { token, body });

  /** A unit whose staff member has a WeCom id, a bill type with `stock` numbers in the warehouse. */
  async function scenario(stock: number) {
    const unit = await seedUnit(t.services);
    const bt = await seedBillType(t.services);
    if (stock > 0) await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: stock });
    const wecomUserId = `unstuck-${++n}`;
    const staff = await t.userToken('unit_staff', { unitCode: unit.code, wecomUserId });
    const apply = async (quantity: number) => {
      const r = await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity }, staff);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as number;
    };
    return { unit, bt, staff, wecomUserId, apply };
  }
  const outboxTo = async (wecomUserId: string) =>
    (await t.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).filter((m) =>
      (m.message as { toUsers?: string[] }).toUsers?.includes(wecomUserId),
    );

  it('when the warehouse holds less than the quantity, then approval is 409 STOCK_INSUFFICIENT with the number available and nothing changes', async () => {
    const s = await scenario(100);
    const a = await s.apply(120);
    const r = await expectRefused(t.ds, 409, () => post(`/applications/${a}/approve`, {}));
    expect(r.body.error).toMatchObject({ code: 'CONFLICT', reason: 'STOCK_INSUFFICIENT' });
    expect(r.body.error.details).toEqual([{ available: 100, requested: 120, inWarehouse: 100, promised: 0 }]);
    expect(r.body.error.message).toContain('可批 100 份');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: a })).status).toBe('submitted');
    // A bill type with no stock at all says 0 available.
    const empty = await scenario(0);
    const none = await empty.apply(1);
    const e = await expectRefused(t.ds, 409, () => post(`/applications/${none}/approve`, {}));
    expect(e.body.error.details[0]).toMatchObject({ available: 0, requested: 1 });
  });

  it('when earlier approved applications already promise the stock, then the next approval counts only what is left', async () => {
    const s = await scenario(1000);
    const first = await s.apply(600);
    expect((await post(`/applications/${first}/approve`, {})).status).toBe(200);
    const second = await s.apply(500);
    const r = await expectRefused(t.ds, 409, () => post(`/applications/${second}/approve`, {}));
    expect(r.body.error.details).toEqual([{ available: 400, requested: 500, inWarehouse: 1000, promised: 600 }]);
    expect(r.body.error.message).toContain('其中 600 份已批给其他待发放的申领单');
    // Returning it for a smaller quantity is the way out; 400 fits.
    expect((await post(`/applications/${second}/reject`, { opinion: '库存不足，请改为 400 份以内' })).status).toBe(200);
    expect((await post(`/applications/${second}/submit`, { quantity: 400 }, s.staff)).status).toBe(200);
    expect((await post(`/applications/${second}/approve`, {})).status).toBe(200);
  });

  it('when two approvals race for the same stock, then exactly one is approved', async () => {
    const s = await scenario(1000);
    const a = await s.apply(600);
    const b = await s.apply(600);
    const [ra, rb] = await Promise.all([post(`/applications/${a}/approve`, {}), post(`/applications/${b}/approve`, {})]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const statuses = (await t.ds.getRepository(BillDocument).findBy([{ id: a }, { id: b }])).map((d) => d.status).sort();
    expect(statuses).toEqual(['approved', 'submitted']);
  });

  it('when the bureau cancels (作废) an approved, unissued application, then it is cancelled with the opinion, audited, the unit is told why, and its stock is free again', async () => {
    const s = await scenario(100);
    const a = await s.apply(80);
    expect((await post(`/applications/${a}/approve`, {})).status).toBe(200);
    const waiting = await s.apply(50);

    await expectRefused(t.ds, 400, () => post(`/applications/${a}/cancel`, {}));
    await expectRefused(t.ds, 400, () => post(`/applications/${a}/cancel`, { opinion: '  ' }));
    await expectRefused(t.ds, 403, () => post(`/applications/${a}/cancel`, { opinion: '本单位自己作废' }, s.staff));
    await expectRefused(t.ds, 409, () => post(`/applications/${waiting}/cancel`, { opinion: '未审核的不能作废' }));
    await expectRefused(t.ds, 404, () => post('/applications/999999/cancel', { opinion: '不存在' }));

    const r = await post(`/applications/${a}/cancel`, { opinion: '该批票据版式停用，请改领新版' }, op);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'cancelled', opinion: '该批票据版式停用，请改领新版' });
    expect(r.body.transitions.at(-1)).toMatchObject({
      fromStatus: 'approved',
      toStatus: 'cancelled',
      opinion: '该批票据版式停用，请改领新版',
    });
    const audit = await t.ds.getRepository(AuditEntry).findOneByOrFail({ action: 'application.cancel', entityId: String(a) });
    expect(audit).toMatchObject({
      before: { status: 'approved' },
      after: { status: 'cancelled', opinion: '该批票据版式停用，请改领新版' },
    });
    const sent = await outboxTo(s.wecomUserId);
    expect(sent).toHaveLength(1);
    const text = (sent[0].message as { content: string }).content;
    expect(text).toContain(r.body.docNo);
    expect(text).toContain('已由财政局作废');
    expect(text).toContain('原因：该批票据版式停用，请改领新版');

    await expectRefused(t.ds, 409, () => post(`/applications/${a}/cancel`, { opinion: '再作废一次' }));
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/issue`, undefined));
    // The 80 it promised are free: a 50 now fits where only 20 would have.
    expect((await post(`/applications/${waiting}/approve`, {})).status).toBe(200);
  });

  it('when the bureau reduces (核减) an approved application, then the quantity drops, the history and audit keep before → after, the unit is told, and issuing hands out the new quantity', async () => {
    const s = await scenario(500);
    const a = await s.apply(300);
    expect((await post(`/applications/${a}/approve`, {})).status).toBe(200);

    await expectRefused(t.ds, 400, () => post(`/applications/${a}/reduce`, { quantity: 300, opinion: '不变' }));
    await expectRefused(t.ds, 400, () => post(`/applications/${a}/reduce`, { quantity: 400, opinion: '加量' }));
    await expectRefused(t.ds, 400, () => post(`/applications/${a}/reduce`, { quantity: 0, opinion: '归零' }));
    await expectRefused(t.ds, 400, () => post(`/applications/${a}/reduce`, { quantity: 100 }));
    await expectRefused(t.ds, 400, () => post(`/applications/${a}/reduce`, { quantity: '100', opinion: '字符串' }));
    await expectRefused(t.ds, 403, () => post(`/applications/${a}/reduce`, { quantity: 100, opinion: '单位自己核减' }, s.staff));

    const r = await post(`/applications/${a}/reduce`, { quantity: 120, opinion: '按上季度用量核定' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'approved', quantity: 120, opinion: '核减数量 300 → 120 份：按上季度用量核定' });
    expect(r.body.transitions.at(-1)).toMatchObject({ fromStatus: 'approved', toStatus: 'approved' });
    const audit = await t.ds.getRepository(AuditEntry).findOneByOrFail({ action: 'application.reduce', entityId: String(a) });
    expect(audit).toMatchObject({ before: { quantity: 300 }, after: { quantity: 120, opinion: '按上季度用量核定' } });
    const sent = await outboxTo(s.wecomUserId);
    expect(sent).toHaveLength(1);
    expect((sent[0].message as { content: string }).content).toContain('批准数量由 300 份核减为 120 份');

    const issued = await post(`/applications/${a}/issue`, undefined);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.ranges).toEqual([expect.objectContaining({ startNo: 1, endNo: 120 })]);
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/reduce`, { quantity: 10, opinion: '发放后不能核减' }));
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/cancel`, { opinion: '发放后不能作废' }));
    await expectInvariantsOk(t.ds);
  });

  it('when unit staff read the cancelled application, then they see the status and the bureau’s reason', async () => {
    const s = await scenario(10);
    const a = await s.apply(10);
    expect((await post(`/applications/${a}/approve`, {})).status).toBe(200);
    expect((await post(`/applications/${a}/cancel`, { opinion: '单位已撤并' })).status).toBe(200);
    const seen = await t.call('GET', `/api/v1/applications/${a}`, { token: s.staff });
    expect(seen.body).toMatchObject({ status: 'cancelled', opinion: '单位已撤并' });
  });
});
