import type Bull from 'bull';
import type { SlaJobData } from '../domain/desk/desk.schemas';
import type { Clock } from '../domain/clock';
import type { SlaClockService } from '../domain/desk/sla-clock.service';
import type { OutboxRelayPort } from '../domain/outbox/outbox.repository';
import type { MessageSender } from '../domain/outbox/outbox.types';
import type { Logger } from '../logger';
import type { RedisFactory } from '../redis';
import { makeOutboxRelay, type RelayOptions } from './outbox-relay';
import { makeNotificationProcessor } from './processors/notification.job';
import { makeSlaProcessor } from './processors/sla.job';
import type { AnnouncementService } from '../domain/desk/records/announcement.service';
import type { ReturnVisitService } from '../domain/desk/records/return-visit.service';
import { addAnnouncementTick, makeAnnouncementProcessor } from './processors/announcement.job';
import { addVisitTick, makeVisitProcessor } from './processors/visit.job';
import { startMonitoring, type MonitoringSetup } from './processors/monitoring.job';
import { startInspections, type InspectionSetup } from './processors/inspection.job';
import { makeSlaScheduler } from './sla-scheduler';
import { makeSummaryProcessor, registerSummarySchedules, type SummaryCrons } from './processors/summary.job';
import type { SummaryService } from '../domain/summaries/summary.service';
import { makeQueues, QUEUES, type Queues, type QueueSettings, withTimeout } from './queues';

export interface JobsRuntimeDeps {
  /** The outbox's relay side: pending messages go to the notifications queue, sends are recorded here. */
  outbox: OutboxRelayPort;
  clock: Clock;
  logger: Logger;
  /** The process's Redis connections (one factory for queues and rate limits). */
  redis: RedisFactory;
  prefix: string;
  /** Null when the WeCom channel is not configured: messages then wait in the outbox. */
  sender: MessageSender | null;
  /** Run processors in this process (false for an HTTP-only app process). */
  runWorkers: boolean;
  /** Relay tuning (tests shorten it). */
  relay?: RelayOptions;
  /** Bull lock and stalled-check intervals (config QUEUE_LOCK_DURATION_MS, QUEUE_STALLED_INTERVAL_MS). */
  queueSettings?: QueueSettings;
  /** The SLA clocks: their warning/breach jobs are scheduled here and, with workers, processed. */
  slaClocks?: SlaClockService;
  /** Return-visit surveys and announcement batches (the `visits` and `announcements` queues). */
  deskRecords?: { returnVisits: Pick<ReturnVisitService, 'runDue'>; announcements: Pick<AnnouncementService, 'dispatchDue'> };
  /** The weekly and monthly service summaries (the `summaries` queue) and their cron schedules. */
  summaries?: { service: SummaryService; crons: SummaryCrons };
  /** Health probes every minute and the alerts they raise (the `monitoring` queue). */
  monitoring?: MonitoringSetup;
  /** The daily automatic inspection (the `inspections` queue). */
  inspections?: InspectionSetup;
}

