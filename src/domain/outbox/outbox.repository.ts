import type { RepoContext } from '../db/store';
import { OutboxMessage } from './outbox-message.entity';
import { outboundMessageSchema, type OutboundMessage } from './outbox.types';

/** The transactional outbox as the business side writes it (the relay has its own operations). */
export function makeOutboxRepository({ em, dialect }: RepoContext) {
  return {
    /**
     * Stores a message inside the caller's transaction. A second call with the same dedupeKey is a
     * no-op, so a retried business operation never produces a second message.
     */
    async enqueue(dedupeKey: string, message: OutboundMessage, now: Date): Promise<void> {
      const parsed = outboundMessageSchema.parse(message);
      await dialect.insertIgnore(em, OutboxMessage, {
        dedupeKey: dedupeKey.slice(0, 160),
        message: parsed as never,
        status: 'pending',
        attempts: 0,
        lastError: null,
        createdAt: now,
        availableAt: now,
        queuedAt: null,
        sentAt: null,
      });
    },
  };
}
export type OutboxRepository = ReturnType<typeof makeOutboxRepository>;
