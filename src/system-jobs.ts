import { makeDatabaseSize } from './domain/db/database-size';
import { makeAutoInspection } from './domain/inspections/auto-inspection';
import { makeDeskPort } from './domain/monitoring/desk-port';
import { nodeInspectionFiles } from './jobs/adapters/inspection-files';
import type { JobsRuntimeDeps } from './jobs/runtime';
import type { System } from './system';

/** What the job runtime runs, from the config (config.ts documents each setting). */
export function buildJobsSetup(system: System): Omit<JobsRuntimeDeps, 'redis' | 'prefix' | 'sender' | 'runWorkers' | 'relay'> {
  const { config, services, ds, store, clock, logger } = system;
  return {
    outbox: store.read.outbox,
    clock,
    logger,
    queueSettings: { lockDuration: config.QUEUE_LOCK_DURATION_MS, stalledInterval: config.QUEUE_STALLED_INTERVAL_MS },
    slaClocks: services.slaClocks,
    deskRecords: services,
    summaries: { service: services.summaries, crons: { weekly: config.SUMMARY_CRON, monthly: config.SUMMARY_MONTHLY_CRON } },
    monitoring: {
      store,
      alerts: services.alerts,
      everyMs: config.MONITOR_EVERY_S * 1000,
      failuresBeforeAlert: config.MONITOR_FAILURES_BEFORE_ALERT,
      thresholds: {
        dataDir: config.MONITOR_DATA_DIR,
        diskMinFreePct: config.MONITOR_DISK_MIN_FREE_PCT,
        queueBacklogMax: config.MONITOR_QUEUE_BACKLOG_MAX,
        queueFailedMax: config.MONITOR_QUEUE_FAILED_MAX,
        checkTimeoutMs: 3000,
      },
    },
    inspections: {
      cron: config.INSPECTION_CRON,
      make: (failedJobs) =>
        makeAutoInspection({
          store,
          clock,
          desk: makeDeskPort(services.slaClocks),
          databaseSize: makeDatabaseSize(ds, (path) => nodeInspectionFiles.sizeOf(path)),
          inspections: services.inspections,
          reports: services.reports,
          sla: services.sla,
          region: services.region,
          files: nodeInspectionFiles,
          failedJobs,
          options: { backupDir: config.BACKUP_DIR, backupMaxAgeH: config.BACKUP_MAX_AGE_H, dbMaxMb: config.INSPECTION_DB_MAX_MB },
        }),
    },
  };
}
