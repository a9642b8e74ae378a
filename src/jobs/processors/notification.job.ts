import type Bull from 'bull';
import type { Clock } from '../../domain/clock';
import type { OutboxRelayPort } from '../../domain/outbox/outbox.repository';
import { PermanentSendError, type MessageSender } from '../../domain/outbox/outbox.types';
import type { Logger } from '../../logger';

export interface NotificationJobData {
  outboxId: number;
}

/**
 * Sends one outbox message. Idempotent: a message already marked sent is skipped, so a job that
 * is delivered twice (retry after a lost ack) does not message the user twice. A message that
 * expired while it waited in the queue (WeCom off, back-off) is dropped, not sent.
 */
export function makeNotificationProcessor(deps: { outbox: OutboxRelayPort; sender: MessageSender; clock: Clock; logger: Logger }) {
  return async (job: Bull.Job<NotificationJobData>): Promise<string> => {
    const row = await deps.outbox.get(job.data.outboxId);
    if (!row) return 'missing';
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'expired') return row.status;
    if (row.expiresAt && row.expiresAt.getTime() <= deps.clock.now().getTime()) {
      if (await deps.outbox.markExpired(row.id)) {
        deps.logger.info(
          { outboxId: row.id, dedupeKey: row.dedupeKey, expiresAt: row.expiresAt, reason: row.expiryReason },
          'outbox: message expired while queued; dropped',
        );
      }
      return 'expired';
    }
    try {
      await deps.sender.send(row.message);
    } catch (err) {
      const msg = (err as Error).message;
      await deps.outbox.recordAttempt(row.id, msg);
      const final = err instanceof PermanentSendError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await deps.outbox.markFailed(row.id, msg);
        deps.logger.error({ outboxId: row.id, err: msg }, 'notification failed permanently');
        if (err instanceof PermanentSendError) return 'failed';
      }
      throw err;
    }
    await deps.outbox.markSent(row.id, deps.clock.now());
    return 'sent';
  };
}
