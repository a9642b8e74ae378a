import { pageWindow, type Page } from '../common/pagination';
import { shanghaiDayStartIso } from '../common/dates';
import type { DomainStore } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { AuditQuery } from './audit.schemas';

export type { AuditRecord } from './audit.repository';

/** One audit row as the API shows it. */
export interface AuditView {
  id: number;
  actorId: number;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  at: string;
}

/** The audit trail, read by admins (who, what, before → after). */
export function makeAuditService(deps: { store: DomainStore }) {
  return {
    async search(actor: Actor, q: AuditQuery): Promise<Page<AuditView>> {
      requirePermission(actor, 'audit.read');
      const [rows, total] = await deps.store.read.audit.page(
        {
          actorId: q.userId,
          entityType: q.entityType,
          entityId: q.entityId,
          actionPrefix: q.action,
          fromIso: q.from ? shanghaiDayStartIso(q.from) : undefined,
          toIso: q.to ? shanghaiDayStartIso(q.to, 1) : undefined,
        },
        pageWindow(q),
      );
      return {
        items: rows.map((a) => ({ ...a, at: a.at.toISOString() })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  };
}
export type AuditService = ReturnType<typeof makeAuditService>;
