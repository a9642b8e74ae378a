import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillType } from '../../src/domain/catalog/bill-type.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { DocumentTransition } from '../../src/domain/documents/document-transition.entity';
import { createDocument } from '../../src/domain/documents/lifecycle';
import { WRITEOFF_GRACE_MONTHS_KEY } from '../../src/domain/documents/application.rules';
import type { DocStatus } from '../../src/domain/ledger/ledger.types';
import { Setting } from '../../src/domain/settings/setting.entity';
import {
  expectInvariantsOk,
  expectRefused,
  freshBatchCode,
  issueToUnit,
  ledgerScenario,
  receive,
  seedBillType,
  seedUnit,
  setCap,
} from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const NOW = '2026-03-02T02:00:00Z';

describe('applications (申领)', () => {
  let t: TestApp;
  let op: string;
  beforeAll(async () => {
    t = await startTestApp({ now: NOW });
    op = await t.userToken('operator');
  });
  afterAll(async () => t?.close());
  const post = (path: string, body: unknown, token = op) => t.call('POST', `/api/v1${path}`, { token, body });
  const get = (path: string, token = op) => t.call('GET', `/api/v1${path}`, { token });

  /** A unit with a bill type (1,000 numbers of it in the warehouse) and a unit_staff token for it. */
  async function unitWithStaff() {
    const unit = await seedUnit(t.services);
    const bt = await seedBillType(t.services);
    await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    return { unit, bt, staff: await t.userToken('unit_staff', { unitCode: unit.code }) };
  }

  /** Inserts a write-off document directly: write-offs are built elsewhere; 核旧领新 only reads them. */
  async function writeoff(unitId: number, billTypeId: number, status: DocStatus, cutoffDate: string | null = null) {
    return t.system.store.transaction((tx) =>
      createDocument(tx.documents, { docType: 'writeoff', unitId, billTypeId, cutoffDate, createdBy: 1, createdAt: new Date(NOW) }, status),
    );
  }

  it('when unit staff apply for their own unit, then 201 submitted with a document number and a transition', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    const r = await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 500, reason: '日常收费' }, staff);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.any(Number),
      status: 'submitted',
      docType: 'application',
      unitCode: unit.code,
      billTypeCode: bt.code,
      billTypeName: bt.name,
      quantity: 500,
      reason: '日常收费',
    });
    expect(r.body.docNo).toBe(`SL-2026-${String(r.body.id).padStart(6, '0')}`);
    const doc = await t.ds.getRepository(BillDocument).findOneByOrFail({ id: r.body.id });
    expect(doc).toMatchObject({ status: 'submitted', unitId: unit.id, quantity: 500, docNo: r.body.docNo });
    expect(await t.ds.getRepository(DocumentTransition).findBy({ documentId: doc.id })).toMatchObject([
      { fromStatus: null, toStatus: 'submitted' },
    ]);
  });

  it('when unit staff apply for another unit, or a leader applies, then 403 and nothing is stored', async () => {
    const { bt, staff } = await unitWithStaff();
    const other = await seedUnit(t.services);
    const leader = await t.userToken('leader');
    await expectRefused(t.ds, 403, () => post('/applications', { unitCode: other.code, billTypeCode: bt.code, quantity: 1 }, staff));
    await expectRefused(t.ds, 403, () => post('/applications', { unitCode: other.code, billTypeCode: bt.code, quantity: 1 }, leader));
  });

  it('when the quantity is zero, negative, fractional, a string or huge, then 400 and nothing is stored', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    for (const quantity of [0, -1, 1.5, '10', 1e12, null]) {
      const r = await expectRefused(t.ds, 400, () =>
        post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity }, staff),
      );
      expect(r.body.error.details[0].path).toBe('quantity');
    }
    await expectRefused(t.ds, 400, () =>
      post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1, extra: true }, staff),
    );
  });

  it('when the unit or bill type is unknown, then 404; when the bill type is inactive, then 409; nothing is stored', async () => {
    const { unit, bt } = await unitWithStaff();
    await expectRefused(t.ds, 404, () => post('/applications', { unitCode: 'NOPE', billTypeCode: bt.code, quantity: 1 }));
    await expectRefused(t.ds, 404, () => post('/applications', { unitCode: unit.code, billTypeCode: 'NOPE', quantity: 1 }));
    await t.ds.getRepository(BillType).update(bt.id, { active: false });
    const r = await expectRefused(t.ds, 409, () => post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }));
    expect(r.body.error.message).toContain('停用');
  });

  it('when a cap (分次限量) is set, then more than the cap is 409 naming it and up to the cap is accepted; no cap means no limit', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    expect((await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 5_000_000 }, staff)).status).toBe(201);
    await setCap(t.services, unit.code, bt.code, 300);
    const r = await expectRefused(t.ds, 409, () =>
      post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 301 }, staff),
    );
    expect(r.body.error.message).toContain('300');
    expect(r.body.error.message).toContain('分次限量');
    expect((await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 300 }, staff)).status).toBe(201);
  });

  it('when the bureau approves, then approved; approving again is 409; reject needs an opinion and returns it; detail shows the history', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    const a = (await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 10 }, staff)).body.id;
    await expectRefused(t.ds, 403, () => post(`/applications/${a}/approve`, {}, staff));
    const ok = await post(`/applications/${a}/approve`, { opinion: '同意' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', opinion: '同意' });
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/approve`, {}));
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/reject`, { opinion: '晚了' }));

    const b = (await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 10 }, staff)).body.id;
    await expectRefused(t.ds, 400, () => post(`/applications/${b}/reject`, {}));
    await expectRefused(t.ds, 400, () => post(`/applications/${b}/reject`, { opinion: '   ' }));
    const rej = await post(`/applications/${b}/reject`, { opinion: '数量与用量不符，请核实' });
    expect(rej.body).toMatchObject({ status: 'returned', opinion: '数量与用量不符，请核实' });
    const detail = await get(`/applications/${b}`, staff);
    expect(detail.status).toBe(200);
    expect(detail.body.transitions.map((x: { toStatus: string }) => x.toStatus)).toEqual(['submitted', 'returned']);
    expect(detail.body.transitions[1].opinion).toBe('数量与用量不符，请核实');
    const resub = await post(`/applications/${b}/submit`, { quantity: 8 }, staff);
    expect(resub.body).toMatchObject({ status: 'submitted', quantity: 8 });
    await expectRefused(t.ds, 404, () => post('/applications/999999/approve', {}));
  });

  it('when the unit withdraws a submitted application (撤销上报), then it is a draft, and it can be submitted again; other units cannot touch it', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    const other = await unitWithStaff();
    const a = (await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 10 }, staff)).body.id;
    await expectRefused(t.ds, 403, () => post(`/applications/${a}/withdraw`, undefined, other.staff));
    expect((await post(`/applications/${a}/withdraw`, undefined, staff)).body.status).toBe('draft');
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/withdraw`, undefined, staff));
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/approve`, {}));
    expect((await post(`/applications/${a}/submit`, {}, staff)).body.status).toBe('submitted');
    await expectRefused(t.ds, 409, () => post(`/applications/${a}/submit`, {}, staff));
  });

  it('when applications are listed, then unit staff see only their unit and asking for another is 403; filters apply', async () => {
    const { unit, bt, staff } = await unitWithStaff();
    const other = await unitWithStaff();
    await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }, staff);
    const a2 = (await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 2 }, staff)).body.id;
    const o = (await post('/applications', { unitCode: other.unit.code, billTypeCode: other.bt.code, quantity: 3 }, other.staff)).body.id;
    await post(`/applications/${a2}/approve`, {});
    const mine = await get('/applications', staff);
    expect(mine.body.total).toBe(2);
    expect(mine.body.items.every((x: { unitCode: string }) => x.unitCode === unit.code)).toBe(true);
    expect((await get(`/applications?unitCode=${other.unit.code}`, staff)).status).toBe(403);
    expect((await get(`/applications/${o}`, staff)).status).toBe(403);
    const approved = await get(`/applications?unitCode=${unit.code}&status=approved`);
    expect(approved.body.items.map((x: { id: number }) => x.id)).toEqual([a2]);
    expect((await get(`/applications?billTypeCode=${other.bt.code}`)).body.total).toBe(1);
    expect((await get('/applications?status=nonsense')).status).toBe(400);
    expect((await get('/applications?pageSize=500')).status).toBe(400);
  });

  describe('核旧领新', () => {
    it('when a write-off of the type is submitted or returned but not approved, then a new application is 409 telling to finish it; a draft does not block', async () => {
      const { unit, bt, staff } = await unitWithStaff();
      const w = await writeoff(unit.id, bt.id, 'submitted');
      const r = await expectRefused(t.ds, 409, () =>
        post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }, staff),
      );
      expect(r.body.error.message).toContain('先完成核销');
      expect(r.body.error.message).toContain(w.docNo);
      await t.ds.getRepository(BillDocument).update(w.id, { status: 'returned' });
      const r2 = await expectRefused(t.ds, 409, () =>
        post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }, staff),
      );
      expect(r2.body.error.message).toContain('退回意见');
      await t.ds.getRepository(BillDocument).update(w.id, { status: 'draft' });
      expect((await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }, staff)).status).toBe(201);
      const otherType = await seedBillType(t.services);
      await writeoff(unit.id, otherType.id, 'submitted');
      expect((await post('/applications', { unitCode: unit.code, billTypeCode: bt.code, quantity: 1 }, staff)).status).toBe(201);
    });

    it('when the unit holds numbers issued more than N months ago, then it must have an approved write-off with a cut-off within N months', async () => {
      t.clock.set('2025-08-01T02:00:00Z');
      const s = await ledgerScenario(t.services, { count: 100 });
      await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 20 });
      t.clock.set(NOW); // 7 months later
      const staff = await t.userToken('unit_staff', { unitCode: s.unit.code });
      const body = { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 10 };
      const r = await expectRefused(t.ds, 409, () => post('/applications', body, staff));
      expect(r.body.error.message).toContain('核旧领新');
      expect(r.body.error.message).toContain('2025-08-01');
      expect(r.body.error.message).toContain('尚无审核通过的核销记录');
      await writeoff(s.unit.id, s.billType.id, 'approved', '2025-08-31');
      const r2 = await expectRefused(t.ds, 409, () => post('/applications', body, staff));
      expect(r2.body.error.message).toContain('2025-08-31');
      await writeoff(s.unit.id, s.billType.id, 'approved', '2025-12-31');
      expect((await post('/applications', body, staff)).status).toBe(201);
      await expectInvariantsOk(t.ds);
    });

    it('when N is raised in the settings or the old numbers were issued recently, then the application is accepted', async () => {
      t.clock.set('2025-08-01T02:00:00Z');
      const s = await ledgerScenario(t.services, { count: 100 });
      await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 20 });
      t.clock.set('2026-01-15T02:00:00Z'); // 5.5 months: within the default 6
      const recent = await seedUnit(t.services);
      await issueToUnit(t.services, { unitCode: recent.code, billTypeCode: s.billType.code, quantity: 5 });
      t.clock.set(NOW);
      expect((await post('/applications', { unitCode: recent.code, billTypeCode: s.billType.code, quantity: 1 })).status).toBe(201);
      const body = { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 1 };
      await expectRefused(t.ds, 409, () => post('/applications', body));
      await t.ds.getRepository(Setting).save({ key: WRITEOFF_GRACE_MONTHS_KEY, value: '12' });
      expect((await post('/applications', body)).status).toBe(201);
      await t.ds.getRepository(Setting).delete({ key: WRITEOFF_GRACE_MONTHS_KEY });
    });
  });
});
