import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { JournalEntry } from '../../src/domain/ledger/journal-entry.entity';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';
import { expectInvariantsOk, expectRefused, issueToUnit, ledgerScenario, seedUnit } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** How many numbers of a batch sit at a place (unitId null = bureau). */
async function held(ds: DataSource, batchCode: string, unitId: number | null, state: string): Promise<number> {
  const qb = ds
    .getRepository(StockRange)
    .createQueryBuilder('r')
    .select('COALESCE(SUM(r.endNo - r.startNo + 1), 0)', 'n')
    .where('r.state = :state AND r.batchCode = :b', { state, b: batchCode });
  if (unitId === null) qb.andWhere('r.unitId IS NULL');
  else qb.andWhere('r.unitId = :u', { u: unitId });
  return Number((await qb.getRawOne()).n);
}
const journalRows = (ds: DataSource, operation: string, docId: number) => ds.getRepository(JournalEntry).countBy({ operation, docId });

describe('returns, stock voids and destruction', () => {
  let t: TestApp;
  let batch: string;
  let unit: { id: number; code: string };
  let other: { id: number; code: string };
  let billTypeCode: string;
  let staff: string;
  let otherStaff: string;
  let operator: string;
  let checker: string;
  let supervisor: string;
  const line = (startNo: number, endNo: number) => ({ batchCode: batch, startNo, endNo });

  beforeAll(async () => {
    t = await startTestApp();
    const s = await ledgerScenario(t.services, { count: 1000 });
    batch = s.batchCode;
    unit = s.unit;
    billTypeCode = s.billType.code;
    other = await seedUnit(t.services);
    await issueToUnit(t.services, { unitCode: unit.code, billTypeCode, quantity: 200 }); // 1-200
    await issueToUnit(t.services, { unitCode: other.code, billTypeCode, quantity: 100 }); // 201-300
    staff = await t.userToken('unit_staff', { unitCode: unit.code, username: 'rv_staff' });
    otherStaff = await t.userToken('unit_staff', { unitCode: other.code, username: 'rv_other' });
    operator = await t.userToken('operator', { username: 'rv_op' });
    // 不相容岗位相互分离: what the operator files, another bureau user approves, and a third supervises (监销).
    checker = await t.userToken('operator', { username: 'rv_checker' });
    supervisor = await t.userToken('operator', { username: 'rv_supervisor' });
  });
  afterAll(async () => t?.close());

  it('when a return is approved, then the numbers move from the unit to the bureau; until then they are reserved', async () => {
    const r = await t.call('POST', '/api/v1/returns', {
      token: staff,
      body: { unitCode: unit.code, billTypeCode, reason: '单位撤并', lines: [line(181, 200)] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'submitted', counts: { return: 20, total: 20 } });
    expect(r.body.docNo).toMatch(/^ST-2026-/);
    expect(await held(t.ds, batch, unit.id, 'IN_STOCK')).toBe(200);

    const dup = await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/returns', {
        token: staff,
        body: { unitCode: unit.code, billTypeCode, reason: '再退', lines: [line(195, 196)] },
      }),
    );
    expect(dup.body.error.message).toContain(`已在申退单 ${r.body.docNo} 中待审核`);
    await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/stock-voids', {
        token: staff,
        body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: '换版', lines: [line(190, 190)] },
      }),
    );
    await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/writeoffs', { token: staff, body: { unitCode: unit.code, billTypeCode, used: [line(199, 200)] } }),
    );

    await expectRefused(t.ds, 403, () => t.call('POST', `/api/v1/returns/${r.body.id}/approve`, { token: staff, body: {} }));
    const a = await t.call('POST', `/api/v1/returns/${r.body.id}/approve`, { token: operator, body: { opinion: '同意' } });
    expect(a.status).toBe(200);
    expect(a.body.status).toBe('approved');
    expect(await held(t.ds, batch, unit.id, 'IN_STOCK')).toBe(180);
    expect(await held(t.ds, batch, null, 'IN_STOCK')).toBe(700 + 20);
    expect(await journalRows(t.ds, 'return', r.body.id)).toBe(1);
    await expectRefused(t.ds, 409, () => t.call('POST', `/api/v1/returns/${r.body.id}/approve`, { token: operator, body: {} }));
    await expectInvariantsOk(t.ds);
    const d = await t.call('GET', `/api/v1/returns/${r.body.id}`, { token: staff });
    expect(d.body).toMatchObject({
      status: 'approved',
      reason: '单位撤并',
      lines: [{ kind: 'return', startNo: 181, endNo: 200, count: 20 }],
    });
  });

  it('when a return is rejected, then nothing moves and the numbers are free again', async () => {
    const r = await t.call('POST', '/api/v1/returns', {
      token: staff,
      body: { unitCode: unit.code, billTypeCode, reason: '多领', lines: [line(171, 180)] },
    });
    await expectRefused(t.ds, 400, () => t.call('POST', `/api/v1/returns/${r.body.id}/reject`, { token: operator, body: {} }));
    const rej = await t.call('POST', `/api/v1/returns/${r.body.id}/reject`, { token: operator, body: { opinion: '请先核销' } });
    expect(rej.body).toMatchObject({ status: 'returned', opinion: '请先核销' });
    expect(await held(t.ds, batch, unit.id, 'IN_STOCK')).toBe(180);
    const again = await t.call('POST', '/api/v1/returns', {
      token: staff,
      body: { unitCode: unit.code, billTypeCode, reason: '多领', lines: [line(171, 180)] },
    });
    expect(again.status).toBe(201);
    await t.call('POST', `/api/v1/returns/${again.body.id}/reject`, { token: operator, body: { opinion: '撤回' } });
  });

  it('when a return names numbers the unit does not hold or another unit, then 409/403 and nothing changes', async () => {
    const body = (lines: unknown[], unitCode = unit.code) => ({ unitCode, billTypeCode, reason: '退回', lines });
    const bureau = await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/returns', { token: staff, body: body([line(150, 160), line(250, 260), line(181, 185)]) }),
    );
    expect(bureau.body.error.message).toContain('0000000181-0000000185、0000000250-0000000260 不在本单位库存中');
    await expectRefused(t.ds, 403, () => t.call('POST', '/api/v1/returns', { token: otherStaff, body: body([line(1, 2)]) }));
    await expectRefused(t.ds, 400, () => t.call('POST', '/api/v1/returns', { token: staff, body: body([line(5, 1)]) }));
    await expectRefused(t.ds, 400, () => t.call('POST', '/api/v1/returns', { token: staff, body: body([line(1, 5), line(5, 9)]) }));
    await expectRefused(t.ds, 400, () => t.call('POST', '/api/v1/returns', { token: staff, body: { ...body([line(1, 2)]), reason: '' } }));
    expect((await t.call('GET', '/api/v1/returns', { token: otherStaff })).body.total).toBe(0);
    expect((await t.call('GET', `/api/v1/returns?unitCode=${unit.code}`, { token: otherStaff })).status).toBe(403);
  });

  it('when the bureau voids warehouse stock (换版) and destroys it, then it ends DESTROYED after the bureau confirms', async () => {
    const sv = { holder: 'bureau', billTypeCode, reason: '换版', lines: [line(901, 1000)] };
    await expectRefused(t.ds, 403, () => t.call('POST', '/api/v1/stock-voids', { token: staff, body: sv }));
    await expectRefused(t.ds, 400, () => t.call('POST', '/api/v1/stock-voids', { token: operator, body: { ...sv, unitCode: unit.code } }));
    await expectRefused(t.ds, 400, () => t.call('POST', '/api/v1/stock-voids', { token: operator, body: { ...sv, holder: 'unit' } }));
    const v = await t.call('POST', '/api/v1/stock-voids', { token: operator, body: sv });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    expect(await held(t.ds, batch, null, 'IN_STOCK')).toBe(720);
    const own = await expectRefused(t.ds, 403, () =>
      t.call('POST', `/api/v1/stock-voids/${v.body.id}/approve`, { token: operator, body: {} }),
    );
    expect(own.body.error.reason).toBe('SAME_PERSON');
    await t.call('POST', `/api/v1/stock-voids/${v.body.id}/approve`, { token: checker, body: {} });
    expect(await held(t.ds, batch, null, 'IN_STOCK')).toBe(620);
    expect(await held(t.ds, batch, null, 'STOCK_VOIDED')).toBe(100);
    expect(await journalRows(t.ds, 'stock_void', v.body.id)).toBe(1);
    expect((await t.call('GET', `/api/v1/stock-voids/${v.body.id}`, { token: staff })).status).toBe(403);
    await expectInvariantsOk(t.ds);

    const inStock = await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/destructions', {
        token: operator,
        body: { holder: 'bureau', billTypeCode, reason: '销毁', lines: [line(851, 910)] },
      }),
    );
    expect(inStock.body.error.message).toContain('0000000851-0000000900 不是财政局已核销的存根或已库存作废的票据，不能销毁');
    const d = await t.call('POST', '/api/v1/destructions', {
      token: operator,
      body: { holder: 'bureau', billTypeCode, reason: '旧版空白票', lines: [line(901, 1000)], supervisor: '王监销' },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    await expectRefused(t.ds, 409, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: operator, body: { side: 'bureau', confirmedBy: '张三' } }),
    );
    await expectRefused(t.ds, 403, () => t.call('POST', `/api/v1/destructions/${d.body.id}/approve`, { token: staff, body: {} }));
    await expectRefused(t.ds, 403, () => t.call('POST', `/api/v1/destructions/${d.body.id}/approve`, { token: operator, body: {} }));
    expect((await t.call('POST', `/api/v1/destructions/${d.body.id}/approve`, { token: checker, body: {} })).body.status).toBe('approved');
    expect(await held(t.ds, batch, null, 'DESTROYED')).toBe(100);
    expect(await held(t.ds, batch, null, 'STOCK_VOIDED')).toBe(0);
    expect(await journalRows(t.ds, 'destroy', d.body.id)).toBe(1);
    await expectRefused(t.ds, 400, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: supervisor, body: { side: 'unit', confirmedBy: '李四' } }),
    );
    // 监销 by whoever filed or approved the destruction is refused: it must be a second bureau user.
    for (const token of [operator, checker]) {
      const same = await expectRefused(t.ds, 403, () =>
        t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token, body: { side: 'bureau', confirmedBy: '张三' } }),
      );
      expect(same.body.error.reason).toBe('SAME_PERSON');
    }
    const c = await t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, {
      token: supervisor,
      body: { side: 'bureau', confirmedBy: '张三' },
    });
    expect(c.body).toMatchObject({ status: 'completed', confirmations: [{ side: 'bureau', confirmedBy: '张三' }] });
    const detail = await t.call('GET', `/api/v1/destructions/${d.body.id}`, { token: operator });
    expect(detail.body).toMatchObject({
      status: 'completed',
      supervisor: '王监销',
      confirmations: [{ side: 'bureau', confirmedBy: '张三' }],
    });
    await expectInvariantsOk(t.ds);
  });

  it('when a unit voids its own stock, then it is STOCK_VOIDED at the unit and never comes back', async () => {
    const v = await t.call('POST', '/api/v1/stock-voids', {
      token: staff,
      body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: '换版', lines: [line(161, 170)] },
    });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    await expectRefused(t.ds, 403, () =>
      t.call('POST', '/api/v1/stock-voids', {
        token: otherStaff,
        body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: 'x', lines: [line(1, 1)] },
      }),
    );
    await t.call('POST', `/api/v1/stock-voids/${v.body.id}/approve`, { token: operator, body: {} });
    expect(await held(t.ds, batch, unit.id, 'STOCK_VOIDED')).toBe(10);
    expect(await held(t.ds, batch, unit.id, 'IN_STOCK')).toBe(170);
    const back = await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/returns', {
        token: staff,
        body: { unitCode: unit.code, billTypeCode, reason: '退', lines: [line(161, 170)] },
      }),
    );
    expect(back.body.error.message).toContain('不在本单位库存中');
    await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/writeoffs', { token: staff, body: { unitCode: unit.code, billTypeCode, used: [line(161, 161)] } }),
    );
    const d = await t.call('POST', '/api/v1/destructions', {
      token: staff,
      body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: '换版作废', lines: [line(161, 170)] },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    await t.call('POST', `/api/v1/destructions/${d.body.id}/approve`, { token: operator, body: {} });
    expect(await held(t.ds, batch, unit.id, 'DESTROYED')).toBe(10);
    await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/stock-voids', {
        token: staff,
        body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: 'x', lines: [line(165, 165)] },
      }),
    );
    await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/destructions', {
        token: staff,
        body: { holder: 'unit', unitCode: unit.code, billTypeCode, reason: 'x', lines: [line(165, 165)] },
      }),
    );
    await expectInvariantsOk(t.ds);
  });

  it('when written-off stubs are destroyed, then only after the retention period, and completed once both sides confirm', async () => {
    const w = await t.call('POST', '/api/v1/writeoffs', {
      token: staff,
      body: { unitCode: unit.code, billTypeCode, used: [line(1, 40)], voided: [line(41, 42)] },
    });
    await t.call('POST', `/api/v1/writeoffs/${w.body.id}/approve`, { token: operator, body: {} });
    const body = { holder: 'unit', unitCode: unit.code, billTypeCode, reason: '存根到期', lines: [line(1, 42)], supervisor: '赵监销' };
    const early = await expectRefused(t.ds, 409, () => t.call('POST', '/api/v1/destructions', { token: staff, body }));
    expect(early.body.error.message).toContain(
      '0000000001-0000000042 于 2026-03-02 核销，存根须保存 5 年，保存至 2031-03-01，2031-03-02 起方可销毁',
    );
    const mixed = await expectRefused(t.ds, 409, () =>
      t.call('POST', '/api/v1/destructions', { token: staff, body: { ...body, lines: [line(30, 50)] } }),
    );
    expect(mixed.body.error.message).toContain('0000000043-0000000050 不是本单位已核销的存根');

    t.clock.set('2031-03-01T15:59:59Z'); // 2031-03-01 23:59:59 in Shanghai: one second too early
    const [staff2, op2, other2, sup2] = await Promise.all(
      ['rv_staff', 'rv_op', 'rv_other', 'rv_supervisor'].map((u) => t.login(u, 'Passw0rd123')),
    );
    await expectRefused(t.ds, 409, () => t.call('POST', '/api/v1/destructions', { token: staff2, body }));
    t.clock.set('2031-03-01T16:00:00Z');
    const d = await t.call('POST', '/api/v1/destructions', { token: staff2, body });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({ status: 'submitted', counts: { destroy: 42 } });
    await expectRefused(t.ds, 403, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: other2, body: { side: 'unit', confirmedBy: '外人' } }),
    );
    await t.call('POST', `/api/v1/destructions/${d.body.id}/approve`, { token: op2, body: { opinion: '同意销毁' } });
    expect(await held(t.ds, batch, unit.id, 'DESTROYED')).toBe(52);
    expect(await held(t.ds, batch, unit.id, 'WRITTEN_OFF')).toBe(0);
    await expectRefused(t.ds, 403, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: staff2, body: { side: 'bureau', confirmedBy: '冒充' } }),
    );
    await expectRefused(t.ds, 403, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: op2, body: { side: 'bureau', confirmedBy: '张三' } }),
    );
    const c1 = await t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, {
      token: sup2,
      body: { side: 'bureau', confirmedBy: '张三' },
    });
    expect(c1.body.status).toBe('approved');
    await expectRefused(t.ds, 409, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: sup2, body: { side: 'bureau', confirmedBy: '张三' } }),
    );
    // The unit's side is another person's: the supervisor cannot also sign for the unit with a typed-in name.
    const twice = await expectRefused(t.ds, 403, () =>
      t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, { token: sup2, body: { side: 'unit', confirmedBy: '李四' } }),
    );
    expect(twice.body.error.reason).toBe('SAME_PERSON');
    const c2 = await t.call('POST', `/api/v1/destructions/${d.body.id}/confirm`, {
      token: staff2,
      body: { side: 'unit', confirmedBy: '李四' },
    });
    expect(c2.body).toMatchObject({ status: 'completed' });
    expect(c2.body.confirmations.map((c: { side: string }) => c.side)).toEqual(['bureau', 'unit']);
    const detail = await t.call('GET', `/api/v1/destructions/${d.body.id}`, { token: staff2 });
    expect(detail.body).toMatchObject({ supervisor: '赵监销', status: 'completed' });
    expect(detail.body.transitions.map((x: { toStatus: string }) => x.toStatus)).toEqual([
      'submitted',
      'approved',
      'approved',
      'approved',
      'completed',
    ]);
    await expectInvariantsOk(t.ds);
  });
});
