import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { DatabaseSize } from '../db/database-size';
import type { DomainStore } from '../db/repositories';
import type { InspectionRunDetail, InspectionService } from '../desk/records/inspection.service';
import { type Actor, systemActor } from '../identity/actor';
import type { DeskPort } from '../monitoring/desk-port';
import type { ReportsService } from '../reports/reports.service';
import {
  checkBackup,
  checkCalendar,
  checkRegion,
  checkDbSize,
  checkLedger,
  checkQueues,
  checkSeparation,
  checkWarnings,
  type CheckOutcome,
  type FailedJobsPort,
  type InspectionFiles,
} from './auto-checks';
import { requirePermission } from '../policy';
import { SEPARATION_OF_DUTIES_KEY } from '../settings/controls';
import type { RegionSettings } from '../settings/region-settings';

export type { FailedJobsPort, InspectionFiles } from './auto-checks';

/** Who may start the automatic inspection by hand (POST /inspections/run). */

export interface AutoInspectionOptions {
  /** BACKUP_DIR: the newest file's mtime is the last backup; absent = warning. */
  backupDir?: string;
  backupMaxAgeH: number;
  dbMaxMb: number;
  /** From this month (Shanghai) next year's holiday calendar must be loaded. */
  calendarWarnFromMonth?: number;
}

export interface AutoInspectionDeps {
  store: DomainStore;
  clock: Clock;
  /** The engineers the report goes to, read in the transaction that queues it. */
  desk: DeskPort;
  /** The database's size on disk (null in memory). */
  databaseSize: DatabaseSize;
  inspections: Pick<InspectionService, 'recordRun'>;
  reports: Pick<ReportsService, 'warnings'>;
  sla: { calendarYearsLoaded(): Promise<number[]> };
  /** Region settings the answers use; unset ones are listed (absent = not checked). */
  region?: Pick<RegionSettings, 'unset'>;
  /** Backup mtimes, read by the job layer. */
  files: InspectionFiles;
  /** Lent by the job layer; absent in a process without queues. */
  failedJobs?: FailedJobsPort;
  options: AutoInspectionOptions;
}

const MARK = { ok: '✅', warn: '⚠️', fail: '❌' } as const;
const REPORT_TTL_MS = 24 * 3600_000;
const STATUS = { ok: '正常', warn: '有提醒', fail: '异常' } as const;
// The inspection service prefixes ticket summaries so; used to find a finding's ticket still open.
const ticketPrefix = (title: string) => `【巡检发现】${title}`;

/**
 * The automatic part of 定期巡检: runs every check, stores the run through the inspection service
 * (failures become findings that open tickets — unless the same finding's ticket is still open),
 * and queues a short report to the engineers through the outbox, once per run.
 */
export function makeAutoInspection(deps: AutoInspectionDeps) {
  const { store, clock, desk, options } = deps;

  async function runChecks(now: Date): Promise<CheckOutcome[]> {
    const sh = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' });
    const warnings = await deps.reports.warnings(systemActor, {});
    return [
      await checkLedger(store.read.ledger),
      ...checkWarnings(warnings.overdueWriteoffs, warnings.lowStock),
      checkCalendar(await deps.sla.calendarYearsLoaded(), sh.year, sh.month, options.calendarWarnFromMonth ?? 11),
      await checkDbSize(deps.databaseSize, options.dbMaxMb),
      await checkBackup(deps.files, options.backupDir, options.backupMaxAgeH, now),
      await checkQueues(deps.failedJobs, new Date(now.getTime() - 24 * 3_600_000)),
      // The value every process records at start (settings/controls.ts), not only this process's config.
      checkSeparation(await store.read.settings.get(SEPARATION_OF_DUTIES_KEY)),
      ...(deps.region ? [checkRegion(await deps.region.unset())] : []),
    ];
  }

  const stillOpen = (title: string): Promise<boolean> => store.read.monitoring.hasOpenTicket('inspection', ticketPrefix(title));

  function report(run: InspectionRunDetail, checks: CheckOutcome[], kind: string): string {
    const at = DateTime.fromJSDate(run.performedAt, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm');
    const lines = [`【自动巡检】${at}（${kind === 'auto' ? '定时' : '手动'}）结果：${STATUS[run.status as keyof typeof STATUS]}`];
    for (const c of checks) lines.push(`${MARK[c.status]} ${c.label}：${c.note.slice(0, 160)}`);
    const tickets = run.findings.filter((f) => f.ticketId).map((f) => `#${f.ticketId}`);
    if (tickets.length > 0) lines.push(`已建工单：${tickets.join('、')}`);
    lines.push(`巡检记录 #${run.id}`);
    return lines.join('\n');
  }

  return {
    /** Runs every check now; `kind` is `auto` for the daily job, `manual` for POST /inspections/run. */
    async run(actor: Actor, kind: 'auto' | 'manual' = 'manual'): Promise<InspectionRunDetail & { report: string }> {
      requirePermission(actor, 'inspection.run');
      const checks = await runChecks(clock.now());
      const findings = [];
      for (const c of checks) {
        if (!c.finding) continue;
        findings.push({
          title: c.finding.title,
          detail: c.finding.detail.slice(0, 2000),
          severity: c.finding.severity,
          openTicket: !(await stillOpen(c.finding.title)),
        });
      }
      const run = await deps.inspections.recordRun(actor, {
        kind,
        results: checks.map((c) => ({ item: c.item, status: c.status, note: c.note.slice(0, 1000) })),
        findings,
      });
      const text = report(run, checks, kind);
      await desk.transaction(async (tx, d) => {
        const to = await d.engineerRecipients();
        // The next daily run supersedes this report; its findings are tickets of their own, which do not expire.
        if (to.length > 0)
          await tx.outbox.enqueue(`inspection-run-${run.id}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, clock.now(), {
            at: new Date(clock.now().getTime() + REPORT_TTL_MS),
            reason: 'inspection report: superseded by the next daily run',
          });
      });
      return { ...run, report: text };
    },
  };
}
export type AutoInspection = ReturnType<typeof makeAutoInspection>;
