import type Bull from 'bull';
import { summaryJobSchema, type SummaryJobData } from '../../domain/summaries/summary.schemas';
import type { SummaryService } from '../../domain/summaries/summary.service';
import type { Logger } from '../../logger';

/** Cron expressions of the two scheduled summaries, read in Asia/Shanghai. */
export interface SummaryCrons {
  weekly: string;
  monthly: string;
}
export const DEFAULT_SUMMARY_CRONS: SummaryCrons = { weekly: '30 8 * * 1', monthly: '0 9 1 * *' };
export const SUMMARY_TZ = 'Asia/Shanghai';

/**
 * Registers the repeatable summary jobs. Bull keys a repeatable job by name, jobId, tz and cron, so
 * every process registering the same schedule leaves one entry; a schedule whose cron was changed
 * in the configuration is removed first so the old time does not keep firing.
 */
export async function registerSummarySchedules(queue: Bull.Queue, crons: SummaryCrons): Promise<void> {
  const existing = await queue.getRepeatableJobs();
  for (const kind of ['weekly', 'monthly'] as const) {
    const jobId = `summary-${kind}`;
    for (const r of existing) {
      if (r.name === kind && (r.cron !== crons[kind] || r.tz !== SUMMARY_TZ)) await queue.removeRepeatableByKey(r.key);
    }
    const data: SummaryJobData = { kind };
    await queue.add(kind, data, {
      jobId,
      repeat: { cron: crons[kind], tz: SUMMARY_TZ },
      attempts: 3,
      backoff: { type: 'exponential', delay: 60_000 },
    });
  }
}

/** Runs the scheduled summary of the last complete period; the domain stores and pushes it once per period. */
export function makeSummaryProcessor(deps: { summaries: SummaryService; logger: Logger }) {
  return async (job: Bull.Job<SummaryJobData>): Promise<{ id: number; pushedTo: number }> => {
    const { kind } = summaryJobSchema.parse(job.data);
    const s = await deps.summaries.run('system', { kind });
    deps.logger.info({ summaryId: s.id, kind, period: s.periodStart, pushedTo: s.pushedTo }, 'summary ready');
    return { id: s.id, pushedTo: s.pushedTo };
  };
}
