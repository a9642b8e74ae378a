import type Bull from 'bull';
import type { ReturnVisitService } from '../../domain/desk/records/return-visit.service';
import type { Logger } from '../../logger';

/** How often due return visits are looked for; a survey goes out at most this late. */
export const VISITS_TICK_MS = 60_000;

/**
 * One tick of the `visits` queue: plans onboarding visits, sends due surveys through the outbox and
 * expires unanswered ones. Idempotent: every visit changes state by a conditional update, so ticks
 * that overlap (several workers) ask each person once.
 */
export function makeVisitProcessor(deps: { returnVisits: Pick<ReturnVisitService, 'runDue'>; logger: Logger }) {
  return async (_job?: Bull.Job): Promise<{ asked: number; expired: number; planned: number }> => {
    const r = await deps.returnVisits.runDue();
    if (r.asked + r.expired + r.planned > 0) deps.logger.info(r, 'return visits');
    return r;
  };
}

/** The repeatable tick; Bull keys repeatable jobs by id and interval, so every process may add it. */
export function addVisitTick(queue: Bull.Queue, everyMs = VISITS_TICK_MS): Promise<Bull.Job> {
  return queue.add({}, { jobId: 'visits-tick', repeat: { every: everyMs }, removeOnComplete: true, removeOnFail: 100 });
}
