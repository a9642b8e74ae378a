import type { DataSource } from 'typeorm';
import type { fixedClock } from '../../src/domain/clock';
import type { IssueResult } from '../../src/domain/ledger/ledger.schemas';
import { dialectOf } from '../../src/domain/db/dialect';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { runBatched } from './batched';

/** How big the bureau is. */
export interface BureauShape {
  units: number;
  billTypes: number;
  /** Numbers per issuance (one issuance and one write-off per unit × bill type). */
  perIssue: number;
  /** Service calls per transaction. */
  txSize: number;
}

export interface BuiltBureau {
  unitCodes: string[];
  billTypeCodes: string[];
  /** State-changing service calls made (each one the real service code). */
  calls: Record<'reference' | 'receipts' | 'issuance' | 'writeoff', number>;
  seconds: Record<'reference' | 'receipts' | 'issuance' | 'writeoff', number>;
}

type Clock = ReturnType<typeof fixedClock>;
const YEAR = 2025;
const DAY = 86_400_000;
const secondsSince = (t: number) => (Date.now() - t) / 1000;

/** A unit × bill type pair. */
interface Pair {
  unitCode: string;
  billTypeCode: string;
  issued?: IssueResult['ranges'];
}

/**
 * Builds the bureau through the domain services: bill types and units, receipts by batch (Jan),
 * then per unit × bill type one application → approval → issuance (Jan–Jun) and one write-off
 * report → approval (Jul–Dec) of 70 % of the numbers, one of them voided. 5 calls per pair.
 */
export async function buildBureau(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  shape: BureauShape,
  log: (s: string) => void,
): Promise<BuiltBureau> {
  const billTypeCodes = Array.from({ length: shape.billTypes }, (_, i) => `BT${String(i + 1).padStart(2, '0')}`);
  const unitCodes = Array.from({ length: shape.units }, (_, i) => `U${String(i + 1).padStart(4, '0')}`);
  const calls = { reference: 0, receipts: 0, issuance: 0, writeoff: 0 };
  const seconds = { reference: 0, receipts: 0, issuance: 0, writeoff: 0 };

  clock.set(`${YEAR}-01-02T01:00:00Z`);
  let t = Date.now();
  await runBatched(services, ds, clock, billTypeCodes, shape.txSize, (s, code) =>
    s.catalog.createBillType(systemActor, {
      code,
      name: `基准票据${code}`,
      category: 'nontax',
      aliases: [],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    }),
  );
  await runBatched(services, ds, clock, unitCodes, shape.txSize, (s, code) =>
    s.catalog.createUnit(systemActor, { code, name: `基准单位${code}`, onboardingStatus: 'online' }),
  );
  calls.reference = billTypeCodes.length + unitCodes.length;
  seconds.reference = secondsSince(t);

  // Each bill type gets batches of 100,000 numbers, enough for every unit's issuance.
  const perType = shape.units * shape.perIssue;
  const batchSize = 100_000;
  const receipts = billTypeCodes.flatMap((code, ti) =>
    Array.from({ length: Math.ceil(perType / batchSize) }, (_, b) => ({
      code,
      batchCode: `${10 + ti}${String(b + 1).padStart(4, '0')}${YEAR % 100}`,
    })),
  );
  t = Date.now();
  await runBatched(services, ds, clock, receipts, shape.txSize, (s, r) =>
    s.receipts.receive(systemActor, { billTypeCode: r.code, batchCode: r.batchCode, startNo: 1, endNo: batchSize }),
  );
  calls.receipts = receipts.length;
  seconds.receipts = secondsSince(t);
  log(`  reference ${calls.reference} + receipts ${calls.receipts} calls in ${(seconds.reference + seconds.receipts).toFixed(1)} s`);

  const pairs: Pair[] = unitCodes.flatMap((unitCode) => billTypeCodes.map((billTypeCode) => ({ unitCode, billTypeCode })));
  const step = Math.floor((170 * DAY) / pairs.length);
  t = Date.now();
  await runBatched(services, ds, clock, pairs, shape.txSize, async (s, p) => {
    clock.advance(step);
    const app = await s.applications.create(systemActor, { unitCode: p.unitCode, billTypeCode: p.billTypeCode, quantity: shape.perIssue });
    await s.applications.approve(systemActor, app.id, {});
    p.issued = (await s.issuance.issue(systemActor, app.id)).ranges;
  });
  calls.issuance = pairs.length * 3;
  seconds.issuance = secondsSince(t);
  log(`  issuance: ${calls.issuance} calls in ${seconds.issuance.toFixed(1)} s`);

  clock.set(`${YEAR}-07-01T01:00:00Z`);
  t = Date.now();
  await runBatched(services, ds, clock, pairs, shape.txSize, async (s, p) => {
    clock.advance(step);
    const r = p.issued![0];
    const usedEnd = r.startNo + Math.floor(r.count * 0.7) - 1;
    const voided = r.startNo + Math.floor(r.count * 0.3);
    const wo = await s.writeoffs.create(systemActor, {
      unitCode: p.unitCode,
      billTypeCode: p.billTypeCode,
      cutoffDate: `${YEAR}-06-30`,
      amount: 1000,
      used: [
        { batchCode: r.batchCode, startNo: r.startNo, endNo: voided - 1 },
        { batchCode: r.batchCode, startNo: voided + 1, endNo: usedEnd },
      ],
      voided: [{ batchCode: r.batchCode, startNo: voided, endNo: voided }],
      lost: [],
    });
    await s.writeoffs.approve(systemActor, wo.id, { result: '合格' });
  });
  calls.writeoff = pairs.length * 2;
  seconds.writeoff = secondsSince(t);
  log(`  write-offs: ${calls.writeoff} calls in ${seconds.writeoff.toFixed(1)} s`);
  return { unitCodes, billTypeCodes, calls, seconds };
}

