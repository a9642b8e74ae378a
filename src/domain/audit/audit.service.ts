import type { EntityManager } from 'typeorm';
import { dialectOf } from '../db/dialect';
import type { Actor } from '../identity/actor';
import { makeAuditRepository, type AuditRecord } from './audit.repository';

export type { AuditRecord } from './audit.repository';

/** Transitional: appends an audit row through an EntityManager (services not yet on repositories). */
export async function recordAudit(em: EntityManager, actor: Actor, at: Date, rec: AuditRecord): Promise<void> {
  await makeAuditRepository({ em, dialect: dialectOf(em.connection) }).record(actor, at, rec);
}
