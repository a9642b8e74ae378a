import { botFigures, consultationFigures, slaFigures, ticketFigures, type DayRow, type FigureReads } from './desk-figures';
import { billFigures, faultFigures, unitFigures } from './ops-figures';
import type { SummaryKind } from './summary.entity';
import { previousPeriod, type SummaryPeriod } from './summary-period';

/** Every figure of one period. */
export interface PeriodFigures {
  start: string;
  end: string;
  consultations: Awaited<ReturnType<typeof consultationFigures>>;
  tickets: Omit<Awaited<ReturnType<typeof ticketFigures>>, 'openedDays' | 'resolvedDays'>;
  sla: Omit<Awaited<ReturnType<typeof slaFigures>>, 'decided'>;
  bot: Awaited<ReturnType<typeof botFigures>>;
  faults: Awaited<ReturnType<typeof faultFigures>>;
  units: Awaited<ReturnType<typeof unitFigures>>;
  bills: Awaited<ReturnType<typeof billFigures>>;
}

/** One headline figure against the previous period: counts change in %, rates in percentage points. */
export interface Comparison {
  key: string;
  label: string;
  type: 'count' | 'rate' | 'minutes';
  current: number | null;
  previous: number | null;
  /** ↑25% | ↓10% | 持平 | 新增 | ↑3.1个百分点 | — */
  change: string;
}

/** What a stored summary holds: both periods, the comparison and the days of the chart. */
export interface SummaryFigures {
  kind: SummaryKind;
  current: PeriodFigures;
  previous: PeriodFigures;
  comparison: Comparison[];
  days: DayRow[];
  generatedAt: string;
}

/** The change from `previous` to `current` as leaders read it. */
export function changeText(type: Comparison['type'], current: number | null, previous: number | null): string {
  if (current === null || previous === null) return '—';
  if (type === 'rate') {
    const pp = Math.round((current - previous) * 1000) / 10;
    return pp === 0 ? '持平' : `${pp > 0 ? '↑' : '↓'}${Math.abs(pp)}个百分点`;
  }
  if (current === previous) return '持平';
  if (previous === 0) return '新增';
  const pct = Math.round(((current - previous) / previous) * 100);
  return pct === 0 ? (current > previous ? '↑<1%' : '↓<1%') : `${pct > 0 ? '↑' : '↓'}${Math.abs(pct)}%`;
}

async function periodFigures(q: FigureReads, p: SummaryPeriod, now: Date) {
  const [consultations, tickets, sla, bot, faults, units, bills] = await Promise.all([
    consultationFigures(q, p),
    ticketFigures(q, p),
    slaFigures(q, p, now),
    botFigures(q, p),
    faultFigures(q, p, now),
    unitFigures(q, p),
    billFigures(q, p),
  ]);
  const { openedDays, resolvedDays, ...ticketTotals } = tickets;
  const { decided, ...slaTotals } = sla;
  const days: DayRow[] = p.days.map((date) => ({
    date,
    opened: openedDays.filter((d) => d === date).length,
    resolved: resolvedDays.filter((d) => d === date).length,
    slaMet: decided.filter((d) => d.day === date && d.met).length,
    slaBreached: decided.filter((d) => d.day === date && !d.met).length,
  }));
  const figures: PeriodFigures = {
    start: p.start,
    end: p.end,
    consultations,
    tickets: ticketTotals,
    sla: slaTotals,
    bot,
    faults,
    units,
    bills,
  };
  return { figures, days };
}

const HEADLINES: Array<[key: string, label: string, type: Comparison['type'], pick: (f: PeriodFigures) => number | null]> = [
  ['consultations', '咨询登记', 'count', (f) => f.consultations.total],
  ['ticketsOpened', '新建工单', 'count', (f) => f.tickets.opened],
  ['ticketsResolved', '解决工单', 'count', (f) => f.tickets.resolved],
  ['ticketBacklog', '期末未结工单', 'count', (f) => f.tickets.backlog],
  ['slaRate', 'SLA 达标率', 'rate', (f) => f.sla.rate],
  ['botQuestions', '机器人提问', 'count', (f) => f.bot.questions],
  ['botContainment', '机器人自助解决率', 'rate', (f) => f.bot.containmentRate],
  ['faults', '故障次数', 'count', (f) => f.faults.count],
  ['downtime', '停机时长（分钟）', 'minutes', (f) => f.faults.downtimeMinutes],
  ['unitsOnline', '已上线单位', 'count', (f) => f.units.online],
  ['billsIssued', '发放票据（份）', 'count', (f) => f.bills.issued],
  ['billsWrittenOff', '核销票据（份）', 'count', (f) => f.bills.writtenOff],
];

/** Computes every figure for the period and the one before it, and compares the headlines. */
export async function computeSummaryFigures(q: FigureReads, period: SummaryPeriod, now: Date): Promise<SummaryFigures> {
  const cur = await periodFigures(q, period, now);
  const prev = await periodFigures(q, previousPeriod(period), now);
  const comparison = HEADLINES.map(([key, label, type, pick]) => {
    const current = pick(cur.figures);
    const previous = pick(prev.figures);
    return { key, label, type, current, previous, change: changeText(type, current, previous) };
  });
  return { kind: period.kind, current: cur.figures, previous: prev.figures, comparison, days: cur.days, generatedAt: now.toISOString() };
}
