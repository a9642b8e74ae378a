import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { DocumentLine } from '../../src/domain/documents/document-line.entity';
import { createDocument } from '../../src/domain/documents/lifecycle';
import { systemActor } from '../../src/domain/identity/actor';
import { checkLedgerInvariants } from '../../src/domain/ledger/invariants.queries';
import { JournalEntry } from '../../src/domain/ledger/journal-entry.entity';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';
import {
  approvedApplication,
  expectInvariantsOk,
  expectRefused,
  freshBatchCode,
  issueToUnit,
  ledgerScenario,
  receive,
  seedBillType,
  seedUnit,
} from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('warehouse receipts, stock and issuance', () => {
  let t: TestApp;
  let op: string;
  let leader: string;
  beforeAll(async () => {
    t = await startTestApp();
    op = await t.userToken('operator');
    leader = await t.userToken('leader');
  });
  afterAll(async () => t?.close());
  const post = (path: string, body: unknown, token = op) => t.call('POST', `/api/v1${path}`, { token, body });
  const get = (path: string, token = op) => t.call('GET', `/api/v1${path}`, { token });

  describe('receipts', () => {
    it('when a run is received, then 201 with its count, one bureau IN_STOCK range, a batch and a receive journal row', async () => {
      const bt = await seedBillType(t.services);
      const bc = freshBatchCode();
      const r = await post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo: 1, endNo: 100_000_000 });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id: expect.any(Number), count: 100_000_000, batchCode: bc, billTypeCode: bt.code });
      const ranges = await t.ds.getRepository(StockRange).findBy({ batchCode: bc });
      expect(ranges).toMatchObject([{ holder: 'bureau', unitId: null, state: 'IN_STOCK', startNo: 1, endNo: 100_000_000 }]);
      const j = await t.ds.getRepository(JournalEntry).findBy({ batchCode: bc });
      expect(j).toMatchObject([
        {
          operation: 'receive',
          docType: 'receipt',
          docId: r.body.id,
          fromState: null,
          toHolder: 'bureau',
          toState: 'IN_STOCK',
          count: 100_000_000,
        },
      ]);
      await expectInvariantsOk(t.ds);
    });

    it('when an adjacent run of the same batch arrives, then the bureau range is merged into one row', async () => {
      const bt = await seedBillType(t.services);
      const bc = freshBatchCode();
      expect((await post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo: 1, endNo: 500 })).status).toBe(201);
      expect((await post('/warehouse/receipts', { billTypeCode: bt.code, batchCode: bc, startNo: 501, endNo: 9_999_999_999 })).status).toBe(
        201,
      );
      expect(await t.ds.getRepository(StockRange).findBy({ batchCode: bc })).toMatchObject([{ startNo: 1, endNo: 9_999_999_999 }]);
      await expectInvariantsOk(t.ds);
    });

    it('when the input is malformed (reversed, out of 1..9999999999, fractional, bad batch code, unknown field), then 400 and nothing changes', async () => {
      const bt = await seedBillType(t.services);
      const base = { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 10 };
      const bad = [
        { ...base, startNo: 11, endNo: 10 },
        { ...base, endNo: 10_000_000_000 },
        { ...base, startNo: 0 },
        { ...base, startNo: -5 },
        { ...base, endNo: 10.5 },
        { ...base, endNo: '10' },
        { ...base, batchCode: '1234567' },
        { ...base, batchCode: 'ABCDEFGH' },
        { ...base, extra: 1 },
        { billTypeCode: bt.code, batchCode: base.batchCode, startNo: 1 },
      ];
      for (const body of bad) {
        const r = await expectRefused(t.ds, 400, () => post('/warehouse/receipts', body));
        expect(r.body.error.code).toBe('VALIDATION');
      }
      const reversed = await post('/warehouse/receipts', bad[0]);
      expect(reversed.body.error.message).toContain('起始号码不能大于终止号码');
    });

    it('when the run overlaps numbers already received (even ones issued to a unit), then 409 naming the overlap and nothing changes', async () => {
      const s = await ledgerScenario(t.services, { count: 100 });
      await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 30 });
      const r = await expectRefused(t.ds, 409, () =>
        post('/warehouse/receipts', { billTypeCode: s.billType.code, batchCode: s.batchCode, startNo: 20, endNo: 20 }),
      );
      expect(r.body.error.message).toContain('0000000020');
      const r2 = await expectRefused(t.ds, 409, () =>
        post('/warehouse/receipts', { billTypeCode: s.billType.code, batchCode: s.batchCode, startNo: 90, endNo: 150 }),
      );
      expect(r2.body.error.message).toContain('0000000090-0000000100');
      expect(r2.body.error.details).toEqual([{ batchCode: s.batchCode, startNo: 90, endNo: 100 }]);
    });

    it('when the batch code already belongs to another bill type, then 409 and nothing changes', async () => {
      const s = await ledgerScenario(t.services, { count: 10 });
      const other = await seedBillType(t.services);
      const r = await expectRefused(t.ds, 409, () =>
        post('/warehouse/receipts', { billTypeCode: other.code, batchCode: s.batchCode, startNo: 11, endNo: 20 }),
      );
      expect(r.body.error.message).toContain(s.billType.name);
    });

    it('when the bill type is unknown, then 404; when unit staff or a leader receives, then 403; nothing changes', async () => {
      const unit = await seedUnit(t.services);
      const staff = await t.userToken('unit_staff', { unitCode: unit.code });
      const bt = await seedBillType(t.services);
      const body = { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 10 };
      await expectRefused(t.ds, 404, () => post('/warehouse/receipts', { ...body, billTypeCode: 'NOPE' }));
      await expectRefused(t.ds, 403, () => post('/warehouse/receipts', body, staff));
      await expectRefused(t.ds, 403, () => post('/warehouse/receipts', body, leader));
    });

    it('when receipts are listed with filters, then only matching ones come back, paged', async () => {
      const bt = await seedBillType(t.services);
      const bc = freshBatchCode();
      for (let i = 0; i < 3; i++)
        await receive(t.services, { billTypeCode: bt.code, batchCode: bc, startNo: i * 10 + 1, endNo: i * 10 + 5 });
      const r = await get(`/warehouse/receipts?billTypeCode=${bt.code}&pageSize=2&page=1`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(r.body.items).toHaveLength(2);
      expect(r.body.items[0]).toMatchObject({ billTypeCode: bt.code, batchCode: bc, count: 5 });
      const today = (await get(`/warehouse/receipts?batchCode=${bc}&from=2026-03-02&to=2026-03-02`)).body;
      expect(today.total).toBe(3);
      expect((await get(`/warehouse/receipts?batchCode=${bc}&from=2026-03-03`)).body.total).toBe(0);
      expect((await get(`/warehouse/receipts?from=2026-3-3`)).status).toBe(400);
    });
  });

  describe('stock', () => {
    it('when stock is asked for a unit or the bureau, then IN_STOCK ranges per bill type with counts come back', async () => {
      const s = await ledgerScenario(t.services, { count: 100 });
      await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 40 });
      const unit = await get(`/stock?unitCode=${s.unit.code}`);
      expect(unit.status).toBe(200);
      expect(unit.body).toEqual({
        holder: 'unit',
        unitCode: s.unit.code,
        total: 40,
        items: [
          {
            billTypeCode: s.billType.code,
            billTypeName: s.billType.name,
            count: 40,
            ranges: [{ batchCode: s.batchCode, startNo: 1, endNo: 40, count: 40 }],
          },
        ],
      });
      const bureau = await get(`/stock?holder=bureau&billTypeCode=${s.billType.code}`);
      expect(bureau.body).toMatchObject({ holder: 'bureau', total: 60, items: [{ count: 60, ranges: [{ startNo: 41, endNo: 100 }] }] });
      expect((await get(`/stock?holder=bureau&billTypeCode=${s.billType.code}`, leader)).status).toBe(200);
    });

    it("when unit staff ask for their own, another unit's or the bureau's stock, then only their own is allowed", async () => {
      const s = await ledgerScenario(t.services, { count: 10 });
      const other = await seedUnit(t.services);
      const staff = await t.userToken('unit_staff', { unitCode: s.unit.code });
      expect((await get(`/stock?unitCode=${s.unit.code}`, staff)).body).toMatchObject({ holder: 'unit', total: 0, items: [] });
      expect((await get(`/stock?unitCode=${other.code}`, staff)).status).toBe(403);
      expect((await get('/stock?holder=bureau', staff)).status).toBe(403);
      expect((await get('/stock?unitCode=NOPE')).status).toBe(404);
      expect((await get('/stock')).status).toBe(400);
      expect((await get(`/stock?unitCode=${s.unit.code}&holder=bureau`)).status).toBe(400);
    });
  });

  describe('issuance', () => {
    it('when an approved application is issued, then the lowest numbers across batches move to the unit with journal, lines and status', async () => {
      const bt = await seedBillType(t.services);
      const unit = await seedUnit(t.services);
      const [b1, b2] = [freshBatchCode(), freshBatchCode()].sort();
      await receive(t.services, { billTypeCode: bt.code, batchCode: b2, startNo: 1, endNo: 100 });
      await receive(t.services, { billTypeCode: bt.code, batchCode: b1, startNo: 51, endNo: 100 });
      await receive(t.services, { billTypeCode: bt.code, batchCode: b1, startNo: 1, endNo: 20 });
      const appId = await approvedApplication(t.services, { unitCode: unit.code, billTypeCode: bt.code, quantity: 80 });
      const r = await post(`/applications/${appId}/issue`, undefined);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'issued', issuanceId: expect.any(Number) });
      expect(r.body.ranges).toEqual([
        { batchCode: b1, startNo: 1, endNo: 20, count: 20 },
        { batchCode: b1, startNo: 51, endNo: 100, count: 50 },
        { batchCode: b2, startNo: 1, endNo: 10, count: 10 },
      ]);
      const app = await t.ds.getRepository(BillDocument).findOneByOrFail({ id: appId });
      expect(app.status).toBe('issued');
      const iss = await t.ds.getRepository(BillDocument).findOneByOrFail({ id: r.body.issuanceId });
      expect(iss).toMatchObject({ docType: 'issuance', applicationId: appId, quantity: 80, unitId: unit.id });
      expect(await t.ds.getRepository(DocumentLine).countBy({ documentId: iss.id, kind: 'issue' })).toBe(3);
      const j = await t.ds.getRepository(JournalEntry).findBy({ docType: 'issuance', docId: iss.id });
      expect(j.map((x) => [x.operation, x.toUnitId, x.count])).toEqual([
        ['issue', unit.id, 20],
        ['issue', unit.id, 50],
        ['issue', unit.id, 10],
      ]);
      expect((await get(`/stock?unitCode=${unit.code}`)).body.total).toBe(80);
      const again = await issueToUnit(t.services, { unitCode: unit.code, billTypeCode: bt.code, quantity: 5 });
      expect(again.ranges).toEqual([{ batchCode: b2, startNo: 11, endNo: 15, count: 5 }]);
      await expectInvariantsOk(t.ds);
    });

    it('when an approved application asks for more than the warehouse now holds, then issuing is 409 naming both counts and nothing moves', async () => {
      const s = await ledgerScenario(t.services, { count: 50 });
      // Approval checks stock, so such an application dates from before that check (kept by a migrated database).
      const appId = (
        await t.system.store.transaction((tx) =>
          createDocument(
            tx.documents,
            { docType: 'application', unitId: s.unit.id, billTypeId: s.billType.id, quantity: 51, createdBy: 1, createdAt: new Date() },
            'approved',
          ),
        )
      ).id;
      const r = await expectRefused(t.ds, 409, () => post(`/applications/${appId}/issue`, undefined));
      expect(r.body.error.message).toContain('50');
      expect(r.body.error.message).toContain('51');
      expect(r.body.error.details).toEqual([{ available: 50, requested: 51 }]);
      expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: appId })).status).toBe('approved');
    });

    it('when the application is not approved, already issued, unknown, or the caller is unit staff, then it is refused and nothing moves', async () => {
      const s = await ledgerScenario(t.services, { count: 50 });
      const staff = await t.userToken('unit_staff', { unitCode: s.unit.code });
      const submitted = (
        await t.services.applications.create(systemActor, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 5 })
      ).id;
      await expectRefused(t.ds, 409, () => post(`/applications/${submitted}/issue`, undefined));
      const approved = await approvedApplication(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 5 });
      await expectRefused(t.ds, 403, () => post(`/applications/${approved}/issue`, undefined, staff));
      expect((await post(`/applications/${approved}/issue`, undefined)).status).toBe(200);
      await expectRefused(t.ds, 409, () => post(`/applications/${approved}/issue`, undefined));
      await expectRefused(t.ds, 404, () => post('/applications/999999/issue', undefined));
      await expectInvariantsOk(t.ds);
    });
  });
});

