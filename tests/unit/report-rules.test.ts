import { describe, expect, it } from 'vitest';
import type { SideRow } from '../../src/domain/reports/ledger-reports.queries';
import type { Names } from '../../src/domain/reports/report-names';
import { resolvePeriod } from '../../src/domain/reports/report.schemas';
import { sumOf } from '../../src/domain/reports/reports.service';
import { inFlow, outFlow, stockMovement } from '../../src/domain/reports/stock-movement.report';
import { writeoffsByUnit, type WriteoffRow } from '../../src/domain/reports/writeoff.report';

const names: Names = {
  unit: (id) => (id === null ? { code: '', name: '财政局' } : { code: `U${id}`, name: `单位${id}` }),
  billType: (id) => ({ code: `B${id}`, name: `票种${id}` }),
};
const period = resolvePeriod({ from: '2026-01-01', to: '2026-01-31' }, new Date());

describe('领用存 flows', () => {
  it('when numbers leave unit stock, then where they went names the flow', () => {
    expect(outFlow('unit', 'USED')).toBe('used');
    expect(outFlow('unit', 'WRITTEN_OFF')).toBe('used');
    expect(outFlow('unit', 'VOIDED')).toBe('voided');
    expect(outFlow('bureau', 'DESTROYED')).toBe('voided');
    expect(outFlow('unit', 'LOST')).toBe('lost');
    expect(outFlow('bureau', 'IN_STOCK')).toBe('returned');
  });

  it('when numbers come back from a reported state, then they undo that report; anything else in is received', () => {
    expect(inFlow('unit', 'LOST')).toEqual(['lost', -1]);
    expect(inFlow('unit', 'USED')).toEqual(['used', -1]);
    expect(inFlow('bureau', 'IN_STOCK')).toEqual(['received', 1]);
    expect(inFlow(null, null)).toEqual(['received', 1]);
  });

  it('when the journal sums are given, then opening, flows and closing come out per unit × bill type and the identity holds', async () => {
    const row = (r: Partial<SideRow>): SideRow => ({
      unitId: 1,
      billTypeId: 7,
      holder: null,
      state: null,
      before: 0,
      within: 0,
      upTo: 0,
      ...r,
    });
    const sides: Record<'in' | 'out', SideRow[]> = {
      in: [
        row({ holder: 'bureau', state: 'IN_STOCK', before: '100', within: '50', upTo: '150' }), // PostgreSQL sums are strings
        row({ holder: 'unit', state: 'LOST', within: 5, upTo: 5 }),
        row({ unitId: 2, holder: 'bureau', state: 'IN_STOCK', before: 10, upTo: 10 }),
      ],
      out: [
        row({ holder: 'unit', state: 'USED', within: 30, upTo: 30 }),
        row({ holder: 'unit', state: 'LOST', within: 5, upTo: 5 }),
        row({ holder: 'bureau', state: 'IN_STOCK', within: 6, upTo: 6 }),
        row({ unitId: 2, holder: 'bureau', state: 'IN_STOCK', before: 10, upTo: 10 }), // returned everything before the period
      ],
    };
    const rows = await stockMovement({ unitStockSides: async (side) => sides[side] }, { period }, names);
    expect(rows).toEqual([
      {
        unitCode: 'U1',
        unitName: '单位1',
        billTypeCode: 'B7',
        billTypeName: '票种7',
        opening: 100,
        received: 50,
        used: 30,
        voided: 0,
        lost: 0,
        returned: 6,
        closing: 114,
      },
    ]);
    const r = rows[0];
    expect(r.closing).toBe(r.opening + r.received - r.used - r.voided - r.lost - r.returned);
  });
});

describe('report totals', () => {
  it('when rows are summed, then money is rounded to cents and missing values count as 0', () => {
    expect(sumOf([{ a: 0.1, b: 1 }, { a: 0.2, b: 2 }, { a: 0.005 } as { a: number; b: number }], ['a', 'b'])).toEqual({ a: 0.31, b: 3 });
  });

  it('when write-offs are grouped per unit, then documents are counted by status and amounts and counts summed', () => {
    const w = (unitCode: string, status: WriteoffRow['status'], amount: number, used: number): WriteoffRow =>
      ({ unitCode, unitName: unitCode, status, amount, used, voided: 1, lost: 0, total: used + 1 }) as WriteoffRow;
    expect(
      writeoffsByUnit([w('B', 'approved', 10.1, 5), w('A', 'submitted', 0.2, 1), w('B', 'completed', 0.2, 2), w('B', 'returned', 1, 0)]),
    ).toEqual([
      {
        unitCode: 'A',
        unitName: 'A',
        documents: 1,
        approved: 0,
        pending: 1,
        returned: 0,
        amount: 0.2,
        used: 1,
        voided: 1,
        lost: 0,
        total: 2,
      },
      {
        unitCode: 'B',
        unitName: 'B',
        documents: 3,
        approved: 2,
        pending: 0,
        returned: 1,
        amount: 11.3,
        used: 7,
        voided: 3,
        lost: 0,
        total: 10,
      },
    ]);
  });
});
