import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import type { SummaryKind } from './summary.entity';

const ZONE = 'Asia/Shanghai';

/** A summary period: whole days in Asia/Shanghai, [start, end) as instants, dates inclusive. */
export interface SummaryPeriod {
  kind: SummaryKind;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  end: string;
  startAt: Date;
  /** The instant after the last day (Sunday 24:00 for a week). */
  endAt: Date;
  /** Every day of the period, YYYY-MM-DD. */
  days: string[];
}

function build(kind: SummaryKind, first: DateTime): SummaryPeriod {
  const start = first.startOf(kind === 'weekly' ? 'week' : 'month');
  const after = start.plus(kind === 'weekly' ? { weeks: 1 } : { months: 1 });
  const days: string[] = [];
  for (let d = start; d < after; d = d.plus({ days: 1 })) days.push(d.toISODate() as string);
  return { kind, start: days[0], end: days[days.length - 1], startAt: start.toJSDate(), endAt: after.toJSDate(), days };
}

/**
 * The period to summarise: the one containing `date` (YYYY-MM-DD) when given, else the last
 * complete one before `now` — last Monday..Sunday, or last month — in Shanghai whatever the server's TZ.
 */
export function summaryPeriod(kind: SummaryKind, now: Date, date?: string): SummaryPeriod {
  if (date !== undefined) {
    const d = DateTime.fromISO(date, { zone: ZONE });
    if (!d.isValid) throw new ValidationError('INVALID_INPUT', `日期 ${date} 无效，应为 YYYY-MM-DD`);
    return build(kind, d);
  }
  const today = DateTime.fromJSDate(now, { zone: ZONE });
  return build(kind, today.minus(kind === 'weekly' ? { weeks: 1 } : { months: 1 }));
}

/** The period just before `p`, for the comparison. */
export function previousPeriod(p: SummaryPeriod): SummaryPeriod {
  return build(p.kind, DateTime.fromISO(p.start, { zone: ZONE }).minus({ days: 1 }));
}

/** The Shanghai date of an instant. */
export const shanghaiDay = (d: Date): string => DateTime.fromJSDate(d, { zone: ZONE }).toISODate() as string;
