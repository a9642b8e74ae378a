import { CLOCK_KIND_NAMES, CLOCK_KINDS, type ClockKind } from '../desk/desk.types';
import { CHANNEL_NAMES } from '../desk/records/records.schemas';
import type { SummariesRepository } from './summaries.repository';
import { shanghaiDay, type SummaryPeriod } from './summary-period';

/** The reads the figures are computed from. */
export type FigureReads = Pick<
  SummariesRepository,
  | 'consultationsIn'
  | 'ticketsOpened'
  | 'ticketsResolved'
  | 'ticketBacklog'
  | 'clocksDecided'
  | 'botCounts'
  | 'unansweredQuestions'
  | 'incidentsBegunBefore'
  | 'unitCounts'
  | 'journalTotals'
>;

/** A count under a key, with the label leaders read. */
export interface CountItem {
  key: string;
  label: string;
  count: number;
}
export interface DayRow {
  date: string;
  opened: number;
  resolved: number;
  slaMet: number;
  slaBreached: number;
}
export interface ClockFigure {
  kind: ClockKind;
  label: string;
  met: number;
  breached: number;
  /** met / (met + breached), null when no clock was decided in the period. */
  rate: number | null;
}

const SOURCE_NAMES: Record<string, string> = {
  bot: '机器人转人工',
  fault: '故障报告',
  alert: '监控告警',
  phone: '来电',
  fax: '传真',
  network: '网络',
  walk_in: '来访',
  inspection: '巡检发现',
};
const MAX_UNANSWERED_ROWS = 5000;

export const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

/** Counts values (most first, then by key), labelled through `names`. */
function tally(values: string[], names: Record<string, string> = {}): CountItem[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m]
    .map(([key, count]) => ({ key, label: names[key] ?? key, count }))
    .sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
}

/** 来电记录 received in the period, by channel and by category. */
export async function consultationFigures(q: FigureReads, p: SummaryPeriod) {
  const rows = await q.consultationsIn(p);
  return {
    total: rows.length,
    byChannel: tally(
      rows.map((r) => r.channel),
      CHANNEL_NAMES,
    ),
    byCategory: tally(rows.map((r) => r.category)),
  };
}

/** Tickets opened and resolved in the period (by source and per day) and the backlog at its end. */
export async function ticketFigures(q: FigureReads, p: SummaryPeriod) {
  const opened = await q.ticketsOpened(p);
  const resolved = await q.ticketsResolved(p);
  const backlog = await q.ticketBacklog(p.endAt);
  return {
    opened: opened.length,
    resolved: resolved.length,
    backlog,
    bySource: tally(
      opened.map((t) => t.source),
      SOURCE_NAMES,
    ),
    openedDays: opened.map((t) => shanghaiDay(t.createdAt)),
    resolvedDays: resolved.map((t) => shanghaiDay(t.resolvedAt as Date)),
  };
}

/**
 * SLA clocks decided in the period: met when stopped in time, breached when the breach fell in the
 * period; a running clock past due whose breach job has not run yet (Redis down) counts as breached.
 */
export async function slaFigures(q: FigureReads, p: SummaryPeriod, now: Date) {
  const rows = await q.clocksDecided(p, now);
  const decided = rows.map((c) => ({
    kind: c.kind,
    met: c.state === 'met',
    day: shanghaiDay(c.state === 'met' ? (c.stoppedAt as Date) : (c.breachedAt ?? c.dueAt)),
  }));
  const clocks: ClockFigure[] = CLOCK_KINDS.map((kind) => {
    const mine = decided.filter((d) => d.kind === kind);
    const met = mine.filter((d) => d.met).length;
    return { kind, label: CLOCK_KIND_NAMES[kind], met, breached: mine.length - met, rate: ratio(met, mine.length) };
  });
  const met = decided.filter((d) => d.met).length;
  return { clocks, met, breached: decided.length - met, rate: ratio(met, decided.length), decided };
}

/** Folds a question for grouping: width, case, spaces and punctuation do not make it different. */
export const normaliseQuestion = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');

/** Bot questions in the period: containment (answered, not escalated, not "None") and the top unanswered questions. */
export async function botFigures(q: FigureReads, p: SummaryPeriod, top = 5) {
  const { questions, escalated, unanswered: unansweredCount } = await q.botCounts(p);
  const unanswered = await q.unansweredQuestions(p, MAX_UNANSWERED_ROWS);
  const groups = new Map<string, { text: string; count: number }>();
  for (const e of unanswered) {
    const k = normaliseQuestion(e.text);
    if (!k) continue;
    const g = groups.get(k) ?? { text: e.text.trim(), count: 0 };
    g.count++;
    groups.set(k, g);
  }
  const answered = questions - unansweredCount;
  return {
    questions,
    answered,
    escalated,
    unanswered: unansweredCount,
    containmentRate: ratio(answered, questions),
    topUnanswered: [...groups.values()].sort((x, y) => y.count - x.count || x.text.localeCompare(y.text)).slice(0, top),
  };
}
