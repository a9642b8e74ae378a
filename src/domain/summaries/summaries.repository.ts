import { IsNull, Not } from 'typeorm';
import type { RepoContext } from '../db/store';
import { User } from '../identity/user.entity';
import { summaryFigureQueries } from './summary-figures.queries';
import { ServiceSummary, type SummaryKind } from './summary.entity';

/** The columns a summary list shows (figures and markdown stay out). */
const LIST_COLUMNS = {
  id: true,
  kind: true,
  periodStart: true,
  periodEnd: true,
  version: true,
  scheduledKey: true,
  pushedTo: true,
  createdAt: true,
  createdById: true,
  createdByName: true,
} as const;

/** Stored service summaries, who they are pushed to, and the reads behind their figures. */
export function makeSummariesRepository(ctx: RepoContext) {
  const { em, dialect } = ctx;
  return {
    ...summaryFigureQueries(ctx),

    byId: (id: number): Promise<ServiceSummary | null> => em.findOneBy(ServiceSummary, { id }),
    byScheduledKey: (scheduledKey: string): Promise<ServiceSummary | null> => em.findOneBy(ServiceSummary, { scheduledKey }),

    /** The highest version stored for a period, or null. */
    latest: (kind: SummaryKind, periodStart: string): Promise<ServiceSummary | null> =>
      em.findOne(ServiceSummary, { where: { kind, periodStart }, order: { version: 'DESC' } }),

    /**
     * Stores a summary unless its scheduledKey exists (the scheduled run of another process won),
     * then reads the row that holds the key, or this version of the period.
     */
    async insertOnce(row: Omit<ServiceSummary, 'id'>): Promise<ServiceSummary | null> {
      await dialect.insertIgnore(em, ServiceSummary, row);
      return em.findOne(ServiceSummary, {
        where: row.scheduledKey
          ? { scheduledKey: row.scheduledKey }
          : { kind: row.kind, periodStart: row.periodStart, version: row.version },
        order: { id: 'DESC' },
      });
    },

    async update(id: number, patch: Partial<Pick<ServiceSummary, 'markdown' | 'pushedTo'>>): Promise<void> {
      await em.update(ServiceSummary, id, patch);
    },

    /** A page of summaries without their figures, newest period first, and how many there are. */
    async page(kind: SummaryKind | undefined, window: { skip: number; take: number }): Promise<[ServiceSummary[], number]> {
      const where = kind ? { kind } : {};
      // Two queries: findAndCount with a column selection counted 0 rows under TypeORM 1.1 here.
      const total = await em.count(ServiceSummary, { where });
      const rows = await em.find(ServiceSummary, {
        where,
        order: { periodStart: 'DESC', version: 'DESC', id: 'DESC' },
        ...window,
        select: LIST_COLUMNS,
      });
      return [rows, total];
    },

    /** Active leaders with a WeCom id, in id order: who a summary is pushed to. */
    leaders: (): Promise<User[]> =>
      em.find(User, { where: { role: 'leader', active: true, wecomUserId: Not(IsNull()) }, order: { id: 'ASC' } }),
  };
}
export type SummariesRepository = ReturnType<typeof makeSummariesRepository>;
