import { makeCatalogService } from './catalog/catalog.service';
import type { Clock } from './clock';
import { makeSlaService } from './desk/sla/calendar.service';
import { makeDeskSettings } from './desk/desk-settings';
import { makeDeskRecordServices } from './desk/records/desk-records.services';
import { makeSlaClockService } from './desk/sla-clock.service';
import { slaTimer } from './desk/sla-timing';
import { makeTicketService } from './desk/ticket.service';
import { makeExchangeLog } from './desk/exchange-log.service';
import { makeApplicationService } from './documents/application.service';
import { makeApprovalsInbox } from './documents/approvals-inbox';
import { makeDocumentLookup } from './documents/document-lookup';
import { makeIssueReadiness } from './documents/issue-readiness';
import { makeCardActions } from './cards/card-actions';
import { makeCardService } from './cards/card.service';
import { makeApplicationChecks } from './documents/application-checks';
import { makeIssuanceService } from './documents/issuance.service';
import { destructionSpec, makeDestructionExtras } from './documents/line-documents/destruction';
import { returnSpec, stockVoidSpec, writeoffSpec } from './documents/line-documents/specs';
import { makeLineDocumentWorkflow } from './documents/line-documents/workflow';
import { makePrintPlanService } from './documents/print-plan.service';
import { makeDirectory } from './catalog/directory';
import type { DomainStore } from './db/repositories';
import { makeAuditService } from './audit/audit.service';
import type { Duties } from './policy';
import type { LoginLimiter } from './identity/login-guard';
import { makeUserAdminService } from './identity/user-admin.service';
import { makeUserService, type LockNotice } from './identity/user.service';
import { makeSessionCache } from './identity/session-cache';
import { makeAlertService } from './monitoring/alert.service';
import { makeDeskPort } from './monitoring/desk-port';
import { makeProbeTargetService } from './monitoring/probe-targets.service';
import { makeReceiptService } from './ledger/receipt.service';
import { makeStockService } from './ledger/stock.service';
import { makeReportsService } from './reports/reports.service';
import { makeSummaryService, type SummaryLinks } from './summaries/summary.service';
import { makeDeskReports } from './reports/sla.report';
import { makeDeskRecordsReports } from './reports/desk-records.report';
import { makeUnitFacts } from './documents/unit-facts';
import { makeRegionSettings } from './settings/region-settings';
import { makeTicketQueue } from './desk/ticket-queue';
import { makeTodayWork } from './desk/records/today-work';
import { makeLeaderDashboard } from './summaries/leader-dashboard';

/** Composes the domain services over one Store and Clock (the composition root, tests through it, CLI tools). */
export function makeDomainServices(deps: {
  store: DomainStore;
  clock: Clock;
  publicUrl?: string;
  summaryLinks?: SummaryLinks;
  /** Login attempts per client address (Redis with the database as fallback). */
  loginLimiter: LoginLimiter;
  /** Tells a user their account was just locked (WeCom, through the outbox). */
  onLocked?: LockNotice;
  /** SEPARATION_OF_DUTIES. */
  duties: Duties;
}) {
  const onStore = { store: deps.store, clock: deps.clock };
  const directory = makeDirectory(deps);
  const destructionFlow = makeLineDocumentWorkflow(destructionSpec, deps);
  const sla = makeSlaService(onStore);
  const slaClocks = makeSlaClockService({ ...onStore, timer: slaTimer(sla.policy) });
  // The card links to the ticket's phone page (web.md: /m/tickets/:id) when the public URL is known.
  const publicBase = deps.publicUrl?.replace(/\/+$/, '');
  const ticketLink = publicBase ? (id: number) => `${publicBase}/m/tickets/${id}` : undefined;
  const tickets = makeTicketService({ ...onStore, clocks: slaClocks, link: ticketLink });
  const sessions = makeSessionCache(onStore);
  const users = makeUserService({ ...deps, limiter: deps.loginLimiter, sessions, directory });
  const applications = makeApplicationService(deps);
  const issuance = makeIssuanceService(deps);
  const writeoffs = makeLineDocumentWorkflow(writeoffSpec, deps);
  const returns = makeLineDocumentWorkflow(returnSpec, deps);
  const stockVoids = makeLineDocumentWorkflow(stockVoidSpec, deps);
  const applicationChecks = makeApplicationChecks(deps);
  const reports = makeReportsService(onStore);
  return {
    users,
    userAdmin: makeUserAdminService({ ...deps, users, sessions }),
    audit: makeAuditService(deps),
    directory,
    catalog: makeCatalogService({ ...deps, directory }),
    sla,
    slaClocks,
    tickets,
    deskSettings: makeDeskSettings(onStore),
    slaReports: makeDeskReports({ ...onStore, sla }),
    receipts: makeReceiptService(deps),
    stock: makeStockService(deps),
    applications,
    issuance,
    printPlans: makePrintPlanService(deps),
    documentLookup: makeDocumentLookup(deps),
    issueReadiness: makeIssueReadiness(deps),
    applicationChecks,
    writeoffs,
    returns,
    stockVoids,
    approvals: makeApprovalsInbox({
      ...deps,
      applicationChecks,
      flows: { writeoff: writeoffs, return: returns, stock_void: stockVoids, destruction: destructionFlow },
    }),
    destructions: { ...destructionFlow, ...makeDestructionExtras(destructionFlow, deps) },
    reports,
    // The mobile workbench's reads (web.md): the engineer's queue and day, the leaders' overview.
    ticketQueue: makeTicketQueue(onStore),
    todayWork: makeTodayWork(onStore),
    leaderDashboard: makeLeaderDashboard({ ...onStore, reports }),
    ...makeDeskRecordServices({ ...onStore, tickets }),
    deskReports: makeDeskRecordsReports(onStore),
    summaries: makeSummaryService({ ...onStore, publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000', links: deps.summaryLinks }),
    alerts: makeAlertService({ ...onStore, desk: makeDeskPort(slaClocks, ticketLink) }),
    probeTargets: makeProbeTargetService(onStore),
    exchangeLog: makeExchangeLog(deps),
    cards: makeCardService(deps),
    cardActions: makeCardActions({
      ...onStore,
      publicUrl: deps.publicUrl,
      applications,
      issuance,
      lineFlows: { writeoff: writeoffs, return: returns, stock_void: stockVoids, destruction: destructionFlow },
    }),
    unitFacts: makeUnitFacts(deps),
    region: makeRegionSettings(onStore),
  };
}
export type DomainServices = ReturnType<typeof makeDomainServices>;
