import { FixedOffsetZone } from 'luxon';
import { z } from 'zod';

/**
 * Beijing time for luxon: UTC+8 all year (China has kept no daylight saving time since 1991). A
 * fixed offset, not the zone's name: luxon resolves a named zone through Intl for every date it
 * builds, which showed in the profiles of the bot's turn and of the ledger's calls (2026-12-06).
 */
export const BEIJING_ZONE = FixedOffsetZone.instance(8 * 60);

/** True for a date that exists, written YYYY-MM-DD (2026-02-30 and 9999-99-99 do not). */
export function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A calendar date YYYY-MM-DD that exists; anything else is a 400 naming the field. */
export const isoDateSchema = z
  .string({ message: '请填写日期（YYYY-MM-DD）' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
  .refine(isRealDate, '日期不存在');

/** The instant a Shanghai calendar day (plus `plusDays`) begins, as the ISO string instants are stored as. */
export const shanghaiDayStartIso = (date: string, plusDays = 0): string =>
  new Date(Date.parse(`${date}T00:00:00+08:00`) + plusDays * 86_400_000).toISOString();

/** A list query's submittedFrom/submittedTo (Beijing calendar days, inclusive) as a half-open instant range. */
export function dayRange(q: { submittedFrom?: string; submittedTo?: string }): { since?: Date; before?: Date } {
  return {
    ...(q.submittedFrom ? { since: new Date(shanghaiDayStartIso(q.submittedFrom)) } : {}),
    ...(q.submittedTo ? { before: new Date(shanghaiDayStartIso(q.submittedTo, 1)) } : {}),
  };
}
