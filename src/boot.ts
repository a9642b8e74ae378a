import 'reflect-metadata';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { makeTokenService } from './api/auth/token';
import { makeSummaryLinks, type SummaryLinkSigner } from './api/summaries/summary-link';
import type { ApiPlugin, AppDeps } from './api/deps';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { openDatabase } from './domain/db/data-source';
import type { MessageSender } from './domain/outbox/outbox.types';
import { makeDomainServices, type DomainServices } from './domain/services';
import { authSecretFromDb } from './domain/settings/settings.service';
import type { MonitoringSetup } from './jobs/processors/monitoring.job';
import type { InspectionSetup } from './jobs/processors/inspection.job';
import { makeAutoInspection } from './domain/inspections/auto-inspection';
import { nodeInspectionFiles } from './jobs/adapters/inspection-files';
import { startJobsRuntime, type JobsRuntime } from './jobs/runtime';
import type { Logger } from './logger';
import { registerJobGauges } from './boot-metrics';

export interface Core {
  config: Config;
  logger: Logger;
  clock: Clock;
  ds: DataSource;
  services: DomainServices;
  /** The Prometheus registry served at /metrics; the bot and the queue gauges register on it. */
  metrics: Registry;
  /** Signs the leaders' token-free summary links (pushed by workers, opened on app processes). */
  summaryLinks: SummaryLinkSigner;
}

/** Opens the database, builds the domain services and bootstraps the first admin. */
export async function bootCore(config: Config, logger: Logger): Promise<Core> {
  const clock = systemClock;
  const ds = await openDatabase(config.DATABASE_URL);
  logger.info({ db: ds.options.type }, 'database ready');
  const secret = config.AUTH_SECRET ?? (await authSecretFromDb(ds));
  const summaryLinks = makeSummaryLinks({ secret, clock, publicUrl: config.PUBLIC_URL });
  const services = makeDomainServices({ ds, clock, publicUrl: config.PUBLIC_URL, summaryLinks });
  if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD && (await services.users.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD))) {
    logger.info({ username: config.ADMIN_USERNAME }, 'first admin created');
  }
  if (config.DEMO) {
    // tools/ is development code: loaded only when DEMO=1 asks for it, never by a plain start.
    const { DEMO_PASSWORD, isDatabaseEmpty, loadDemoData } = await import('../tools/demo/demo-data');
    if (await isDatabaseEmpty(ds)) {
      logger.info('DEMO=1 and the database is empty: loading demo data (about 10 s)');
      const summary = await loadDemoData({ ds });
      logger.info({ summary }, `demo data loaded; demo users' password is ${DEMO_PASSWORD}`);
    } else {
      logger.info('DEMO=1 but the database already has data: demo not loaded');
    }
  }
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  return { config, logger, clock, ds, services, metrics, summaryLinks };
}

/** Starts the job queues; workers run here unless this is an HTTP-only process. */
export function bootJobs(core: Core, sender: MessageSender | null, runWorkers: boolean): JobsRuntime {
  return startJobsRuntime({
    ds: core.ds,
    clock: core.clock,
    logger: core.logger,
    redisUrl: core.config.REDIS_URL,
    prefix: core.config.REDIS_PREFIX,
    sender,
    runWorkers,
    queueSettings: { lockDuration: core.config.QUEUE_LOCK_DURATION_MS, stalledInterval: core.config.QUEUE_STALLED_INTERVAL_MS },
    slaClocks: core.services.slaClocks,
    deskRecords: core.services,
    summaries: { service: core.services.summaries, crons: { weekly: core.config.SUMMARY_CRON, monthly: core.config.SUMMARY_MONTHLY_CRON } },
    monitoring: monitoringSetup(core),
    inspections: inspectionSetup(core),
  });
}

/** The daily automatic inspection (config INSPECTION_CRON, BACKUP_DIR, BACKUP_MAX_AGE_H, INSPECTION_DB_MAX_MB). */
function inspectionSetup({ config, services, ds, clock }: Core): InspectionSetup {
  const options = { backupDir: config.BACKUP_DIR, backupMaxAgeH: config.BACKUP_MAX_AGE_H, dbMaxMb: config.INSPECTION_DB_MAX_MB };
  return {
    cron: config.INSPECTION_CRON,
    make: (failedJobs) =>
      makeAutoInspection({
        ds,
        clock,
        inspections: services.inspections,
        reports: services.reports,
        sla: services.sla,
        files: nodeInspectionFiles,
        failedJobs,
        options,
      }),
  };
}

/** The monitoring job's settings (config.ts documents them). */
function monitoringSetup({ config, services }: Core): MonitoringSetup {
  return {
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
  };
}

/** Everything buildApp needs, given the core, the jobs runtime and the plugins of other parts. */
export async function appDeps(core: Core, jobs: JobsRuntime | null, plugins: ApiPlugin[]): Promise<AppDeps> {
  const secret = core.config.AUTH_SECRET ?? (await authSecretFromDb(core.ds));
  const metrics = core.metrics;
  if (jobs) registerJobGauges(metrics, jobs);
  return {
    ds: core.ds,
    logger: core.logger,
    clock: core.clock,
    tokens: makeTokenService(secret, core.config.TOKEN_TTL_S, core.clock),
    metrics,
    services: core.services,
    bodyLimit: core.config.BODY_LIMIT,
    healthChecks: { ...(jobs ? { queues: () => jobs.health() } : {}), alerts: () => core.services.alerts.health() },
    plugins,
  };
}
