import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { graceMonthsOf, WRITEOFF_GRACE_MONTHS_KEY } from '../documents/application.rules';
import { ForbiddenError } from '../errors';
import type { Actor } from '../identity/actor';
import { destructionRegister } from './destruction.report';
import { issuanceDetail } from './issuance.report';
import { resolvePeriod, type PeriodReportQuery, type WarningsReportQuery, type WriteoffReportQuery } from './report.schemas';
import { loadNames } from './report-names';
import { stockMovement } from './stock-movement.report';
import { lowStock, overdueWriteoffs } from './warnings.report';
import { receiptsDetail, warehouseBalance } from './warehouse.report';
import { writeoffDetail, writeoffsByUnit } from './writeoff.report';
import { isUnitScoped } from '../policy';

type Scope = { unitCode?: string; billTypeCode?: string };

/** Sums the given numeric fields over rows (money rounded to cents). */
export function sumOf<R extends object, K extends keyof R & string>(rows: readonly R[], keys: readonly K[]): Record<K, number> {
  const t = {} as Record<K, number>;
  for (const k of keys) t[k] = Math.round(rows.reduce((s, r) => s + Number(r[k] ?? 0), 0) * 100) / 100;
  return t;
}

const MOVEMENT_KEYS = ['opening', 'received', 'used', 'voided', 'lost', 'returned', 'closing'] as const;

/** 统计报表: every report is computed from the journal and documents, never from cached figures. */
export function makeReportsService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;

  // One consistent snapshot per report: several queries must see the same journal.
  const read = <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => store.transaction(work, { snapshot: true });

  /** Unit staff see only their own unit (their unit when none is named); others any or all units. */
  async function scope(tx: Repositories, actor: Actor, q: Scope) {
    let unitCode = q.unitCode;
    if (isUnitScoped(actor)) {
      if (unitCode !== undefined && unitCode !== actor.unitCode) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的报表');
      unitCode = actor.unitCode ?? undefined;
      if (unitCode === undefined) throw new ForbiddenError('NO_UNIT', '当前账号未关联单位，无法查看报表');
    }
    const unit = unitCode === undefined ? undefined : await tx.catalog.unitByCode(unitCode);
    const billType = q.billTypeCode === undefined ? undefined : await tx.catalog.billTypeByCode(q.billTypeCode);
    return { unit, billType, unitId: unit?.id, billTypeId: billType?.id, names: await loadNames(tx.catalog, { unit }) };
  }

  const bureauOnly = (actor: Actor) => {
    if (isUnitScoped(actor)) throw new ForbiddenError('PERMISSION_DENIED', '财政库存报表仅限财政局人员查看');
  };

  return {
    /** 领用存: one unit (or every unit) × bill type over a period; closing = opening + received − used − voided − lost − returned. */
    async stockMovement(actor: Actor, q: Omit<PeriodReportQuery, 'format'>) {
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, q);
        const rows = await stockMovement(tx.reports, { unitId: s.unitId, billTypeId: s.billTypeId, period }, s.names);
        if (s.billType && s.unit && rows.length === 0) {
          rows.push({
            unitCode: s.unit.code,
            unitName: s.unit.name,
            billTypeCode: s.billType.code,
            billTypeName: s.billType.name,
            opening: 0,
            received: 0,
            used: 0,
            voided: 0,
            lost: 0,
            returned: 0,
            closing: 0,
          });
        }
        return {
          unitCode: s.unit?.code ?? null,
          unitName: s.unit?.name ?? null,
          billTypeCode: s.billType?.code ?? null,
          from: period.from,
          to: period.to,
          rows,
          totals: sumOf(rows, MOVEMENT_KEYS),
        };
      });
    },

    /** 财政库存结存: the bureau warehouse per bill type × batch (bureau roles, leaders, engineers). */
    async warehouseBalance(actor: Actor, q: Omit<PeriodReportQuery, 'format' | 'unitCode'>) {
      bureauOnly(actor);
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, { billTypeCode: q.billTypeCode });
        const rows = await warehouseBalance(tx.reports, { billTypeId: s.billTypeId, period }, s.names);
        return {
          from: period.from,
          to: period.to,
          rows,
          totals: sumOf(rows, ['opening', 'received', 'returnedIn', 'issued', 'voided', 'closing']),
        };
      });
    },

    /** 入库明细: receipts into the warehouse within the period. */
    async receipts(actor: Actor, q: Omit<PeriodReportQuery, 'format' | 'unitCode'>) {
      bureauOnly(actor);
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, { billTypeCode: q.billTypeCode });
        const rows = await receiptsDetail(tx.reports, { billTypeId: s.billTypeId, period }, s.names);
        return { from: period.from, to: period.to, rows, totals: sumOf(rows, ['count']) };
      });
    },

    /** 发放明细: every run issued to units within the period. */
    async issuance(actor: Actor, q: Omit<PeriodReportQuery, 'format'>) {
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, q);
        const rows = await issuanceDetail(tx.reports, { unitId: s.unitId, billTypeId: s.billTypeId, period }, s.names);
        return { unitCode: s.unit?.code ?? null, from: period.from, to: period.to, rows, totals: sumOf(rows, ['count']) };
      });
    },

    /** 核销情况: write-offs created within the period, per document or (groupBy=unit) per unit. */
    async writeoffs(actor: Actor, q: Omit<WriteoffReportQuery, 'format'>) {
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, q);
        const docs = await writeoffDetail(tx.reports, { unitId: s.unitId, billTypeId: s.billTypeId, status: q.status, period }, s.names);
        const totals = sumOf(docs, ['amount', 'used', 'voided', 'lost', 'total']);
        const base = { unitCode: s.unit?.code ?? null, from: period.from, to: period.to, totals };
        return q.groupBy === 'unit'
          ? { ...base, groupBy: 'unit' as const, rows: writeoffsByUnit(docs) }
          : { ...base, groupBy: 'document' as const, rows: docs };
      });
    },

    /** 销毁登记: destruction documents created within the period, one row per destroyed run. */
    async destructions(actor: Actor, q: Omit<PeriodReportQuery, 'format'>) {
      const period = resolvePeriod(q, clock.now());
      return read(async (tx) => {
        const s = await scope(tx, actor, q);
        const rows = await destructionRegister(tx.reports, { unitId: s.unitId, billTypeId: s.billTypeId, period }, s.names);
        return { unitCode: s.unit?.code ?? null, from: period.from, to: period.to, rows, totals: sumOf(rows, ['count']) };
      });
    },

    /** Warnings as of now: low stock and overdue write-offs (核旧领新). */
    async warnings(actor: Actor, q: Omit<WarningsReportQuery, 'format'>) {
      const now = clock.now();
      return read(async (tx) => {
        const s = await scope(tx, actor, q);
        const o = {
          unitId: s.unitId,
          billTypeId: s.billTypeId,
          threshold: q.threshold,
          coverMonths: q.coverMonths ?? 1,
          overdueMonths: q.overdueMonths ?? graceMonthsOf(await tx.settings.get(WRITEOFF_GRACE_MONTHS_KEY)),
          lookbackMonths: 12,
        };
        return {
          asOf: now.toISOString(),
          unitCode: s.unit?.code ?? null,
          threshold: o.threshold ?? null,
          coverMonths: o.coverMonths,
          overdueMonths: o.overdueMonths,
          lowStock: await lowStock(tx.reports, now, o, s.names),
          overdueWriteoffs: await overdueWriteoffs(tx.reports, now, o, s.names),
        };
      });
    },
  };
}
export type ReportsService = ReturnType<typeof makeReportsService>;
