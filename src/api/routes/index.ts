import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { AppDeps } from '../deps';
import { registerAlertRoutes } from './alerts.routes';
import { registerApplicationRoutes } from './applications.routes';
import { registerCatalogRoutes } from './catalog.routes';
import { registerDeskReportRoutes } from './desk-reports.routes';
import { registerLedgerRoutes } from './ledger.routes';
import { registerLineDocumentRoutes } from './line-documents.routes';
import { registerPrintPlanRoutes } from './print-plans.routes';
import { registerReportRoutes } from './reports.routes';
import { registerSlaRoutes } from './sla.routes';
import { registerSummaryRoutes } from './summaries.routes';
import { registerTicketRoutes } from './tickets.routes';
import { registerUserRoutes } from './users.routes';
import { registerAnnouncementRoutes } from './announcements.routes';
import { registerConsultationRoutes } from './consultations.routes';
import { registerDeskRecordsReportRoutes } from './desk-records-reports.routes';
import { registerInspectionRoutes } from './inspections.routes';
import { registerTrainingRoutes } from './trainings.routes';
import { registerVisitRoutes } from './visits.routes';
import { registerRegionSettingRoutes } from './region-settings.routes';
import { registerUnitFactRoutes } from './unit-facts.routes';
import { registerWorkbenchRoutes } from './workbench.routes';

/** Every /api/v1 resource of the admin API. */
export function registerResourceRoutes(api: Router, registry: OpenAPIRegistry, deps: AppDeps): void {
  registerUserRoutes(api, registry, deps);
  registerCatalogRoutes(api, registry, deps);
  registerLedgerRoutes(api, registry, deps);
  registerApplicationRoutes(api, registry, deps);
  registerPrintPlanRoutes(api, registry, deps);
  registerLineDocumentRoutes(api, registry, deps);
  registerReportRoutes(api, registry, deps);
  registerSlaRoutes(api, registry, deps);
  registerSummaryRoutes(api, registry, deps);
  registerAlertRoutes(api, registry, deps);
  registerTicketRoutes(api, registry, deps);
  registerDeskReportRoutes(api, registry, deps);
  registerConsultationRoutes(api, registry, deps);
  registerVisitRoutes(api, registry, deps);
  registerInspectionRoutes(api, registry, deps);
  registerTrainingRoutes(api, registry, deps);
  registerAnnouncementRoutes(api, registry, deps);
  registerDeskRecordsReportRoutes(api, registry, deps);
  registerUnitFactRoutes(api, registry, deps);
  registerRegionSettingRoutes(api, registry, deps);
  registerWorkbenchRoutes(api, registry, deps);
}
