import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalEntry } from '../../src/domain/ledger/journal-entry.entity';
import type { RangeState } from '../../src/domain/ledger/ledger.types';
import { resolvePeriod } from '../../src/domain/reports/report.schemas';
import { makeDomainStore } from '../../src/domain/db/repositories';
import { loadNames } from '../../src/domain/reports/report-names';
import { FLOWS, stockMovement, type Flow } from '../../src/domain/reports/stock-movement.report';
import { openTestDb } from '../helpers/test-db';

// Reports read only the journal, so these tests write journal rows directly: a simulated ledger
// gives the expected figures independently of the report's SQL.
type Op = {
  kind: 'issue' | 'report' | 'reject' | 'approve' | 'return' | 'void';
  unit: number;
  state: 'USED' | 'VOIDED' | 'LOST';
  n: number;
  minutes: number;
};
const FLOW_OF: Record<'USED' | 'VOIDED' | 'LOST', Flow> = { USED: 'used', VOIDED: 'voided', LOST: 'lost' };
const BASE = Date.parse('2025-12-31T16:00:00Z'); // 2026-01-01 00:00 Asia/Shanghai

const opArb = fc.record({
  kind: fc.constantFrom<Op['kind']>('issue', 'issue', 'report', 'report', 'reject', 'approve', 'return', 'void'),
  unit: fc.integer({ min: 1, max: 3 }),
  state: fc.constantFrom<Op['state']>('USED', 'VOIDED', 'LOST'),
  n: fc.integer({ min: 1, max: 40 }),
  minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

interface Event {
  at: string;
  unit: number;
  delta: number;
  flow: Flow;
  sign: 1 | -1;
}

/** Applies feasible ops as journal rows; returns every change to unit IN_STOCK with its flow. */
async function simulate(ds: DataSource, billTypeId: number, ops: Op[]): Promise<Event[]> {
  const stock = new Map<number, number>();
  const parked = new Map<string, number>();
  const events: Event[] = [];
  const rows: Partial<JournalEntry>[] = [];
  let t = BASE - 2 * 24 * 3600_000;
  const place = (holder: 'bureau' | 'unit', unitId: number | null, state: RangeState) => ({ holder, unitId, state });
  const row = (operation: string, n: number, from: ReturnType<typeof place>, to: ReturnType<typeof place>) =>
    rows.push({
      operation,
      docType: 'writeoff',
      docId: 1,
      billTypeId,
      batchCode: '12345678',
      startNo: 1,
      endNo: n,
      count: n,
      fromHolder: from.holder,
      fromUnitId: from.unitId,
      fromState: from.state,
      toHolder: to.holder,
      toUnitId: to.unitId,
      toState: to.state,
      actorId: 0,
      at: new Date(t),
    });
  for (const op of ops) {
    t += op.minutes * 60_000;
    const at = new Date(t).toISOString();
    const have = stock.get(op.unit) ?? 0;
    const key = `${op.unit}:${op.state}`;
    const held = parked.get(key) ?? 0;
    // Take what is there (at most n) so that rejects, returns and voids happen often.
    const o = { ...op, n: op.kind === 'issue' ? op.n : Math.min(op.n, op.kind === 'reject' || op.kind === 'approve' ? held : have) };
    if (o.n === 0) continue;
    const unitStock = place('unit', o.unit, 'IN_STOCK');
    if (o.kind === 'issue') {
      row('issue', o.n, place('bureau', null, 'IN_STOCK'), unitStock);
      stock.set(o.unit, have + o.n);
      events.push({ at, unit: o.unit, delta: o.n, flow: 'received', sign: 1 });
    } else if (o.kind === 'report' && have >= o.n) {
      row('writeoff.report', o.n, unitStock, place('unit', o.unit, o.state));
      stock.set(o.unit, have - o.n);
      parked.set(key, held + o.n);
      events.push({ at, unit: o.unit, delta: -o.n, flow: FLOW_OF[o.state], sign: 1 });
    } else if (o.kind === 'reject' && held >= o.n) {
      row('writeoff.reject', o.n, place('unit', o.unit, o.state), unitStock);
      stock.set(o.unit, have + o.n);
      parked.set(key, held - o.n);
      events.push({ at, unit: o.unit, delta: o.n, flow: FLOW_OF[o.state], sign: -1 });
    } else if (o.kind === 'approve' && held >= o.n) {
      row('writeoff.approve', o.n, place('unit', o.unit, o.state), place('unit', o.unit, 'WRITTEN_OFF'));
      parked.set(key, held - o.n);
    } else if ((o.kind === 'return' || o.kind === 'void') && have >= o.n) {
      row(
        o.kind === 'return' ? 'return' : 'stock_void',
        o.n,
        unitStock,
        o.kind === 'return' ? place('bureau', null, 'IN_STOCK') : place('unit', o.unit, 'STOCK_VOIDED'),
      );
      stock.set(o.unit, have - o.n);
      events.push({ at, unit: o.unit, delta: -o.n, flow: o.kind === 'return' ? 'returned' : 'voided', sign: 1 });
    }
  }
  if (rows.length) await ds.getRepository(JournalEntry).insert(rows);
  return events;
}

const day = (offset: number) => new Date(BASE + offset * 24 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 10);

describe('stock movement from journal rows', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let read: ReturnType<typeof makeDomainStore>['read'];
  let billTypeId = 1000;
  beforeAll(async () => {
    db = await openTestDb();
    read = makeDomainStore(db.ds).read;
  });
  afterAll(async () => db?.close());

  it('when a write-off is reported and rejected within the period, then the flows net to zero and events at the Shanghai day edge fall in the right period', async () => {
    const bt = ++billTypeId;
    const ops: Op[] = [
      // 2025-12-31 23:50 Shanghai: before a period that starts 2026-01-01.
      { kind: 'issue', unit: 1, state: 'USED', n: 100, minutes: 2 * 24 * 60 - 10 },
      // 2026-01-01 00:10 Shanghai (still 2025-12-31 in UTC): inside it.
      { kind: 'issue', unit: 1, state: 'USED', n: 50, minutes: 20 },
      { kind: 'report', unit: 1, state: 'LOST', n: 5, minutes: 60 },
      { kind: 'reject', unit: 1, state: 'LOST', n: 5, minutes: 60 },
      { kind: 'report', unit: 1, state: 'USED', n: 30, minutes: 60 },
      { kind: 'void', unit: 1, state: 'USED', n: 4, minutes: 60 },
      { kind: 'return', unit: 1, state: 'USED', n: 6, minutes: 60 },
    ];
    await simulate(db.ds, bt, ops);
    const names = await loadNames(read.catalog);
    const period = resolvePeriod({ from: '2026-01-01', to: '2026-01-01' }, new Date());
    const [row] = await stockMovement(read.reports, { billTypeId: bt, period }, names);
    expect(row).toMatchObject({ opening: 100, received: 50, used: 30, voided: 4, lost: 0, returned: 6, closing: 110 });
    const before = await stockMovement(
      read.reports,
      { billTypeId: bt, period: resolvePeriod({ from: '2025-12-31', to: '2025-12-31' }, new Date()) },
      names,
    );
    expect(before[0]).toMatchObject({ opening: 0, received: 100, closing: 100 });
  });

  it('when random ledgers are reported over random periods, then opening, closing and every flow match the simulation and the identity holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 15, maxLength: 40 }),
        fc.integer({ min: -3, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        async (ops, a, len) => {
          const bt = ++billTypeId;
          const events = await simulate(db.ds, bt, ops);
          const period = resolvePeriod({ from: day(a), to: day(a + len) }, new Date());
          const rows = await stockMovement(read.reports, { billTypeId: bt, period }, await loadNames(read.catalog));
          for (const unit of [1, 2, 3]) {
            const mine = events.filter((e) => e.unit === unit);
            const sum = (es: Event[]) => es.reduce((s, e) => s + e.delta, 0);
            const within = mine.filter((e) => e.at >= period.startIso && e.at < period.endIso);
            const expected = {
              opening: sum(mine.filter((e) => e.at < period.startIso)),
              closing: sum(mine.filter((e) => e.at < period.endIso)),
              ...Object.fromEntries(
                FLOWS.map((f) => [f, within.filter((e) => e.flow === f).reduce((s, e) => s + e.sign * Math.abs(e.delta), 0)]),
              ),
            };
            const row = rows.find((r) => r.unitCode === `#${unit}`);
            const got = row ?? { opening: 0, closing: 0, received: 0, used: 0, voided: 0, lost: 0, returned: 0 };
            expect(got).toMatchObject(expected);
            expect(got.closing).toBe(got.opening + got.received - got.used - got.voided - got.lost - got.returned);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
