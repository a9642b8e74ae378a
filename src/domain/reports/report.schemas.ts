import { z } from 'zod';
import { billTypeCodeSchema } from '../catalog/catalog.schemas';
import { ValidationError } from '../errors';
import { unitCodeSchema } from '../identity/identity.schemas';
import { DOC_STATUSES } from '../ledger/ledger.types';

const SHANGHAI_MS = 8 * 3600_000;
const MAX_YEARS = 5;

/** True when a YYYY-MM-DD string names a real calendar day (2026-02-30 does not). */
export function isRealDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// An empty query value (`?unitCode=`) means "not given", not "invalid".
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const reportDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(isRealDate, '日期不存在');

export const reportFormatSchema = z.preprocess(
  blankToUndefined,
  z.enum(['json', 'xlsx', 'csv'], { message: 'format 只能是 json、xlsx 或 csv' }).default('json'),
);
export type ReportFormat = 'json' | 'xlsx' | 'csv';

const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());

/** The common query of period reports: optional unit and bill type, inclusive Shanghai dates. */
const periodFields = {
  unitCode: opt(unitCodeSchema),
  billTypeCode: opt(billTypeCodeSchema),
  from: opt(reportDateSchema),
  to: opt(reportDateSchema),
  format: reportFormatSchema,
};

export const periodReportSchema = z.object(periodFields).strict();
export type PeriodReportQuery = z.infer<typeof periodReportSchema>;

export const writeoffReportSchema = z
  .object({
    ...periodFields,
    status: opt(z.enum(DOC_STATUSES, { message: 'status 不是有效的单据状态' })),
    groupBy: opt(z.enum(['document', 'unit'], { message: 'groupBy 只能是 document 或 unit' })),
  })
  .strict();
export type WriteoffReportQuery = z.infer<typeof writeoffReportSchema>;

export const warningsReportSchema = z
  .object({
    unitCode: opt(unitCodeSchema),
    billTypeCode: opt(billTypeCodeSchema),
    /** Fixed low-stock threshold (count); when absent, `coverMonths` × average monthly use. */
    threshold: opt(z.coerce.number().int('threshold 必须是整数').min(0).max(10_000_000)),
    coverMonths: opt(z.coerce.number().min(0.1, 'coverMonths 至少 0.1').max(24, 'coverMonths 最多 24')),
    /** 核旧领新: numbers issued more than this many months ago must be covered by a write-off. */
    overdueMonths: opt(z.coerce.number().int('overdueMonths 必须是整数').min(1).max(60)),
    format: reportFormatSchema,
  })
  .strict();
export type WarningsReportQuery = z.infer<typeof warningsReportSchema>;

/** A resolved reporting period: the inclusive dates and the half-open instant window [startIso, endIso). */
export interface Period {
  from: string;
  to: string;
  startIso: string;
  endIso: string;
}

/** The Shanghai calendar date of an instant. */
export const shanghaiDay = (d: Date): string => new Date(d.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);

/** The instant a Shanghai day starts, `days` days after `date`, as a stored ISO string. */
export function dayStartIso(date: string, days = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days) - SHANGHAI_MS).toISOString();
}

/** Moves a YYYY-MM-DD date by whole months (clamped to the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * Resolves from/to (default: 1 January of this year to today, Shanghai) and checks them:
 * from ≤ to and a span of at most five years, else a ValidationError in Chinese.
 */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date): Period {
  const today = shanghaiDay(now);
  const to = q.to ?? (q.from && q.from > today ? q.from : today);
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to)
    throw new ValidationError('INVALID_INPUT', `开始日期 ${from} 不能晚于结束日期 ${to}`, [
      { path: 'from', message: '开始日期晚于结束日期' },
    ]);
  if (to >= addMonths(from, 12 * MAX_YEARS)) {
    throw new ValidationError('INVALID_INPUT', `统计期间不能超过 ${MAX_YEARS} 年，请缩短 ${from} 至 ${to} 的范围`, [
      { path: 'to', message: '期间超过 5 年' },
    ]);
  }
  return { from, to, startIso: dayStartIso(from), endIso: dayStartIso(to, 1) };
}
