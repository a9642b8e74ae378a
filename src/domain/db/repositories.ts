import type { DataSource } from 'typeorm';
import { makeAuditRepository } from '../audit/audit.repository';
import { makeCatalogRepository } from '../catalog/catalog.repository';
import { makeDocumentRepository } from '../documents/documents.repository';
import { makeIdentityRepository } from '../identity/identity.repository';
import { makeKbRepository } from '../kb/kb.repository';
import { makeLedgerRepository } from '../ledger/ledger.repository';
import { makeReceiptRepository } from '../ledger/receipts.repository';
import { makeMonitoringRepository } from '../monitoring/monitoring.repository';
import { makeOutboxRepository } from '../outbox/outbox.repository';
import { makeReportsRepository } from '../reports/reports.repository';
import { makeSettingsRepository } from '../settings/settings.repository';
import { makeSummariesRepository } from '../summaries/summaries.repository';
import { lazyMembers, makeStore, type RepoContext, type Store } from './store';

/** Every aggregate's repository over one EntityManager; members are built on first use. */
export function makeRepositories(ctx: RepoContext) {
  return lazyMembers({
    ledger: () => makeLedgerRepository(ctx),
    receipts: () => makeReceiptRepository(ctx),
    documents: () => makeDocumentRepository(ctx),
    catalog: () => makeCatalogRepository(ctx),
    identity: () => makeIdentityRepository(ctx),
    audit: () => makeAuditRepository(ctx),
    settings: () => makeSettingsRepository(ctx),
    outbox: () => makeOutboxRepository(ctx),
    reports: () => makeReportsRepository(ctx),
    summaries: () => makeSummariesRepository(ctx),
    kb: () => makeKbRepository(ctx),
    monitoring: () => makeMonitoringRepository(ctx),
  });
}
export type Repositories = ReturnType<typeof makeRepositories>;

/** The unit of work every domain service receives. */
export type DomainStore = Store<Repositories>;

/** The domain's Store over a connected DataSource. */
export const makeDomainStore = (ds: DataSource): DomainStore => makeStore(ds, makeRepositories);