/** A unit given `perType` numbers of every bill type, through the services. */
export interface Holding {
  code: string;
  name: string;
  perType: number;
}

/**
 * Creates each unit and issues it `perType` numbers of every bill type (application → approval →
 * issuance) from a fresh receipt per bill type; returns each unit's id, bills and stock_range rows.
 */
export async function issueHoldings(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  billTypeCodes: string[],
  holdings: Holding[],
): Promise<Array<{ code: string; unitId: number; bills: number; ranges: number }>> {
  clock.set(`${YEAR}-06-01T01:00:00Z`);
  const need = holdings.reduce((n, h) => n + h.perType, 0);
  for (const [ti, code] of billTypeCodes.entries()) {
    await services.receipts.receive(systemActor, { billTypeCode: code, batchCode: `${10 + ti}9999${YEAR % 100}`, startNo: 1, endNo: need });
  }
  const out: Array<{ code: string; unitId: number; bills: number; ranges: number }> = [];
  for (const h of holdings) {
    const unit = await services.catalog.createUnit(systemActor, { code: h.code, name: h.name, onboardingStatus: 'online' });
    await runBatched(services, ds, clock, billTypeCodes, 20, async (s, billTypeCode) => {
      const app = await s.applications.create(systemActor, { unitCode: h.code, billTypeCode, quantity: h.perType });
      await s.applications.approve(systemActor, app.id, {});
      await s.issuance.issue(systemActor, app.id);
    });
    const sql = dialectOf(ds).sql();
    const [row] = await ds.query<Array<{ n: string | number; r: string | number }>>(
      `SELECT SUM("endNo" - "startNo" + 1) AS "n", COUNT(*) AS "r" FROM "stock_range" WHERE "holder" = 'unit' AND "state" = 'IN_STOCK' AND "unitId" = ${sql.p(unit.id)}`,
      sql.params,
    );
    out.push({ code: h.code, unitId: unit.id, bills: Number(row.n), ranges: Number(row.r) });
  }
  return out;
}
