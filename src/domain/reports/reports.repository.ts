import type { RepoContext } from '../db/store';
import { deskReportQueries } from './desk-reports.queries';
import { ledgerReportQueries } from './ledger-reports.queries';

/** The read model behind the 统计报表 and the desk's reports (set-based reads; the rules live in the *.report.ts files). */
export function makeReportsRepository(ctx: RepoContext) {
  return { ...ledgerReportQueries(ctx), ...deskReportQueries(ctx) };
}
export type ReportsRepository = ReturnType<typeof makeReportsRepository>;
