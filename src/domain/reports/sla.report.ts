import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { CLOCK_KINDS, CLOCK_KIND_NAMES, type ClockKind } from '../desk/desk.types';
import type { SlaReportQuery } from '../desk/desk.schemas';
import type { SlaClock } from '../desk/sla-clock.entity';
import type { SlaService } from '../desk/sla/calendar.service';
import { elapsedCounted } from '../desk/sla/due';
import { type Actor } from '../identity/actor';
import { resolvePeriod, shanghaiDay } from './report.schemas';
import { ticketsBy, type CountRow } from './tickets.report';
import { requirePermission } from '../policy';

/** Compliance of one clock kind (optionally in one month): met / breached / still running. */
export interface ComplianceRow {
  month?: string;
  kind: ClockKind;
  kindName: string;
  total: number;
  met: number;
  breached: number;
  running: number;
  /** met ÷ (met + breached), in percent with one decimal; null when none is decided yet. */
  metPercent: number | null;
}

/** Response times in counted minutes (holidays and waiting-for-user excluded). */
const BUCKETS: Array<[string, string, number]> = [
  ['le15', '15 分钟以内', 15],
  ['le30', '15–30 分钟', 30],
  ['le60', '30–60 分钟', 60],
  ['le180', '1–3 小时', 180],
  ['le480', '3–8 小时', 480],
  ['gt480', '8 小时以上', Infinity],
];

function tally(clocks: SlaClock[], kind: ClockKind, month?: string): ComplianceRow {
  const cs = clocks.filter((c) => c.kind === kind);
  const breached = cs.filter((c) => c.state === 'breached').length;
  const met = cs.filter((c) => c.state === 'met').length;
  const decided = met + breached;
  return {
    ...(month ? { month } : {}),
    kind,
    kindName: CLOCK_KIND_NAMES[kind],
    total: cs.length,
    met,
    breached,
    running: cs.length - decided,
    metPercent: decided === 0 ? null : Math.round((met / decided) * 1000) / 10,
  };
}

/** SLA compliance per clock kind and month, response-time distribution, tickets by source/category/unit. */
export function makeDeskReports(deps: { store: DomainStore; clock: Clock; sla: SlaService }) {
  const { store, clock, sla } = deps;

  return {
    /** Clocks started and tickets opened between from and to (inclusive Shanghai dates; default this year). */
    async sla(actor: Actor, q: Omit<SlaReportQuery, 'format'>) {
      requirePermission(actor, 'report.sla.read');
      const p = resolvePeriod(q, clock.now());
      // One snapshot: the clocks and the ticket counts describe the same moment.
      const [clocks, tickets] = await store.transaction(
        async (tx) => [await tx.reports.clocksStarted(p), await ticketsBy(tx, p)] as const,
        { snapshot: true },
      );
      const months = [...new Set(clocks.map((c) => shanghaiDay(c.startedAt).slice(0, 7)))].sort();
      const byMonth = months.flatMap((m) => {
        const inMonth = clocks.filter((c) => shanghaiDay(c.startedAt).startsWith(m));
        return CLOCK_KINDS.map((k) => tally(inMonth, k, m)).filter((r) => r.total > 0);
      });
      const policy = sla.policy();
      const cal = await sla.loadCalendar();
      const counts = new Map<string, number>(BUCKETS.map(([k]) => [k, 0]));
      let unanswered = 0;
      for (const c of clocks.filter((x) => x.kind === 'response')) {
        if (!c.stoppedAt) {
          unanswered++;
          continue;
        }
        const pauses = c.pauses.filter((x) => x.to).map((x) => ({ from: new Date(x.from), to: new Date(x.to!) }));
        const minutes = elapsedCounted(c.startedAt, c.stoppedAt, policy, cal, pauses) / 60_000;
        const key = BUCKETS.find(([, , max]) => minutes <= max)![0];
        counts.set(key, counts.get(key)! + 1);
      }
      const responseTimes: CountRow[] = [
        ...BUCKETS.map(([key, label]) => ({ key, label, count: counts.get(key)! })),
        { key: 'open', label: '尚未响应', count: unanswered },
      ];
      return {
        from: p.from,
        to: p.to,
        byKind: CLOCK_KINDS.map((k) => tally(clocks, k)),
        byMonth,
        responseTimes,
        tickets,
      };
    },
  };
}
export type DeskReports = ReturnType<typeof makeDeskReports>;
export type SlaReport = Awaited<ReturnType<DeskReports['sla']>>;
