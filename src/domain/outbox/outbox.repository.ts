import { In, LessThanOrEqual } from 'typeorm';
import type { RepoContext } from '../db/store';
import { OutboxMessage } from './outbox-message.entity';
import { outboundMessageSchema, type OutboundMessage } from './outbox.types';

/**
 * The transactional outbox: messages are written in the transaction of the change that caused
 * them, then relayed to the notifications queue and sent. Every relay-side change is a conditional
 * update, so any number of processes claim, send and mark a message once.
 */
export function makeOutboxRepository({ em, dialect }: RepoContext) {
  const repo = () => em.getRepository(OutboxMessage);
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

    /** Ids of pending messages due now, oldest first. */
    async duePending(now: Date, limit: number): Promise<number[]> {
      const rows = await repo().find({
        select: { id: true },
        where: { status: 'pending', availableAt: LessThanOrEqual(now) as never },
        order: { id: 'ASC' },
        take: limit,
      });
      return rows.map((r) => r.id);
    },

    /** pending → queued; true only for the one caller that made the change. */
    async claim(id: number, now: Date): Promise<boolean> {
      const r = await repo().update({ id, status: 'pending' }, { status: 'queued', queuedAt: now });
      return (r.affected ?? 0) === 1;
    },

    /** queued → pending again (the queue could not take it); retried after `delayMs`. */
    async release(id: number, now: Date, delayMs: number, error: string): Promise<void> {
      await repo().update(
        { id, status: 'queued' },
        { status: 'pending', availableAt: new Date(now.getTime() + delayMs), lastError: error.slice(0, 500) },
      );
    },

    get: (id: number): Promise<OutboxMessage | null> => repo().findOneBy({ id }),

    async markSent(id: number, now: Date): Promise<void> {
      await repo().update({ id }, { status: 'sent', sentAt: now, lastError: null });
    },

    async recordAttempt(id: number, error: string): Promise<void> {
      await repo().increment({ id }, 'attempts', 1);
      await repo().update({ id }, { lastError: error.slice(0, 500) });
    },

    async markFailed(id: number, error: string): Promise<void> {
      await repo().update({ id }, { status: 'failed', lastError: error.slice(0, 500) });
    },

    /** Messages stuck in `queued` (lost from Redis, e.g. a flushed or replaced instance) go back to pending. */
    async requeueStale(olderThan: Date): Promise<number> {
      const stale = await repo().find({
        select: { id: true },
        where: { status: 'queued', queuedAt: LessThanOrEqual(olderThan) as never },
        take: 500,
      });
      if (stale.length === 0) return 0;
      await repo().update({ id: In(stale.map((s) => s.id)), status: 'queued' }, { status: 'pending' });
      return stale.length;
    },

    /** Messages per status. */
    async counts(): Promise<Record<string, number>> {
      const rows: Array<{ status: string; n: string | number }> = await repo()
        .createQueryBuilder('o')
        .select('o.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .groupBy('o.status')
        .getRawMany();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    /** Sends that failed and wait for another try: WeCom trouble shows here before anything is lost. */
    retrying: (): Promise<number> =>
      repo().createQueryBuilder('o').where("o.status IN ('pending', 'queued') AND o.attempts > 0").getCount(),
  };
}
export type OutboxRepository = ReturnType<typeof makeOutboxRepository>;

/** The outbox as the relay and the notifications job see it (the jobs layer's port; `store.read.outbox` fits). */
export type OutboxRelayPort = Omit<OutboxRepository, 'enqueue'>;
