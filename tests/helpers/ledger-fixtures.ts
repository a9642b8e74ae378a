import { cellText } from '../../src/domain/common/raw-rows';
import type { DataSource } from 'typeorm';
import { expect } from 'vitest';
import type { BillType } from '../../src/domain/catalog/bill-type.entity';
import type { Unit } from '../../src/domain/catalog/unit.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { checkLedgerInvariants } from '../../src/domain/ledger/invariants.queries';
import type { DomainServices } from '../../src/domain/services';

let seq = 0;
const next = () => ++seq;

/** Creates an active bill type through the catalog service (code defaults to a fresh one). */
export async function seedBillType(
  services: DomainServices,
  o: { code?: string; name?: string; category?: 'nontax' | 'settlement' | 'other' } = {},
): Promise<BillType> {
  const n = next();
  return services.catalog.createBillType(systemActor, {
    code: o.code ?? `BT${n}`,
    name: o.name ?? `测试票据${n}`,
    category: o.category ?? 'nontax',
    aliases: [],
    copies: 3,
    retentionYears: 5,
    electronic: false,
  });
}

/** Creates a unit through the catalog service. */
export async function seedUnit(services: DomainServices, o: { code?: string; name?: string } = {}): Promise<Unit> {
  const n = next();
  return services.catalog.createUnit(systemActor, { code: o.code ?? `U${n}`, name: o.name ?? `测试单位${n}`, onboardingStatus: 'online' });
}

/** A fresh 8-digit batch code (unique within a test process). */
export const freshBatchCode = (): string => String(10_000_000 + (((Date.now() % 1_000_000) * 37 + next()) % 89_999_999)).padStart(8, '0');

/** Receives `startNo..endNo` of a batch into the bureau warehouse. */
export function receive(
  services: DomainServices,
  r: { billTypeCode: string; batchCode: string; startNo: number; endNo: number; printOrderId?: number },
) {
  return services.receipts.receive(systemActor, r);
}

/** Sets a unit's 分次限量 cap for a bill type. */
export function setCap(services: DomainServices, unitCode: string, billTypeCode: string, maxQuantity: number | null) {
  return services.catalog.setCap(systemActor, unitCode, { billTypeCode, maxQuantity });
}

/** Files and approves an application; returns its id. */
export async function approvedApplication(
  services: DomainServices,
  a: { unitCode: string; billTypeCode: string; quantity: number },
): Promise<number> {
  const app = await services.applications.create(systemActor, a);
  await services.applications.approve(systemActor, app.id, {});
  return app.id;
}

/** Applies, approves and issues: the unit ends up holding `quantity` numbers (lowest first). */
export async function issueToUnit(services: DomainServices, a: { unitCode: string; billTypeCode: string; quantity: number }) {
  return services.issuance.issue(systemActor, await approvedApplication(services, a));
}

/** Sets up a bill type, a unit and `count` numbers in the warehouse (batch fresh unless given). */
export async function ledgerScenario(services: DomainServices, o: { count?: number; batchCode?: string } = {}) {
  const billType = await seedBillType(services);
  const unit = await seedUnit(services);
  const batchCode = o.batchCode ?? freshBatchCode();
  const receipt = await receive(services, { billTypeCode: billType.code, batchCode, startNo: 1, endNo: o.count ?? 1000 });
  return { billType, unit, batchCode, receipt };
}

const TABLES = [
  'stock_range',
  'journal_entry',
  'warehouse_receipt',
  'bill_batch',
  'bill_document',
  'document_line',
  'document_transition',
  'print_order',
  'audit_entry',
] as const;

/** Row counts of the ledger tables: compare before/after a refused request to prove nothing changed. */
export async function ledgerSnapshot(ds: DataSource): Promise<Record<(typeof TABLES)[number], number> & { ranges: string }> {
  const out: Record<string, number | string> = {};
  for (const t of TABLES) out[t] = Number((await ds.query(`SELECT COUNT(*) AS "n" FROM "${t}"`))[0].n);
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT "batchCode", "startNo", "endNo", "holder", "unitId", "state" FROM "stock_range" ORDER BY "batchCode", "startNo"`,
  );
  out.ranges = rows
    .map(
      (r) =>
        `${cellText(r.batchCode)}:${cellText(r.startNo)}-${cellText(r.endNo)}@${cellText(r.holder)}/${cellText(r.unitId)}/${cellText(r.state)}`,
    )
    .join(';');
  return out as never;
}

/** Asserts domain.md's ledger invariants hold (prints the violations when not). */
export async function expectInvariantsOk(ds: DataSource): Promise<void> {
  const r = await checkLedgerInvariants(ds);
  expect(r.violations).toEqual([]);
  expect(r.ok).toBe(true);
}

/** Runs a request that must be refused: asserts the status and that no ledger table changed. */
export async function expectRefused<R extends { status: number; body: any }>(
  ds: DataSource,
  status: number,
  request: () => Promise<R>,
): Promise<R> {
  const before = await ledgerSnapshot(ds);
  const r = await request();
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error?.code).toBeTypeOf('string');
  expect(await ledgerSnapshot(ds)).toEqual(before);
  return r;
}
