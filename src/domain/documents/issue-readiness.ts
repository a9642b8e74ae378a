import type { DomainStore } from '../db/repositories';
import { NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import { BUREAU_STOCK } from '../ledger/ledger.types';
import { assertUnitAccess, requirePermission } from '../policy';

/**
 * Why an approved application has not been issued yet, in the figures its unit may see: how many
 * numbers of its bill type the bureau warehouse holds against the quantity asked. Counts only —
 * the warehouse's batches and ranges are the bureau's business.
 */
export interface IssueReadiness {
  applicationId: number;
  requested: number;
  /** Numbers of the application's bill type IN_STOCK in the bureau warehouse now. */
  available: number;
  /** The warehouse could issue the whole quantity now (the bill office has yet to do it). */
  sufficient: boolean;
}

/** Read side of issuance for people who wait for it (the unit's staff, through the bot). */
export function makeIssueReadiness(deps: { store: DomainStore }) {
  const r = deps.store.read;
  return {
    /**
     * For an approved application that is not issued: warehouse stock of its bill type against the
     * quantity asked; null for any other status (nothing is waiting on the warehouse). Unit staff
     * may ask only about their own unit's applications (403 OTHER_UNIT).
     */
    async of(actor: Actor, applicationId: number): Promise<IssueReadiness | null> {
      requirePermission(actor, 'application.read');
      const app = await r.documents.findById('application', applicationId);
      if (!app) throw new NotFoundError('DOCUMENT_NOT_FOUND', `申领单 ${applicationId} 不存在`);
      assertUnitAccess(actor, app.unitId);
      if (app.status !== 'approved') return null;
      const available = await r.ledger.countAt(app.billTypeId, BUREAU_STOCK);
      return { applicationId: app.id, requested: app.quantity, available, sufficient: available >= app.quantity };
    },
  };
}
export type IssueReadinessService = ReturnType<typeof makeIssueReadiness>;
