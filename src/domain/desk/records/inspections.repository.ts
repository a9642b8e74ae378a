import type { RepoContext } from '../../db/store';
import { InspectionFinding, InspectionResult, InspectionRun, InspectionSchedule } from './inspection.entity';

/** Periodic inspections (定期巡检): schedules, runs with their results and findings. */
export function makeInspectionRepository({ em }: RepoContext) {
  return {
    async insertSchedule(values: Omit<InspectionSchedule, 'id'>): Promise<InspectionSchedule> {
      return em.save(em.create(InspectionSchedule, values));
    },
    scheduleById: (id: number): Promise<InspectionSchedule | null> => em.findOneBy(InspectionSchedule, { id }),
    schedules: (): Promise<InspectionSchedule[]> => em.find(InspectionSchedule, { order: { id: 'ASC' } }),

    async insertRun(values: Omit<InspectionRun, 'id'>): Promise<InspectionRun> {
      return em.save(em.create(InspectionRun, values));
    },
    async insertResults(rows: Array<Omit<InspectionResult, 'id'>>): Promise<void> {
      await em.insert(InspectionResult, rows);
    },
    async insertFinding(values: Omit<InspectionFinding, 'id'>): Promise<InspectionFinding> {
      return em.save(em.create(InspectionFinding, values));
    },
    async linkFindingTicket(findingId: number, ticketId: number): Promise<void> {
      await em.update(InspectionFinding, findingId, { ticketId });
    },
    runById: (id: number): Promise<InspectionRun | null> => em.findOneBy(InspectionRun, { id }),
    resultsOf: (runId: number): Promise<InspectionResult[]> => em.find(InspectionResult, { where: { runId }, order: { id: 'ASC' } }),
    findingsOf: (runId: number): Promise<InspectionFinding[]> => em.find(InspectionFinding, { where: { runId }, order: { id: 'ASC' } }),
    /** Newest first. */
    pageRuns(f: { scheduleId?: number; status?: string }, window: { skip: number; take: number }): Promise<[InspectionRun[], number]> {
      const qb = em.createQueryBuilder(InspectionRun, 'r').orderBy('r.performedAt', 'DESC').addOrderBy('r.id', 'DESC');
      if (f.scheduleId) qb.andWhere('r.scheduleId = :s', { s: f.scheduleId });
      if (f.status) qb.andWhere('r.status = :st', { st: f.status });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
  };
}
export type InspectionRepository = ReturnType<typeof makeInspectionRepository>;
