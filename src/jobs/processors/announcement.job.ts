import type Bull from 'bull';
import type { AnnouncementService } from '../../domain/desk/records/announcement.service';
import type { Logger } from '../../logger';

/** Batches are released at their own instants; the tick only bounds how late. */
export const ANNOUNCEMENTS_TICK_MS = 10_000;

/**
 * One tick of the `announcements` queue: hands each due batch of a published announcement to the
 * outbox. Idempotent: a batch is claimed by a conditional update and its outbox key is unique.
 */
export function makeAnnouncementProcessor(deps: { announcements: Pick<AnnouncementService, 'dispatchDue'>; logger: Logger }) {
  return async (_job?: Bull.Job): Promise<{ queued: number }> => {
    const queued = await deps.announcements.dispatchDue();
    if (queued > 0) deps.logger.info({ queued }, 'announcement batches queued');
    return { queued };
  };
}

/** The repeatable tick; adding it again from another process is a no-op. */
export function addAnnouncementTick(queue: Bull.Queue, everyMs = ANNOUNCEMENTS_TICK_MS): Promise<Bull.Job> {
  return queue.add({}, { jobId: 'announcements-tick', repeat: { every: everyMs }, removeOnComplete: true, removeOnFail: 100 });
}
