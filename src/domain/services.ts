import type { DataSource } from 'typeorm';
import { makeCatalogService } from './catalog/catalog.service';
import type { Clock } from './clock';
import { makeSlaService } from './desk/sla/calendar.service';
import { makeDeskSettings } from './desk/desk-settings';
import { makeDeskRecordServices } from './desk/records/desk-records.services';
import { makeSlaClockService } from './desk/sla-clock.service';
import { slaTimer } from './desk/sla-timing';
import { makeTicketService } from './desk/ticket.service';
import { makeApplicationService } from './documents/application.service';
import { makeIssuanceService } from './documents/issuance.service';
import { destructionSpec, makeDestructionExtras } from './documents/line-documents/destruction';
import { returnSpec, stockVoidSpec, writeoffSpec } from './documents/line-documents/specs';
import { makeLineDocumentWorkflow } from './documents/line-documents/workflow';
import { makePrintPlanService } from './documents/print-plan.service';
import { makeDirectory } from './catalog/directory';
import type { DomainStore } from './db/repositories';
import { makeUserService } from './identity/user.service';
import { makeAlertService } from './monitoring/alert.service';
import { makeDeskPort } from './monitoring/desk-port';
import { makeProbeTargetService } from './monitoring/probe-targets.service';
import { makeReceiptService } from './ledger/receipt.service';
import { makeStockService } from './ledger/stock.service';
import { makeReportsService } from './reports/reports.service';
import { makeSummaryService, type SummaryLinks } from './summaries/summary.service';
import { makeDeskReports } from './reports/sla.report';

/** Composes the domain services over one Store and Clock (the composition root, tests through it, CLI tools). */
export function makeDomainServices(deps: {
  ds: DataSource;
  store: DomainStore;
  clock: Clock;
  publicUrl?: string;
  summaryLinks?: SummaryLinks;
}) {
  // What the services already on the Store receive (no DataSource).
  const onStore = { store: deps.store, clock: deps.clock };
  const directory = makeDirectory(deps);
  const destructionFlow = makeLineDocumentWorkflow(destructionSpec, deps);
  const sla = makeSlaService(deps);
  const slaClocks = makeSlaClockService({ ...deps, timer: slaTimer(sla) });
  const tickets = makeTicketService({ ...deps, clocks: slaClocks });
  return {
    users: makeUserService(deps),
    directory,
    catalog: makeCatalogService({ ...deps, directory }),
    sla,
    slaClocks,
    tickets,
    deskSettings: makeDeskSettings(deps),
    slaReports: makeDeskReports({ ...onStore, sla }),
    receipts: makeReceiptService(deps),
    stock: makeStockService(deps),
    applications: makeApplicationService(deps),
    issuance: makeIssuanceService(deps),
    printPlans: makePrintPlanService(deps),
    writeoffs: makeLineDocumentWorkflow(writeoffSpec, deps),
    returns: makeLineDocumentWorkflow(returnSpec, deps),
    stockVoids: makeLineDocumentWorkflow(stockVoidSpec, deps),
    destructions: { ...destructionFlow, ...makeDestructionExtras(destructionFlow, deps) },
    reports: makeReportsService(onStore),
    ...makeDeskRecordServices({ ...deps, tickets }),
    summaries: makeSummaryService({ ...onStore, publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000', links: deps.summaryLinks }),
    alerts: makeAlertService({ ...onStore, desk: makeDeskPort(slaClocks) }),
    probeTargets: makeProbeTargetService(onStore),
  };
}
export type DomainServices = ReturnType<typeof makeDomainServices>;
