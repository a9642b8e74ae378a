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
export function makeAuditRepository({ em }: RepoContext) {
  return {
    async record(actor: Actor, at: Date, rec: AuditRecord): Promise<void> {
      await em.insert(AuditEntry, {
        actorId: actor.userId,
        actorName: actor.username,
        action: rec.action,
        entityType: rec.entityType,
        entityId: String(rec.entityId),
        before: scrub(rec.before),
        after: scrub(rec.after),
        at,
      } as never);
    },
  };
}
export type AuditRepository = ReturnType<typeof makeAuditRepository>;
