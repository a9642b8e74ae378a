import { DateTime } from 'luxon';
import { BEIJING_ZONE } from '../common/dates';
import type { Reason } from '../errors';
import type { DocStatus } from '../ledger/ledger.types';
import { STATUS_NAMES } from './lifecycle';

/** Setting key of 核旧领新's N (months); the region may change it. */
export const WRITEOFF_GRACE_MONTHS_KEY = 'ledger.writeoffGraceMonths';
export const DEFAULT_WRITEOFF_GRACE_MONTHS = 6;

/** 核旧领新's N from its stored setting (a missing or bad value falls back to the default). */
export function graceMonthsOf(stored: string | null): number {
  const months = stored === null ? NaN : Number(stored);
  return Number.isInteger(months) && months > 0 ? months : DEFAULT_WRITEOFF_GRACE_MONTHS;
}

/** The day before which issued stock counts as old under 核旧领新 (Asia/Shanghai). */
export function oldStockLimit(now: Date, graceMonths: number): Date {
  return DateTime.fromJSDate(now, { zone: BEIJING_ZONE }).minus({ months: graceMonths }).toJSDate();
}

/** Everything the application rules look at, read from the ledger beforehand. */
export interface ApplicationFacts {
  unit: { code: string; name: string; active: boolean };
  billType: { name: string; active: boolean };
  quantity: number;
  /** 分次限量 of this unit and bill type; null = no cap configured. */
  cap: number | null;
  /** A write-off of this type submitted or returned and not approved yet, if any. */
  pendingWriteoff: { docNo: string; status: DocStatus } | null;
  /** When the oldest numbers of this type the unit still holds were issued, if before the limit. */
  oldestHeldIssueBeforeLimit: Date | null;
  /** Cut-off date of the unit's latest approved write-off of this type. */
  latestCutoffDate: string | null;
  graceMonths: number;
  now: Date;
}

/** One rule that refuses an application, with its machine reason and the Chinese explanation. */
export interface Blocker {
  reason: Reason;
  message: string;
  details: unknown[];
}

/**
 * The rules an application must pass, in the order they are explained to the unit: bill type and
 * unit active, 分次限量 (no cap row = no cap), and 核旧领新 as domain.md states it — refuse while a
 * write-off of this type is submitted or returned but not approved, or when the unit holds numbers
 * issued more than N months ago and its latest approved write-off has a cut-off date older than
 * N months (or there is none). Pure: the API, the bot and the workbench show the same blockers.
 */
export function applicationBlockers(f: ApplicationFacts): Blocker[] {
  const out: Blocker[] = [];
  const block = (reason: Reason, message: string, details: unknown[] = []) => out.push({ reason, message, details });
  if (!f.billType.active) block('INACTIVE', `票据种类「${f.billType.name}」已停用，不能申领`);
  if (!f.unit.active) block('INACTIVE', `单位 ${f.unit.code} 已停用，不能申领`);
  if (f.cap !== null && f.quantity > f.cap) {
    block(
      'CAP_EXCEEDED',
      `超过单次申领上限（分次限量）：${f.unit.name}「${f.billType.name}」每次最多申领 ${f.cap} 份，本次申请 ${f.quantity} 份，请减少数量后再申请`,
      [{ maxQuantity: f.cap, quantity: f.quantity }],
    );
  }
  if (f.pendingWriteoff) {
    const w = f.pendingWriteoff;
    block(
      'PENDING_WRITEOFFS',
      `核旧领新：本单位「${f.billType.name}」的核销单 ${w.docNo} ${STATUS_NAMES[w.status]}，尚未审核通过。` +
        (w.status === 'returned' ? '请按退回意见修改后重新上报核销，' : '请等待财政局审核核销，') +
        '先完成核销后再申领新票据。',
      [{ docNo: w.docNo, status: w.status }],
    );
  } else if (f.oldestHeldIssueBeforeLimit) {
    const limitDate = DateTime.fromJSDate(oldStockLimit(f.now, f.graceMonths), { zone: 'Asia/Shanghai' }).toISODate()!;
    if (!(f.latestCutoffDate && f.latestCutoffDate >= limitDate)) {
      const issuedOn = DateTime.fromJSDate(f.oldestHeldIssueBeforeLimit, { zone: 'Asia/Shanghai' }).toISODate();
      block(
        'WRITEOFF_OVERDUE',
        `核旧领新：本单位持有 ${issuedOn} 领用的「${f.billType.name}」，已超过 ${f.graceMonths} 个月，` +
          (f.latestCutoffDate ? `而最近一次核销的截止日期为 ${f.latestCutoffDate}，` : '且尚无审核通过的核销记录，') +
          `请先办理核销（截止日期不早于 ${limitDate}）后再申领新票据。`,
        [{ issuedOn, latestCutoffDate: f.latestCutoffDate, notBefore: limitDate }],
      );
    }
  }
  return out;
}
