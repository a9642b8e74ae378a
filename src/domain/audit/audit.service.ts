import type { EntityManager } from 'typeorm';
import type { Actor } from '../identity/actor';
import { AuditEntry } from './audit-entry.entity';

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

/** Appends an audit row inside the caller's transaction. */
export async function recordAudit(em: EntityManager, actor: Actor, at: Date, rec: AuditRecord): Promise<void> {
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
}
