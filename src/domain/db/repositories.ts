import type { DataSource } from 'typeorm';
import { makeAuditRepository } from '../audit/audit.repository';
import { makeCardRepository } from '../cards/cards.repository';
import { makeCatalogRepository } from '../catalog/catalog.repository';
import { makeInboundMessageRepository } from '../desk/inbound-messages.repository';
import { makeAnnouncementRepository } from '../desk/records/announcements.repository';
import { makeConsultationRepository } from '../desk/records/consultations.repository';
import { makeInspectionRepository } from '../desk/records/inspections.repository';
import { makeOnsiteVisitRepository } from '../desk/records/onsite-visits.repository';
import { makeReturnVisitRepository } from '../desk/records/return-visits.repository';
import { makeTrainingRepository } from '../desk/records/trainings.repository';
import { makeSlaCalendarRepository } from '../desk/sla/calendar.repository';
import { makeSlaClockRepository } from '../desk/sla-clocks.repository';
import { makeTicketRepository } from '../desk/tickets.repository';
import { makeExchangeRepository } from '../desk/exchange.repository';
import { makeDocumentRepository } from '../documents/documents.repository';
import { makeIdentityRepository } from '../identity/identity.repository';
import { makeKbRepository } from '../kb/kb.repository';
import { makeLedgerRepository } from '../ledger/ledger.repository';
import { makeReceiptRepository } from '../ledger/receipts.repository';
import { makeOutboxRepository } from '../outbox/outbox.repository';
import { makeMonitoringRepository } from '../monitoring/monitoring.repository';
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
    cards: () => makeCardRepository(ctx),
    tickets: () => makeTicketRepository(ctx),
    slaClocks: () => makeSlaClockRepository(ctx),
    slaCalendar: () => makeSlaCalendarRepository(ctx),
    consultations: () => makeConsultationRepository(ctx),
    onsiteVisits: () => makeOnsiteVisitRepository(ctx),
    returnVisits: () => makeReturnVisitRepository(ctx),
    inspections: () => makeInspectionRepository(ctx),
    trainings: () => makeTrainingRepository(ctx),
    announcements: () => makeAnnouncementRepository(ctx),
    inboundMessages: () => makeInboundMessageRepository(ctx),
    exchanges: () => makeExchangeRepository(ctx),
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
