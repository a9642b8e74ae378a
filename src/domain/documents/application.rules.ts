import { DateTime } from 'luxon';
import { In, type EntityManager } from 'typeorm';
import type { BillType } from '../catalog/bill-type.entity';
import { ApplicationCap } from '../catalog/application-cap.entity';
import type { Unit } from '../catalog/unit.entity';
import { toDbInstant } from '../db/columns';
import { ConflictError } from '../errors';
import { Setting } from '../settings/setting.entity';
import { BillDocument } from './bill-document.entity';
import { STATUS_NAMES } from './lifecycle';

/** Setting key of 核旧领新's N (months); the region may change it. */
export const WRITEOFF_GRACE_MONTHS_KEY = 'ledger.writeoffGraceMonths';
export const DEFAULT_WRITEOFF_GRACE_MONTHS = 6;

/** The region's ledger rules, read from app_setting with their defaults. */
export async function ledgerRules(em: EntityManager): Promise<{ writeoffGraceMonths: number }> {
  const row = await em.findOneBy(Setting, { key: WRITEOFF_GRACE_MONTHS_KEY });
  const months = row ? Number(row.value) : NaN;
  return { writeoffGraceMonths: Number.isInteger(months) && months > 0 ? months : DEFAULT_WRITEOFF_GRACE_MONTHS };
}

/** 分次限量: no cap row means no cap. */
export async function checkCap(em: EntityManager, unit: Unit, bt: BillType, quantity: number): Promise<void> {
  const cap = await em.findOneBy(ApplicationCap, { unitId: unit.id, billTypeId: bt.id });
  if (cap && quantity > cap.maxQuantity) {
    throw new ConflictError(
      'CAP_EXCEEDED',
      `超过单次申领上限（分次限量）：${unit.name}「${bt.name}」每次最多申领 ${cap.maxQuantity} 份，本次申请 ${quantity} 份，请减少数量后再申请`,
      [{ maxQuantity: cap.maxQuantity, quantity }],
    );
  }
}

/**
 * 核旧领新 as domain.md states it: refuse while a write-off of this type is submitted or returned
 * but not approved, or when the unit holds numbers of this type issued more than N months ago and
 * its latest approved write-off of the type has a cut-off date older than N months (or none).
 */
export async function checkOldBeforeNew(em: EntityManager, unit: Unit, bt: BillType, now: Date): Promise<void> {
  const pending = await em.findOne(BillDocument, {
    where: { docType: 'writeoff', unitId: unit.id, billTypeId: bt.id, status: In(['submitted', 'returned']) },
    order: { id: 'ASC' },
  });
  if (pending) {
    throw new ConflictError(
      'PENDING_WRITEOFFS',
      `核旧领新：本单位「${bt.name}」的核销单 ${pending.docNo} ${STATUS_NAMES[pending.status]}，尚未审核通过。` +
        (pending.status === 'returned' ? '请按退回意见修改后重新上报核销，' : '请等待财政局审核核销，') +
        '先完成核销后再申领新票据。',
    );
  }
  const { writeoffGraceMonths: months } = await ledgerRules(em);
  const limit = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).minus({ months });
  const pg = em.connection.options.type === 'postgres';
  const p = (i: number) => (pg ? `$${i}` : '?');
  // Numbers the unit still holds whose issue is older than the limit (journal ⋈ current ranges).
  const old: Array<{ at: string }> = await em.query(
    `SELECT j."at" AS "at" FROM "journal_entry" j
       JOIN "stock_range" r ON r."batchCode" = j."batchCode" AND r."holder" = 'unit' AND r."unitId" = j."toUnitId"
                           AND r."state" = 'IN_STOCK' AND r."startNo" <= j."endNo" AND r."endNo" >= j."startNo"
      WHERE j."operation" = 'issue' AND j."toUnitId" = ${p(1)} AND j."billTypeId" = ${p(2)} AND j."at" < ${p(3)}
      ORDER BY j."at" ASC LIMIT 1`,
    [unit.id, bt.id, toDbInstant(limit.toJSDate())],
  );
  if (old.length === 0) return;
  const latest = await em
    .createQueryBuilder(BillDocument, 'd')
    .where("d.docType = 'writeoff' AND d.unitId = :u AND d.billTypeId = :bt AND d.status IN ('approved', 'completed')", {
      u: unit.id,
      bt: bt.id,
    })
    .andWhere('d.cutoffDate IS NOT NULL')
    .orderBy('d.cutoffDate', 'DESC')
    .getOne();
  const limitDate = limit.toISODate()!;
  if (latest && latest.cutoffDate! >= limitDate) return;
  const issuedOn = DateTime.fromJSDate(new Date(old[0].at), { zone: 'Asia/Shanghai' }).toISODate();
  throw new ConflictError(
    'WRITEOFF_OVERDUE',
    `核旧领新：本单位持有 ${issuedOn} 领用的「${bt.name}」，已超过 ${months} 个月，` +
      (latest ? `而最近一次核销的截止日期为 ${latest.cutoffDate}，` : '且尚无审核通过的核销记录，') +
      `请先办理核销（截止日期不早于 ${limitDate}）后再申领新票据。`,
  );
}
