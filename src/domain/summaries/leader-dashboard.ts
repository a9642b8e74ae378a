import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { ReportsService } from '../reports/reports.service';
import type { OverdueWriteoffRow } from '../reports/warnings.report';
import { shanghaiDay, summaryPeriod } from './summary-period';
import { computeSummaryFigures, type Comparison } from './weekly-figures';

export interface LeaderDashboard {
  asOf: Date;
  /** This week so far (Monday..Sunday, Asia/Shanghai) and the week before. */
  week: { start: string; end: string };
  previousWeek: { start: string; end: string };
  /** The weekly summary's headlines, this week against last, computed by the same code. */
  comparison: Comparison[];
  /** Incidents firing right now and this week's downtime. */
  faults: { firingNow: number; countThisWeek: number; downtimeMinutesThisWeek: number };
  units: { online: number; total: number; trial: number };
  /** 核旧领新 overdue write-offs as of now (the same rows as GET /reports/warnings). */
  overdueWriteoffs: { count: number; units: number; rows: OverdueWriteoffRow[] };
}

/**
 * The leaders' first screen (移动端概览): the weekly summary's figures for the current week to date
 * against last week — computeSummaryFigures, not a second way of counting — plus the faults firing
 * now and the overdue write-offs the warnings report lists.
 */
export function makeLeaderDashboard(deps: { store: DomainStore; clock: Clock; reports: Pick<ReportsService, 'warnings'> }) {
  return {
    async get(actor: Actor): Promise<LeaderDashboard> {
      requirePermission(actor, 'summary.read');
      const now = deps.clock.now();
      const period = summaryPeriod('weekly', now, shanghaiDay(now));
      const [figures, warnings] = await Promise.all([
        computeSummaryFigures(deps.store.read.summaries, period, now),
        deps.reports.warnings(actor, {}),
      ]);
      const overdue = warnings.overdueWriteoffs;
      return {
        asOf: now,
        week: { start: figures.current.start, end: figures.current.end },
        previousWeek: { start: figures.previous.start, end: figures.previous.end },
        comparison: figures.comparison,
        faults: {
          // The current period ends in the future: "open at the end" is "firing now".
          firingNow: figures.current.faults.openAtEnd,
          countThisWeek: figures.current.faults.count,
          downtimeMinutesThisWeek: figures.current.faults.downtimeMinutes,
        },
        units: figures.current.units,
        overdueWriteoffs: { count: overdue.length, units: new Set(overdue.map((r) => r.unitCode)).size, rows: overdue.slice(0, 20) },
      };
    },
  };
}
export type LeaderDashboardService = ReturnType<typeof makeLeaderDashboard>;