describe('ledger invariants checker', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when ranges overlap, stray outside receipts, lose numbers or break the state machine, then each is reported', async () => {
    const s = await ledgerScenario(t.services, { count: 100 });
    await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 10 });
    await expectInvariantsOk(t.ds);
    const repo = t.ds.getRepository(StockRange);
    const at = new Date();
    await repo.insert({
      billTypeId: s.billType.id,
      batchCode: s.batchCode,
      startNo: 5,
      endNo: 12,
      holder: 'unit',
      unitId: s.unit.id,
      state: 'VOIDED',
      updatedAt: at,
    });
    await repo.insert({
      billTypeId: s.billType.id,
      batchCode: s.batchCode,
      startNo: 200,
      endNo: 201,
      holder: 'bureau',
      unitId: null,
      state: 'IN_STOCK',
      updatedAt: at,
    });
    await t.ds.getRepository(JournalEntry).insert({
      operation: 'return',
      docType: 'return',
      docId: 1,
      billTypeId: s.billType.id,
      batchCode: s.batchCode,
      startNo: 1,
      endNo: 1,
      count: 1,
      fromHolder: 'unit',
      fromUnitId: s.unit.id,
      fromState: 'DESTROYED',
      toHolder: 'bureau',
      toUnitId: null,
      toState: 'IN_STOCK',
      actorId: 0,
      at,
    });
    const r = await checkLedgerInvariants(t.ds);
    expect(r.ok).toBe(false);
    const kinds = new Set(r.violations.map((v) => v.invariant));
    expect([...kinds].sort()).toEqual(['conservation', 'covered-by-receipts', 'journal-balance', 'no-overlap', 'state-machine']);
    expect(r.violations.every((v) => v.batchCode === s.batchCode)).toBe(true);
  });
});
