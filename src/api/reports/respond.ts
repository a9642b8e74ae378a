import type { Context } from 'koa';
import type { ReportFormat } from '../../domain/reports/report.schemas';
import { renderCsv } from './csv';
import { attachmentHeader, type Table } from './table';
import { renderXlsx } from './xlsx';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';

/** A download's name: Chinese title and its ASCII fallback, each followed by `_<stem>.<ext>`. */
export interface DownloadName {
  title: string;
  ascii: string;
  stem: string;
}

/**
 * The one way a report leaves the API: JSON as is (returned for defineRoute to send), xlsx/csv
 * rendered from the report's tables and sent here as a download named in Chinese.
 */
export async function respondWithReport<T>(
  ctx: Context,
  format: ReportFormat,
  report: T,
  tables: (r: T) => Table[],
  name: (r: T, t: Table[]) => DownloadName,
): Promise<T | undefined> {
  if (format === 'json') return report;
  const t = tables(report);
  const { title, ascii, stem } = name(report, t);
  const ext = format === 'xlsx' ? 'xlsx' : 'csv';
  ctx.set('Content-Disposition', attachmentHeader(`${title}_${stem}.${ext}`, `${ascii}_${stem}.${ext}`));
  ctx.type = format === 'xlsx' ? XLSX : CSV;
  ctx.status = 200;
  ctx.body = format === 'xlsx' ? await renderXlsx(t) : renderCsv(t);
  return undefined;
}
