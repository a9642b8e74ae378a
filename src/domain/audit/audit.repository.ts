import { rawWrites } from '../db/raw-writes';
import type { RepoContext } from '../db/store';
import type { Actor } from '../identity/actor';
import { AuditEntry } from './audit-entry.entity';

/** One audited change: who did what to which entity, before → after. */
export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Filters of the audit trail (by whom, which entity, which kind of action, when). */
export interface AuditFilter {
  actorId?: number;
  entityType?: string;
  entityId?: string;
  actionPrefix?: string;
  fromIso?: string;
  toIso?: string;
}

const SECRET_KEYS = new Set(['password', 'passwordHash', 'token', 'accessToken', 'secret', 'corpSecret', 'aesKey', 'encodingAESKey']);

// Audit rows are kept for years and shown to admins: never store credentials in them.
function scrub(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v ?? null;
  if (Array.isArray(v)) return v.map(scrub);
  if (v instanceof Date) return v.toISOString();
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([k]) => !SECRET_KEYS.has(k))
      .map(([k, x]) => [k, scrub(x)]),
  );
}

/** The audit trail: appended inside the transaction of the change it records. */
export function makeAuditRepository(ctx: RepoContext) {
  const { em } = ctx;
  const raw = rawWrites(ctx);
  return {
    /** One page of the trail, newest first. */
    page(f: AuditFilter, window: { skip: number; take: number }): Promise<[AuditEntry[], number]> {
      const qb = em.createQueryBuilder(AuditEntry, 'a').orderBy('a.id', 'DESC');
      if (f.actorId !== undefined) qb.andWhere('a.actorId = :actor', { actor: f.actorId });
      if (f.entityType !== undefined) qb.andWhere('a.entityType = :et', { et: f.entityType });
      if (f.entityId !== undefined) qb.andWhere('a.entityId = :eid', { eid: f.entityId });
      if (f.actionPrefix !== undefined) qb.andWhere('a.action LIKE :ap', { ap: `${f.actionPrefix}%` });
      if (f.fromIso !== undefined) qb.andWhere('a.at >= :from', { from: f.fromIso });
      if (f.toIso !== undefined) qb.andWhere('a.at < :to', { to: f.toIso });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },

    async record(actor: Actor, at: Date, rec: AuditRecord): Promise<void> {
      // Every ledger change writes one, and nothing in the transaction reads it back: it travels
      // with the transaction's next write (rawWrites.append).
      await raw.append(AuditEntry, {
        actorId: actor.userId,
        actorName: actor.username,
        action: rec.action,
        entityType: rec.entityType,
        entityId: String(rec.entityId),
        before: scrub(rec.before),
        after: scrub(rec.after),
        at,
      });
    },
  };
}
export type AuditRepository = ReturnType<typeof makeAuditRepository>;
