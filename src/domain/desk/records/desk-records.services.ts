import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock';
import type { DomainStore } from '../../db/repositories';
import { makeDeskRecordsReports } from '../../reports/desk-records.report';
import { makeAnnouncementService } from './announcement.service';
import { makeConsultationService } from './consultation.service';
import { makeInspectionService } from './inspection.service';
import { makeOnsiteVisitService } from './onsite-visit.service';
import type { TicketPort } from './records.common';
import { makeReturnVisitService } from './return-visit.service';
import { makeTrainingService } from './training.service';

/** The service desk's other records (consultations, visits, inspections, training, announcements) and their reports. */
export function makeDeskRecordServices(deps: { ds: DataSource; store: DomainStore; clock: Clock; tickets: TicketPort }) {
  return {
    consultations: makeConsultationService(deps),
    onsiteVisits: makeOnsiteVisitService(deps),
    returnVisits: makeReturnVisitService(deps),
    inspections: makeInspectionService(deps),
    trainings: makeTrainingService(deps),
    announcements: makeAnnouncementService(deps),
    deskReports: makeDeskRecordsReports(deps),
  };
}
