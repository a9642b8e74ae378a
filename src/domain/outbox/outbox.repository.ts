import { In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { toDbInstant } from '../db/columns';
import type { RepoContext } from '../db/store';
import { OutboxMessage } from './outbox-message.entity';
import { outboundMessageSchema, type Expiry, type OutboundMessage } from './outbox.types';

/** A message dropped because it expired unsent: what the relay and the job log. */
export type ExpiredMessage = Pick<OutboxMessage, 'id' | 'dedupeKey' | 'expiresAt' | 'expiryReason'>;

const UNSENT = ['pending', 'queued'] as const;

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
     * no-op, so a retried business operation never produces a second message. With an `expiry` the
     * message is dropped instead of sent once that instant has passed.
     */
    async enqueue(dedupeKey: string, message: OutboundMessage, now: Date, expiry?: Expiry): Promise<void> {
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
        expiresAt: expiry?.at ?? null,
        expiryReason: expiry ? expiry.reason.slice(0, 200) : null,
      });
    },

    /**
     * Makes the unsent messages whose dedupeKey starts with one of `keyPrefixes` expire at `at`
     * (or keep an earlier expiry), inside the caller's transaction: an event made them pointless,
     * e.g. an alert's firing notices once it recovered. A prefix ends in a separator (`incident-7-fire-`)
     * so that it cannot match another id's keys. Returns how many it touched.
     */
    async expireUnsent(keyPrefixes: string[], at: Date, reason: string): Promise<number> {
      let n = 0;
      for (const prefix of keyPrefixes) {
        const r = await em
          .createQueryBuilder()
          .update(OutboxMessage)
          .set({ expiresAt: at, expiryReason: reason.slice(0, 200) })
          .where('status IN (:...unsent)', { unsent: UNSENT })
          .andWhere(`${dialect.position('"dedupeKey"', ':prefix')} = 1`, { prefix })
          .andWhere('("expiresAt" IS NULL OR "expiresAt" > :at)', { at: toDbInstant(at) })
          .execute();
        n += r.affected ?? 0;
      }
      return n;
    },

    /** Ids of pending messages due now and not expired, oldest first. */
    async duePending(now: Date, limit: number): Promise<number[]> {
      const due = { status: 'pending' as const, availableAt: LessThanOrEqual(now) as never };
      const rows = await repo().find({
        select: { id: true },
        where: [
          { ...due, expiresAt: IsNull() },
          { ...due, expiresAt: MoreThan(now) },
        ],
        order: { id: 'ASC' },
        take: limit,
      });
      return rows.map((r) => r.id);
    },

    /**
     * Drops pending messages whose expiry has passed: pending → expired, one conditional update
     * each, so of several relays exactly one reports (and logs) each message.
     */
    async expireDue(now: Date, limit: number): Promise<ExpiredMessage[]> {
      const rows = await repo().find({
        select: { id: true, dedupeKey: true, expiresAt: true, expiryReason: true },
        where: { status: 'pending', expiresAt: LessThanOrEqual(now) as never },
        order: { id: 'ASC' },
        take: limit,
      });
      const dropped: ExpiredMessage[] = [];
      for (const row of rows) {
        const r = await repo().update({ id: row.id, status: 'pending' }, { status: 'expired' });
        if ((r.affected ?? 0) === 1) dropped.push(row);
      }
      return dropped;
    },

    /** An unsent message → expired (the notifications job found it past its expiry); true for the caller that changed it. */
    async markExpired(id: number): Promise<boolean> {
      const r = await repo().update({ id, status: In([...UNSENT]) }, { status: 'expired' });
      return (r.affected ?? 0) === 1;
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

    /** One statement, so no reader sees the attempt counted without its error (or the reverse). */
    async recordAttempt(id: number, error: string): Promise<void> {
      await repo().update({ id }, { attempts: () => '"attempts" + 1', lastError: error.slice(0, 500) });
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
