import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Place } from '../../src/domain/ledger/ledger.types';
import { planMoves, type PlannedMove } from '../../src/domain/ledger/move-plan';
import { isAt } from '../../src/domain/ledger/range.queries';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';

/**
 * planMoves against brute force: each place's numbers as a set. Whatever the rows and the moves,
 * the rows the plan leaves hold exactly the numbers moving them one at a time would, never overlap,
 * and write each row at most once; a move short of numbers is reported with exactly those missing.
 */
const PLACES: Place[] = [
  { holder: 'unit', unitId: 7, state: 'IN_STOCK' },
  { holder: 'unit', unitId: 7, state: 'USED' },
  { holder: 'unit', unitId: 7, state: 'WRITTEN_OFF' },
  { holder: 'bureau', unitId: null, state: 'IN_STOCK' },
];
const BATCHES = ['A1', 'B2'];
const key = (batch: string, p: number) => `${batch}/${p}`;

/** Disjoint rows per batch: numbers 1…60 cut into runs, each run at a random place or nowhere. */
const rowsArb = fc
  .array(
    fc.record({ batch: fc.integer({ min: 0, max: 1 }), cut: fc.integer({ min: 1, max: 60 }), place: fc.integer({ min: -1, max: 3 }) }),
    {
      maxLength: 14,
    },
  )
  .map((cuts) => {
    const rows: StockRange[] = [];
    for (const [b, batch] of BATCHES.entries()) {
      const mine = cuts.filter((c) => c.batch === b).sort((x, y) => x.cut - y.cut);
      let start = 1;
      for (const c of [...mine, { cut: 61, place: mine.length % 4 }]) {
        if (c.cut > start && c.place >= 0)
          rows.push(
            Object.assign(new StockRange(), {
              id: rows.length + 1,
              billTypeId: 3,
              batchCode: batch,
              startNo: start,
              endNo: c.cut - 1,
              ...PLACES[c.place],
              updatedAt: new Date(0),
            }),
          );
        start = Math.max(start, c.cut);
      }
    }
    return rows;
  });
const moveArb = fc
  .record({
    batch: fc.integer({ min: 0, max: 1 }),
    start: fc.integer({ min: 1, max: 60 }),
    len: fc.integer({ min: 1, max: 12 }),
    from: fc.integer({ min: 0, max: 1 }),
    to: fc.integer({ min: 2, max: 3 }),
  })
  .map((m): PlannedMove => ({
    batchCode: BATCHES[m.batch],
    span: { start: m.start, end: Math.min(60, m.start + m.len - 1) },
    from: PLACES[m.from],
    to: PLACES[m.to],
  }));

/** Numbers per batch and place index. */
function holdings(rows: ReadonlyArray<Pick<StockRange, 'batchCode' | 'startNo' | 'endNo' | 'holder' | 'unitId' | 'state'>>) {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const k = key(
      r.batchCode,
      PLACES.findIndex((p) => isAt(r, p)),
    );
    for (let n = r.startNo; n <= r.endNo; n++) out.set(k, [...(out.get(k) ?? []), n]);
  }
  for (const [k, v] of out)
    out.set(
      k,
      v.sort((a, b) => a - b),
    );
  return out;
}

describe('planMoves', () => {
  it('leaves the numbers where moving the runs one by one leaves them, in disjoint rows, each written at most once', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(moveArb, { minLength: 1, maxLength: 5 }), (rows, moves) => {
        // Brute force: move the numbers one run at a time, stopping at the first run not all there.
        const sets = new Map<string, Set<number>>();
        for (const [k, v] of holdings(rows)) sets.set(k, new Set(v));
        let failed: { move: PlannedMove; missing: number[] } | null = null;
        for (const m of moves) {
          const from = sets.get(key(m.batchCode, PLACES.indexOf(m.from))) ?? new Set<number>();
          const wanted = Array.from({ length: m.span.end - m.span.start + 1 }, (_, i) => m.span.start + i);
          const missing = wanted.filter((n) => !from.has(n));
          if (missing.length > 0) {
            failed = { move: m, missing };
            break;
          }
          const toKey = key(m.batchCode, PLACES.indexOf(m.to));
          const to = sets.get(toKey) ?? new Set<number>();
          for (const n of wanted) {
            from.delete(n);
            to.add(n);
          }
          sets.set(toKey, to);
        }

        const plan = planMoves(3, rows, moves);
        if (failed) {
          expect('failed' in plan && plan.failed).toBe(failed.move);
          const reported =
            'failed' in plan ? plan.missing.flatMap((s) => Array.from({ length: s.end - s.start + 1 }, (_, i) => s.start + i)) : [];
          expect(reported).toEqual(failed.missing);
          return;
        }
        if ('failed' in plan) throw new Error('a plan failed where brute force moved every run');
        const touched = [...plan.spans.map((s) => s.id), ...plan.deleted];
        expect(new Set(touched).size).toBe(touched.length);
        const after = [
          ...rows
            .filter((r) => !plan.deleted.includes(r.id))
            .map((r) => {
              const s = plan.spans.find((x) => x.id === r.id)?.span;
              return s ? { ...r, startNo: s.start, endNo: s.end } : r;
            }),
          ...plan.inserted,
        ];
        for (const [i, a] of after.entries())
          for (const b of after.slice(i + 1))
            if (a.batchCode === b.batchCode) expect(a.endNo < b.startNo || b.endNo < a.startNo).toBe(true);
        const expected = new Map([...sets].filter(([, v]) => v.size > 0).map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
        expect(holdings(after)).toEqual(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('when a run fills the gap between two rows at its destination, then the first grows over all three and the second goes', () => {
    const row = (id: number, startNo: number, endNo: number, place: Place) =>
      Object.assign(new StockRange(), { id, billTypeId: 3, batchCode: 'A1', startNo, endNo, ...place, updatedAt: new Date(0) });
    const rows = [row(1, 1, 10, PLACES[2]), row(2, 11, 20, PLACES[0]), row(3, 21, 30, PLACES[2])];
    expect(planMoves(3, rows, [{ batchCode: 'A1', span: { start: 11, end: 20 }, from: PLACES[0], to: PLACES[2] }])).toEqual({
      spans: [{ id: 1, span: { start: 1, end: 30 } }],
      deleted: [2, 3],
      inserted: [],
    });
  });

  it('when one row gives up two runs with a number between them, then its rest past them becomes a row of its own and the row goes with the last number', () => {
    const rows = [
      Object.assign(new StockRange(), {
        id: 9,
        billTypeId: 3,
        batchCode: 'A1',
        startNo: 1,
        endNo: 500,
        ...PLACES[0],
        updatedAt: new Date(0),
      }),
    ];
    const plan = planMoves(3, rows, [
      { batchCode: 'A1', span: { start: 1, end: 149 }, from: PLACES[0], to: PLACES[1] },
      { batchCode: 'A1', span: { start: 151, end: 350 }, from: PLACES[0], to: PLACES[1] },
      { batchCode: 'A1', span: { start: 150, end: 150 }, from: PLACES[0], to: PLACES[2] },
    ]);
    expect(plan).toEqual({
      spans: [],
      deleted: [9],
      inserted: [
        { billTypeId: 3, batchCode: 'A1', startNo: 1, endNo: 149, ...PLACES[1] },
        { billTypeId: 3, batchCode: 'A1', startNo: 351, endNo: 500, ...PLACES[0] },
        { billTypeId: 3, batchCode: 'A1', startNo: 151, endNo: 350, ...PLACES[1] },
        { billTypeId: 3, batchCode: 'A1', startNo: 150, endNo: 150, ...PLACES[2] },
      ],
    });
  });
});
