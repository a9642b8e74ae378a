import type { EntityManager } from 'typeorm';
import { dialectOf } from '../db/dialect';
import { makeOutboxRepository } from './outbox.repository';
import type { OutboundMessage } from './outbox.types';

/**
 * Transitional: `tx.outbox.enqueue` through an EntityManager, for callers not yet on repositories
 * (the desk services and the WeCom callback route). Remove once those branches are merged.
 */
export function enqueueOutbox(em: EntityManager, dedupeKey: string, message: OutboundMessage, now: Date): Promise<void> {
  return makeOutboxRepository({ em, dialect: dialectOf(em.connection) }).enqueue(dedupeKey, message, now);
}