/** Starts queues, the outbox relay and (optionally) the workers; stop() drains in-flight jobs. */
export function startJobsRuntime(deps: JobsRuntimeDeps) {
  const log = deps.logger.child({ part: 'jobs' });
  const { queues, close } = makeQueues(deps.redis, deps.prefix, deps.queueSettings);
  // Without a listener Bull's connection errors would be unhandled. Redis being down is expected
  // and ioredis retries every few seconds per client: log the first error and then once a minute.
  let lastWarn = 0;
  let suppressed = 0;
  for (const q of Object.values(queues)) {
    q.on('error', (err) => {
      const now = Date.now();
      if (now - lastWarn < 60_000) return void suppressed++;
      log.warn({ queue: q.name, err: err.message, suppressed }, 'queue error (Redis unavailable?); repeats are logged once a minute');
      lastWarn = now;
      suppressed = 0;
    });
  }
  const { outbox } = deps;
  const relay = makeOutboxRelay({ outbox, queue: queues[QUEUES.notifications], clock: deps.clock, logger: log }, deps.relay);
  relay.start();

  if (deps.runWorkers && deps.sender) {
    const processor = makeNotificationProcessor({ outbox, sender: deps.sender, clock: deps.clock, logger: log });
    void queues[QUEUES.notifications].process(4, processor);
  } else if (deps.runWorkers) {
    log.warn('WeCom channel not configured: outbound messages stay in the outbox until it is');
  }

  const sla = deps.slaClocks
    ? makeSlaScheduler({ queue: queues[QUEUES.sla] as Bull.Queue<SlaJobData>, clocks: deps.slaClocks, clock: deps.clock, logger: log })
    : null;
  void sla?.start();
  if (deps.runWorkers && deps.slaClocks) void queues[QUEUES.sla].process(2, makeSlaProcessor({ clocks: deps.slaClocks, logger: log }));
  if (deps.runWorkers && deps.deskRecords) {
    const tickFailed = (err: Error) => log.warn({ err: err.message }, 'could not add a repeatable desk job (Redis down?)');
    void queues[QUEUES.visits].process(1, makeVisitProcessor({ returnVisits: deps.deskRecords.returnVisits, logger: log }));
    void queues[QUEUES.announcements].process(1, makeAnnouncementProcessor({ announcements: deps.deskRecords.announcements, logger: log }));
    withTimeout(addVisitTick(queues[QUEUES.visits]), 5000, 'visits tick').catch(tickFailed);
    withTimeout(addAnnouncementTick(queues[QUEUES.announcements]), 5000, 'announcements tick').catch(tickFailed);
  }
  // Every process registers the schedules (idempotent: one repeatable job each); only workers run them.
  const summarySchedules = deps.summaries
    ? withTimeout(registerSummarySchedules(queues[QUEUES.summaries], deps.summaries.crons), 5000, 'summary schedules').catch((err: Error) =>
        log.warn({ err: err.message }, 'could not register the summary schedules (Redis down?)'),
      )
    : Promise.resolve();
  if (deps.runWorkers && deps.summaries)
    void queues[QUEUES.summaries].process('*', 1, makeSummaryProcessor({ summaries: deps.summaries.service, logger: log }));
  const inspections = deps.inspections ? startInspections({ queues, logger: log, runWorkers: deps.runWorkers, ...deps.inspections }) : null;
  const monitoring = deps.monitoring
    ? startMonitoring({ queues, clock: deps.clock, logger: log, runWorkers: deps.runWorkers, ...deps.monitoring })
    : null;

  return {
    queues,
    relay,
    sla,
    /** Settles once the summary schedules are registered (or could not be). */
    summarySchedules,
    monitoring,
    /** The automatic inspection bound to these queues (POST /inspections/run uses it too). */
    inspections,
    outbox,
    /** Queue sizes for /health and /metrics; degraded (not down) when Redis is unreachable. */
    async health(): Promise<{ status: 'ok' | 'degraded'; detail?: string }> {
      try {
        const counts = await withTimeout(queues[QUEUES.notifications].getJobCounts(), 1000, 'redis');
        const byStatus = await outbox.counts();
        const failed = counts.failed ?? 0;
        const retrying = await outbox.retrying();
        // outboxExpired: messages dropped unsent because they expired first (a channel off for long shows here).
        return {
          status: 'ok',
          detail:
            `waiting=${counts.waiting} active=${counts.active} delayed=${counts.delayed} failed=${failed} ` +
            `outboxPending=${byStatus.pending ?? 0} outboxRetrying=${retrying} outboxExpired=${byStatus.expired ?? 0}`,
        };
      } catch (err) {
        return { status: 'degraded', detail: (err as Error).message };
      }
    },
    async stop(): Promise<void> {
      sla?.stop();
      await monitoring?.stop();
      await relay.stop();
      // Bull's close waits for active jobs to finish, so a graceful stop loses no work.
      await close();
    },
  } satisfies { queues: Queues; stop(): Promise<void>; health(): Promise<unknown> } & Record<string, unknown>;
}
export type JobsRuntime = ReturnType<typeof startJobsRuntime>;
export type { Bull };
