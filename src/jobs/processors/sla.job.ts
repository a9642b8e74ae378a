import type Bull from 'bull';
import { slaJobSchema, type SlaJobData } from '../../domain/desk/desk.schemas';
import type { SlaClockService } from '../../domain/desk/sla-clock.service';
import type { Logger } from '../../logger';

/**
 * Acts on one SLA job. The domain re-reads the clock in a transaction and acts only if it is still
 * running with the due time the job was made for, and only once (conditional update), so a stale,
 * duplicated or concurrently processed job does nothing.
 */
export function makeSlaProcessor(deps: { clocks: SlaClockService; logger: Logger }) {
  return async (job: Bull.Job<SlaJobData>): Promise<string> => {
    const { clockId, action, dueAt } = slaJobSchema.parse(job.data);
    const outcome = action === 'warn' ? await deps.clocks.warn(clockId, dueAt) : await deps.clocks.breach(clockId, dueAt);
    if (outcome === 'early') throw new Error(`sla ${action} for clock ${clockId} ran before its time; retrying`);
    if (outcome === 'warned' || outcome === 'breached') deps.logger.info({ clockId, action }, `sla ${outcome}`);
    return outcome;
  };
}
