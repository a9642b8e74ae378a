import type Bull from 'bull';
import type { AutoInspection, FailedJobsPort } from '../../domain/inspections/auto-inspection';
import { systemActor } from '../../domain/identity/actor';
import type { Logger } from '../../logger';
import { QUEUES, type Queues, withTimeout } from '../queues';

/** The repeatable job's fixed id: every process registers it, Bull keeps one (keyed by id, cron and tz). */
export const INSPECTION_JOB_ID = 'inspection-daily';
export const INSPECTION_TZ = 'Asia/Shanghai';

/** What boot passes in for the `inspections` queue. */
export interface InspectionSetup {
  /** INSPECTION_CRON, read in Asia/Shanghai. */
  cron: string;
  /** Builds the inspection with the queues' failed-jobs port. */
  make(failedJobs: FailedJobsPort): AutoInspection;
}

/** The failed-jobs port over Bull: per queue, failed jobs kept and those finished since `since`. */
export function queueFailures(queues: Queues): FailedJobsPort {
  return (since) =>
    withTimeout(
      Promise.all(
        Object.values(queues).map(async (q) => {
          const failed = (await q.getJobCounts()).failed ?? 0;
          const newest = failed > 0 ? await q.getFailed(0, 199) : [];
          const recent = newest.filter((j) => (j.finishedOn ?? 0) >= since.getTime());
          recent.sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0));
          return { queue: q.name, failed, recent: recent.length, lastReason: recent[0]?.failedReason ?? null };
        }),
      ),
      3000,
      'failed jobs',
    );
}

/** Adds the daily repeatable job, first dropping one left with another cron or time zone. */
export async function registerInspectionSchedule(queue: Bull.Queue, cron: string): Promise<void> {
  for (const r of await queue.getRepeatableJobs()) {
    if (r.id === INSPECTION_JOB_ID && (r.cron !== cron || r.tz !== INSPECTION_TZ)) await queue.removeRepeatableByKey(r.key);
  }
  await queue.add(
    {},
    {
      jobId: INSPECTION_JOB_ID,
      repeat: { cron, tz: INSPECTION_TZ },
      attempts: 2,
      backoff: { type: 'fixed', delay: 5 * 60_000 },
      removeOnComplete: 60,
      removeOnFail: 60,
    },
  );
}

/** Runs the automatic inspection as the system; the run and its report are stored and pushed by the domain. */
export function makeInspectionProcessor(deps: { inspection: AutoInspection; logger: Logger }) {
  return async (_job?: Bull.Job): Promise<{ runId: number; status: string }> => {
    const run = await deps.inspection.run(systemActor, 'auto');
    deps.logger.info({ runId: run.id, status: run.status, findings: run.findings.length }, 'automatic inspection done');
    return { runId: run.id, status: run.status };
  };
}

/** Registers the schedule (every process) and, in worker processes, the processor. */
export function startInspections(deps: { queues: Queues; logger: Logger; runWorkers: boolean } & InspectionSetup) {
  const queue = deps.queues[QUEUES.inspections];
  const inspection = deps.make(queueFailures(deps.queues));
  const registered = withTimeout(registerInspectionSchedule(queue, deps.cron), 5000, 'inspection schedule').catch((err: Error) =>
    deps.logger.warn({ err: err.message }, 'could not register the inspection schedule (Redis down?)'),
  );
  if (deps.runWorkers) {
    // As monitoring.job.ts: before the shared client is ready Bull parks an 'error' listener per call.
    const client = queue.client;
    const ready = client.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve()));
    void ready.then(() => queue.process(1, makeInspectionProcessor({ inspection, logger: deps.logger })));
  }
  return { inspection, registered };
}
