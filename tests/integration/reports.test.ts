import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/identity/actor';
import { issueToUnit, ledgerSnapshot, ledgerScenario, seedUnit } from '../helpers/ledger-fixtures';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';

// One ledger driven through the real services, dated in Asia/Shanghai (UTC+8):
//   2025-12-20 receive 1-1000 · 2025-12-31 23:50 issue 1-100 to A (before January)
//   2026-01-01 00:10 issue 101-150 to A · 01-05 issue 151-170 to B
//   01-10 A reports used 1-30, voided 31-32, lost 33 · 01-12 rejected · 01-13 resubmitted with voided 31-33
//   01-15 approved (良好, 1234.56) · 01-20 A returns 141-150 · 01-25 A stock-voids 131-140
//   01-28 destruction of 131-140 approved · 02-03 A reports used 34-40 (pending)
const SH = (local: string) => new Date(`${local}+08:00`);

describe('reports over a ledger driven by the services', () => {
  let t: TestApp;
  let A: string;
  let B: string;
  let BT: string;
  let batch: string;
  let admin: string;
  const at = (local: string) => t.clock.set(SH(local));
  const get = (path: string, token = admin) => t.call('GET', `/api/v1/reports/${path}`, { token });

  beforeAll(async () => {
    t = await startTestApp({ now: '2025-12-20T02:00:00Z' });
    const s = t.services;
    const sc = await ledgerScenario(s, { count: 1000 });
    A = sc.unit.code;
    BT = sc.billType.code;
    batch = sc.batchCode;
    B = (await seedUnit(s, { name: '第二中学' })).code;
    at('2025-12-31T23:50:00');
    await issueToUnit(s, { unitCode: A, billTypeCode: BT, quantity: 100 });
    at('2026-01-01T00:10:00');
    await issueToUnit(s, { unitCode: A, billTypeCode: BT, quantity: 50 });
    at('2026-01-05T09:00:00');
    await issueToUnit(s, { unitCode: B, billTypeCode: BT, quantity: 20 });
    at('2026-01-10T09:00:00');
    const line = (a: number, b: number) => [{ batchCode: batch, startNo: a, endNo: b }];
    const w = await s.writeoffs.create(systemActor, {
      unitCode: A,
      billTypeCode: BT,
      cutoffDate: '2026-01-09',
      amount: 1234.56,
      used: line(1, 30),
      voided: line(31, 32),
      lost: line(33, 33),
    });
    at('2026-01-12T09:00:00');
    await s.writeoffs.reject(systemActor, w.id, { opinion: '灭失须附书面报告' });
    at('2026-01-13T09:00:00');
    await s.writeoffs.resubmit(systemActor, w.id, { used: line(1, 30), voided: line(31, 33), lost: [] });
    at('2026-01-15T09:00:00');
    await s.writeoffs.approve(systemActor, w.id, { result: '良好', opinion: '同意' });
    at('2026-01-20T09:00:00');
    const r = await s.returns.create(systemActor, { unitCode: A, billTypeCode: BT, reason: '多领', lines: line(141, 150) });
    await s.returns.approve(systemActor, r.id, {});
    at('2026-01-25T09:00:00');
    const v = await s.stockVoids.create(systemActor, {
      holder: 'unit',
      unitCode: A,
      billTypeCode: BT,
      reason: '换版',
      lines: line(131, 140),
    });
    await s.stockVoids.approve(systemActor, v.id, {});
    at('2026-01-28T09:00:00');
    const d = await s.destructions.create(systemActor, {
      holder: 'unit',
      unitCode: A,
      billTypeCode: BT,
      reason: '换版空白票销毁',
      lines: line(131, 140),
    });
    await s.destructions.approve(systemActor, d.id, {});
    at('2026-02-03T09:00:00');
    await s.writeoffs.create(systemActor, {
      unitCode: A,
      billTypeCode: BT,
      cutoffDate: '2026-02-02',
      used: line(34, 40),
      voided: [],
      lost: [],
    });
    at('2026-02-10T09:00:00');
    admin = await t.login(ADMIN.username, ADMIN.password);
  });
  afterAll(async () => t?.close());

  it('when unit A is reported for January, then every figure matches the ledger and the identity holds', async () => {
    const r = await get(`stock-movement?unitCode=${A}&from=2026-01-01&to=2026-01-31`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unitCode: A, from: '2026-01-01', to: '2026-01-31' });
    expect(r.body.rows).toEqual([
      expect.objectContaining({ billTypeCode: BT, opening: 100, received: 50, used: 30, voided: 13, lost: 0, returned: 10, closing: 97 }),
    ]);
    const stock = await t.call('GET', `/api/v1/stock?unitCode=${A}&billTypeCode=${BT}`, { token: admin });
    // Since January only the February report (7 numbers) has left the unit's stock.
    expect(stock.body.items[0].count).toBe(97 - 7);
  });

  it('when the period holds a report and its rejection, then they net to zero; a period ending before the rejection shows the report', async () => {
    const both = await get(`stock-movement?unitCode=${A}&from=2026-01-10&to=2026-01-12`);
    expect(both.body.rows[0]).toMatchObject({ opening: 150, received: 0, used: 0, voided: 0, lost: 0, returned: 0, closing: 150 });
    const first = await get(`stock-movement?unitCode=${A}&from=2026-01-10&to=2026-01-11`);
    expect(first.body.rows[0]).toMatchObject({ opening: 150, used: 30, voided: 2, lost: 1, closing: 117 });
  });

  it('when no unit is given by the bureau, then one row per unit with totals; the xlsx has unit columns and a bureau-wide 合计', async () => {
    const r = await get('stock-movement?from=2026-01-01&to=2026-01-31');
    expect(r.body.unitCode).toBeNull();
    expect(r.body.rows.map((x: { unitCode: string; closing: number }) => [x.unitCode, x.closing])).toEqual(
      [
        [A, 97],
        [B, 20],
      ].sort(),
    );
    expect(r.body.totals).toEqual({ opening: 100, received: 70, used: 30, voided: 13, lost: 0, returned: 10, closing: 117 });
    const x = await t.call('GET', '/api/v1/reports/stock-movement?from=2026-01-01&to=2026-01-31&format=xlsx', { token: admin });
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    expect(x.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('领用存报表')}_2026-01-01_2026-01-31.xlsx`,
    );
    const res = await fetch(`${t.baseUrl}/api/v1/reports/stock-movement?from=2026-01-01&to=2026-01-31&format=xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('领用存报表')!;
    expect(ws.getRow(3).values).toEqual([
      undefined,
      '单位编码',
      '单位名称',
      '票据种类编码',
      '票据名称',
      '期初结存',
      '本期领入',
      '本期使用',
      '本期作废',
      '本期灭失',
      '本期退回',
      '期末结存',
    ]);
    expect(ws.getCell('A6').value).toBe('合计');
    expect([5, 6, 7, 8, 9, 10, 11].map((c) => ws.getRow(6).getCell(c).value)).toEqual([100, 70, 30, 13, 0, 10, 117]);
  });

  it('when unit staff ask, then they get their own unit; another unit or the warehouse is 403', async () => {
    const staff = await t.userToken('unit_staff', { unitCode: A });
    const own = await get('stock-movement?from=2026-01-01&to=2026-01-31', staff);
    expect(own.status).toBe(200);
    expect(own.body.unitCode).toBe(A);
    expect(own.body.rows).toHaveLength(1);
    for (const path of [
      `stock-movement?unitCode=${B}`,
      'stock-movement?unitCode=NOPE',
      'warehouse-balance',
      'receipts',
      `issuance?unitCode=${B}`,
      `writeoffs?unitCode=${B}`,
    ]) {
      const r = await get(path, staff);
      expect(r.status, path).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    const iss = await get('issuance?from=2026-01-01&to=2026-01-31', staff);
    expect(iss.body.rows.every((x: { unitCode: string }) => x.unitCode === A)).toBe(true);
    const doc = await t.call('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/reports/stock-movement', '/api/v1/reports/warnings']));
    const leader = await t.userToken('leader');
    expect((await get('stock-movement?from=2026-01-01&to=2026-01-31', leader)).body.rows).toHaveLength(2);
  });

  it('when dates are wrong, the span is over 5 years or a parameter unknown, then 400 in Chinese and nothing changes', async () => {
    const before = await ledgerSnapshot(t.ds);
    const cases: Array<[string, string]> = [
      ['stock-movement?from=2026-02-01&to=2026-01-01', '不能晚于'],
      ['stock-movement?from=2026-1-1&to=2026-01-31', 'YYYY-MM-DD'],
      ['stock-movement?from=2026-02-30&to=2026-03-01', '日期不存在'],
      ['stock-movement?from=2020-01-01&to=2025-06-01', '5 年'],
      ['stock-movement?format=pdf', 'format'],
      ['stock-movement?colour=red', '查询参数'],
    ];
    for (const [path, text] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.message, path).toContain(text);
    }
    expect((await get('stock-movement?unitCode=NOPE')).status).toBe(404);
    expect(await ledgerSnapshot(t.ds)).toEqual(before);
  });

  it('when the warehouse is reported, then balance by batch, receipts and issuance detail match', async () => {
    const w = await get(`warehouse-balance?from=2026-01-01&to=2026-01-31&billTypeCode=${BT}`);
    expect(w.body.rows).toEqual([
      expect.objectContaining({ batchCode: batch, opening: 900, received: 0, returnedIn: 10, issued: 70, voided: 0, closing: 840 }),
    ]);
    const rc = await get('receipts?from=2025-12-01&to=2025-12-31');
    expect(rc.body.rows).toEqual([expect.objectContaining({ batchCode: batch, startNo: 1, endNo: 1000, count: 1000 })]);
    const iss = await get('issuance?from=2026-01-01&to=2026-01-31');
    expect(
      iss.body.rows.map((x: { unitCode: string; startNo: number; endNo: number; count: number }) => [
        x.unitCode,
        x.startNo,
        x.endNo,
        x.count,
      ]),
    ).toEqual([
      [A, 101, 150, 50],
      [B, 151, 170, 20],
    ]);
    expect(iss.body.rows[0].issuanceNo).toMatch(/^FF-2026-/);
    expect(iss.body.rows[0].applicationNo).toMatch(/^SL-\d{4}-/);
    expect(iss.body.totals).toEqual({ count: 70 });
  });

  it('when write-offs and destructions are reported, then status, result, amount and counts show, also per unit and as CSV', async () => {
    const w = await get('writeoffs?from=2026-01-01&to=2026-02-28');
    expect(w.body.rows).toEqual([
      expect.objectContaining({
        unitCode: A,
        status: 'approved',
        statusName: '已审核通过',
        result: '良好',
        amount: 1234.56,
        used: 30,
        voided: 3,
        lost: 0,
        total: 33,
        cutoffDate: '2026-01-09',
      }),
      expect.objectContaining({ unitCode: A, status: 'submitted', used: 7, total: 7 }),
    ]);
    const byUnit = await get('writeoffs?from=2026-01-01&to=2026-02-28&groupBy=unit');
    expect(byUnit.body.rows).toEqual([
      expect.objectContaining({
        unitCode: A,
        documents: 2,
        approved: 1,
        pending: 1,
        returned: 0,
        amount: 1234.56,
        used: 37,
        voided: 3,
        total: 40,
      }),
    ]);
    const csv = await fetch(`${t.baseUrl}/api/v1/reports/writeoffs?from=2026-01-01&to=2026-02-28&format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['核销单号', '单位编码', '单位名称']);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^合计,.*,1234\.56,37,3,0,40,/);
    const d = await get('destructions?from=2026-01-01&to=2026-01-31');
    expect(d.body.rows).toEqual([
      expect.objectContaining({ holderCode: A, batchCode: batch, startNo: 131, endNo: 140, count: 10, status: 'approved' }),
    ]);
  });

  it('when warnings are asked in August, then units holding old numbers without a recent approved write-off and low stock are listed', async () => {
    at('2026-08-01T09:00:00');
    admin = await t.login(ADMIN.username, ADMIN.password);
    const r = await get('warnings?threshold=50');
    expect(r.body.overdueMonths).toBe(6);
    expect(r.body.overdueWriteoffs).toEqual([
      expect.objectContaining({ unitCode: A, heldOldCount: 90, lastApprovedCutoff: '2026-01-09', pendingWriteoffs: 1 }),
      expect.objectContaining({ unitCode: B, heldOldCount: 20, lastApprovedCutoff: null, pendingWriteoffs: 0 }),
    ]);
    expect(r.body.lowStock).toEqual([expect.objectContaining({ unitCode: B, stock: 20, threshold: 50 })]);
    const cover = await get('warnings?coverMonths=24');
    expect(cover.body.lowStock).toEqual([expect.objectContaining({ unitCode: B, stock: 20, avgMonthlyUse: 1.7, threshold: 41 })]);
    const x = await get('warnings?format=xlsx');
    expect(x.status).toBe(200);
    expect((await get('warnings?overdueMonths=12')).body.overdueWriteoffs).toEqual([]);
    at('2026-02-10T09:00:00');
  });
});
