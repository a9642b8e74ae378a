import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { JournalEntry } from '../../src/domain/ledger/journal-entry.entity';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import {
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

let batch: string;

/** How many numbers sit at a place (unitId null = bureau). */
async function held(ds: DataSource, unitId: number | null, state: string, batchCode = batch): Promise<number> {
  const qb = ds
    .getRepository(StockRange)
    .createQueryBuilder('r')
    .select('COALESCE(SUM(r.endNo - r.startNo + 1), 0)', 'n')
    .where('r.state = :state AND r.batchCode = :b', { state, b: batchCode });
  if (unitId === null) qb.andWhere('r.unitId IS NULL');
  else qb.andWhere('r.unitId = :u', { u: unitId });
  return Number((await qb.getRawOne()).n);
}

const journalRows = (ds: DataSource, operation: string, docId: number) =>
  ds.getRepository(JournalEntry).countBy({ operation, docId, docType: 'writeoff' });

describe('write-offs (核销)', () => {
  let t: TestApp;
  let unitId: number;
  let otherUnitCode: string;
  let otherTypeBatch: string;
  let staff: string;
  let otherStaff: string;
  let operator: string;
  const W = '/api/v1/writeoffs';
  let body: (extra?: Record<string, unknown>) => Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    const s = await ledgerScenario(t.services, { count: 1000 });
    const other = await seedUnit(t.services);
    unitId = s.unit.id;
    otherUnitCode = other.code;
    batch = s.batchCode;
    await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: s.billType.code, quantity: 300 }); // 1-300
    await issueToUnit(t.services, { unitCode: other.code, billTypeCode: s.billType.code, quantity: 100 }); // 301-400
    const bt2 = await seedBillType(t.services);
    otherTypeBatch = freshBatchCode();
    await receive(t.services, { billTypeCode: bt2.code, batchCode: otherTypeBatch, startNo: 1, endNo: 100 });
    await issueToUnit(t.services, { unitCode: s.unit.code, billTypeCode: bt2.code, quantity: 50 });
    staff = await t.userToken('unit_staff', { unitCode: s.unit.code, username: 'wo_staff' });
    otherStaff = await t.userToken('unit_staff', { unitCode: other.code, username: 'wo_other' });
    operator = await t.userToken('operator', { username: 'wo_op' });
    body = (extra = {}) => ({
      unitCode: s.unit.code,
      billTypeCode: s.billType.code,
      cutoffDate: '2026-02-28',
      amount: 1234.5,
      used: [],
      ...extra,
    });
  });
  afterAll(async () => t?.close());

  it('when a unit reports and the bureau approves, then the numbers leave stock and end WRITTEN_OFF with a result', async () => {
    const r = await t.call('POST', W, {
      token: staff,
      body: body({
        used: [{ batchCode: batch, startNo: 1, endNo: 50 }],
        voided: [{ batchCode: batch, startNo: 51, endNo: 52 }],
        lost: [{ batchCode: batch, startNo: 53, endNo: 53 }],
      }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'submitted', counts: { used: 50, voided: 2, lost: 1, total: 53 } });
    expect(r.body.docNo).toMatch(/^HX-2026-\d{6}$/);
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(247);
    expect([await held(t.ds, unitId, 'USED'), await held(t.ds, unitId, 'VOIDED'), await held(t.ds, unitId, 'LOST')]).toEqual([50, 2, 1]);
    expect(await journalRows(t.ds, 'writeoff.report', r.body.id)).toBe(3);
    const doc = await t.ds.getRepository(BillDocument).findOneByOrFail({ id: r.body.id });
    expect([doc.quantity, doc.cutoffDate, Number(doc.amount)]).toEqual([53, '2026-02-28', 1234.5]);
    await expectInvariantsOk(t.ds);

    const a = await t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: { result: '良好', opinion: '资料齐全' } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ status: 'approved', result: '良好' });
    expect(await held(t.ds, unitId, 'WRITTEN_OFF')).toBe(53);
    expect(await held(t.ds, unitId, 'USED')).toBe(0);
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(247);
    expect(await journalRows(t.ds, 'writeoff.approve', r.body.id)).toBe(3);
    await expectInvariantsOk(t.ds);

    const d = await t.call('GET', `${W}/${r.body.id}`, { token: staff });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ status: 'approved', result: '良好', opinion: '资料齐全', counts: { total: 53 } });
    expect(d.body.lines.map((l: { kind: string; count: number }) => [l.kind, l.count])).toEqual([
      ['used', 50],
      ['voided', 2],
      ['lost', 1],
    ]);
    expect(d.body.transitions.map((x: { toStatus: string }) => x.toStatus)).toEqual(['submitted', 'approved']);
  });

  it('when the default result is used, then it is 合格; approving twice or rejecting an approved one is 409', async () => {
    const r = await t.call('POST', W, { token: staff, body: body({ used: [{ batchCode: batch, startNo: 54, endNo: 60 }] }) });
    const a = await t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: {} });
    expect(a.body.result).toBe('合格');
    const again = await expectRefused(t.ds, 409, () => t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: {} }));
    expect(again.body.error.message).toContain('已审核通过');
    await expectRefused(t.ds, 409, () => t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: { opinion: '晚了' } }));
  });

  it('when the bureau returns a write-off, then the numbers go back to stock and the opinion is shown; resubmitting moves them again', async () => {
    const r = await t.call('POST', W, { token: staff, body: body({ used: [{ batchCode: batch, startNo: 61, endNo: 80 }] }) });
    const stock = await held(t.ds, unitId, 'IN_STOCK');
    const rej = await t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: { opinion: '开票金额与缴库金额不一致' } });
    expect(rej.status).toBe(200);
    expect(rej.body).toMatchObject({ status: 'returned', opinion: '开票金额与缴库金额不一致' });
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock + 20);
    expect(await journalRows(t.ds, 'writeoff.reject', r.body.id)).toBe(1);
    await expectInvariantsOk(t.ds);
    const d = await t.call('GET', `${W}/${r.body.id}`, { token: staff });
    expect(d.body.transitions.at(-1)).toMatchObject({ toStatus: 'returned', opinion: '开票金额与缴库金额不一致', actorName: 'wo_op' });

    const re = await t.call('POST', `${W}/${r.body.id}/resubmit`, {
      token: staff,
      body: { amount: 99.9, used: [{ batchCode: batch, startNo: 61, endNo: 70 }] },
    });
    expect(re.status, JSON.stringify(re.body)).toBe(200);
    expect(re.body).toMatchObject({ status: 'submitted', counts: { total: 10 } });
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock + 10);
    const doc = await t.ds.getRepository(BillDocument).findOneByOrFail({ id: r.body.id });
    expect([doc.quantity, Number(doc.amount)]).toEqual([10, 99.9]);
    expect((await t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: {} })).status).toBe(200);
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock + 10);
    await expectInvariantsOk(t.ds);
  });

  it('when the unit withdraws before review, then it is a draft, the numbers are back, and it cannot be approved until resubmitted', async () => {
    const stock = await held(t.ds, unitId, 'IN_STOCK');
    const r = await t.call('POST', W, { token: staff, body: body({ voided: [{ batchCode: batch, startNo: 81, endNo: 85 }] }) });
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock - 5);
    const w = await t.call('POST', `${W}/${r.body.id}/withdraw`, { token: staff });
    expect(w.status).toBe(200);
    expect(w.body.status).toBe('draft');
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock);
    expect(await held(t.ds, unitId, 'VOIDED')).toBe(0);
    await expectInvariantsOk(t.ds);
    await expectRefused(t.ds, 409, () => t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: {} }));
    await expectRefused(t.ds, 409, () => t.call('POST', `${W}/${r.body.id}/withdraw`, { token: staff }));
    await expectRefused(t.ds, 403, () => t.call('POST', `${W}/${r.body.id}/resubmit`, { token: otherStaff, body: {} }));
    const re = await t.call('POST', `${W}/${r.body.id}/resubmit`, { token: staff, body: {} });
    expect(re.body).toMatchObject({ status: 'submitted', counts: { voided: 5 } });
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock - 5);
    await t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: { opinion: '重报' } });
    await expectInvariantsOk(t.ds);
  });

  it('when a report has 120 one-number lines, used and voided in turn, then every number moves and approval leaves one written-off run', async () => {
    const numbers = Array.from({ length: 120 }, (_, i) => 121 + i);
    const line = (n: number) => ({ batchCode: batch, startNo: n, endNo: n });
    const stock = await held(t.ds, unitId, 'IN_STOCK');
    const r = await t.call('POST', W, {
      token: staff,
      body: body({ used: numbers.filter((n) => n % 2 === 1).map(line), voided: numbers.filter((n) => n % 2 === 0).map(line) }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock - 120);
    expect(await journalRows(t.ds, 'writeoff.report', r.body.id)).toBe(120);
    await expectInvariantsOk(t.ds);

    expect((await t.call('POST', `${W}/${r.body.id}/approve`, { token: operator, body: {} })).status).toBe(200);
    expect(await journalRows(t.ds, 'writeoff.approve', r.body.id)).toBe(120);
    const written = await t.ds
      .getRepository(StockRange)
      .createQueryBuilder('r')
      .where("r.unitId = :u AND r.batchCode = :b AND r.state = 'WRITTEN_OFF' AND r.endNo >= 121 AND r.startNo <= 240", {
        u: unitId,
        b: batch,
      })
      .getMany();
    // The 120 runs arrive in three statements of up to 50 and still end as one run.
    expect(written.map((w) => [w.startNo <= 121, w.endNo >= 240])).toEqual([[true, true]]);
    await expectInvariantsOk(t.ds);
  });

  it('when two reports of the same numbers race, then exactly one is accepted and the ledger stays consistent', async () => {
    const stock = await held(t.ds, unitId, 'IN_STOCK');
    const send = () => t.call('POST', W, { token: staff, body: body({ used: [{ batchCode: batch, startNo: 250, endNo: 259 }] }) });
    const results = await Promise.all([send(), send(), send()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock - 10);
    await expectInvariantsOk(t.ds);
    const ok = results.find((r) => r.status === 201)!;
    await t.call('POST', `${W}/${ok.body.id}/reject`, { token: operator, body: { opinion: '测试并发' } });
    expect(await held(t.ds, unitId, 'IN_STOCK')).toBe(stock);
  });

  describe('bad input changes nothing', () => {
    const line = (startNo: number, endNo: number, batchCode?: string) => ({ batchCode: batchCode ?? batch, startNo, endNo });

    it("when numbers are not in the unit stock, then 409 naming ALL of them (bureau-held and another unit's)", async () => {
      const r = await expectRefused(t.ds, 409, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(290, 310)], lost: [line(901, 950)] }) }),
      );
      expect(r.body.error.message).toContain(`票据代码 ${batch} 的号码 0000000301-0000000310、0000000901-0000000950 不在本单位库存中`);
      expect(r.body.error.details).toHaveLength(2);
      const o = await expectRefused(t.ds, 409, () => t.call('POST', W, { token: staff, body: body({ used: [line(350, 360)] }) }));
      expect(o.body.error.message).toContain('0000000350-0000000360 不在本单位库存中');
    });

    it('when numbers were already reported, then 409', async () => {
      const r = await expectRefused(t.ds, 409, () => t.call('POST', W, { token: staff, body: body({ used: [line(1, 5)] }) }));
      expect(r.body.error.message).toContain('0000000001-0000000005');
    });

    it('when lines overlap, within a list or across used/voided/lost, then 400 naming the two lines', async () => {
      const a = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(100, 110), line(105, 120)] }) }),
      );
      expect(a.body.error.message).toContain('已开第 1 行与已开第 2 行的号码重叠');
      const b = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(100, 110)], voided: [line(200, 200)], lost: [line(110, 110)] }) }),
      );
      expect(b.body.error.message).toContain('已开第 1 行与灭失第 1 行的号码重叠');
    });

    it('when a range is reversed, a batch is unknown, malformed or of another bill type, then 400', async () => {
      const rev = await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body({ used: [line(120, 110)] }) }));
      expect(rev.body.error.message).toContain('起始号码不能大于终止号码');
      const unknown = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(1, 2, '99999999')] }) }),
      );
      expect(unknown.body.error.message).toContain('票据代码 99999999 不存在');
      const short = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(1, 2, '1234567')] }) }),
      );
      expect(short.body.error.message).toContain('8 位数字');
      const wrong = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(1, 2, otherTypeBatch)] }) }),
      );
      expect(wrong.body.error.message).toContain(`票据代码 ${otherTypeBatch} 不属于票据种类`);
      const big = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: [line(1, 10_000_000_000)] }) }),
      );
      expect(big.body.error.message).toContain('最多 10 位');
    });

    it('when the cut-off date is in the future or malformed, or the amount negative or over two decimals, then 400', async () => {
      const ok = [line(100, 101)];
      const future = await expectRefused(t.ds, 400, () =>
        t.call('POST', W, { token: staff, body: body({ used: ok, cutoffDate: '2026-03-03' }) }),
      );
      expect(future.body.error.message).toContain('不能晚于今天（2026-03-02）');
      for (const cutoffDate of ['2026-13-01', '2026/03/01', '2026-02-30']) {
        const bad = await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body({ used: ok, cutoffDate }) }));
        expect(bad.body.error.details[0].path).toBe('cutoffDate');
      }
      const neg = await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body({ used: ok, amount: -1 }) }));
      expect(neg.body.error.message).toContain('金额不能为负数');
      const cents = await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body({ used: ok, amount: 1.234 }) }));
      expect(cents.body.error.message).toContain('两位小数');
      const none = await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body() }));
      expect(none.body.error.message).toContain('至少填写一行');
      await expectRefused(t.ds, 400, () => t.call('POST', W, { token: staff, body: body({ used: ok, extra: 1 }) }));
    });

    it('when a return has no opinion, a unit approves, or someone outside the unit acts, then 400/403', async () => {
      const r = await t.call('POST', W, { token: staff, body: body({ used: [line(100, 101)] }) });
      expect(r.status).toBe(201);
      const noOp = await expectRefused(t.ds, 400, () => t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: {} }));
      expect(noOp.body.error.message).toContain('退回时必须填写意见');
      await expectRefused(t.ds, 400, () => t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: { opinion: '  ' } }));
      await expectRefused(t.ds, 403, () => t.call('POST', `${W}/${r.body.id}/approve`, { token: staff, body: {} }));
      await expectRefused(t.ds, 403, () => t.call('POST', `${W}/${r.body.id}/withdraw`, { token: otherStaff }));
      const engineer = await t.userToken('engineer');
      await expectRefused(t.ds, 403, () => t.call('POST', W, { token: engineer, body: body({ used: [line(102, 103)] }) }));
      await expectRefused(t.ds, 403, () => t.call('POST', W, { token: otherStaff, body: body({ used: [line(102, 103)] }) }));
      expect((await t.call('GET', `${W}/${r.body.id}`, { token: otherStaff })).status).toBe(403);
      expect((await t.call('GET', `${W}/999999`, { token: operator })).status).toBe(404);
      await t.call('POST', `${W}/${r.body.id}/reject`, { token: operator, body: { opinion: '测试' } });
    });
  });

  it('when listing, then filters apply, unit staff see only their unit and asking for another unit is 403', async () => {
    const all = await t.call('GET', `${W}?pageSize=2`, { token: operator });
    expect(all.status).toBe(200);
    const total = await t.ds.getRepository(BillDocument).countBy({ docType: 'writeoff' });
    expect(all.body).toMatchObject({ total, page: 1, pageSize: 2 });
    expect(all.body.items).toHaveLength(2);
    const approved = await t.call('GET', `${W}?status=approved`, { token: staff });
    expect(approved.body.items.length).toBeGreaterThan(0);
    expect(approved.body.items.every((d: { status: string }) => d.status === 'approved')).toBe(true);
    expect((await t.call('GET', W, { token: otherStaff })).body.total).toBe(0);
    const mine = await t.call('GET', W, { token: staff });
    expect(mine.body.total).toBe(total);
    const other = await t.call('GET', `${W}?unitCode=${otherUnitCode}`, { token: staff });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('只能查看或办理本单位的业务');
  });
});
