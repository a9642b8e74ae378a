import type { Context } from 'koa';
import type { SummaryDetail } from '../../domain/summaries/summary.service';
import { attachmentHeader } from '../reports/table';
import { renderSummaryChart } from './chart';
import { renderSummaryXlsx } from './summary-xlsx';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Answers with the summary's workbook as a download named by kind and period. */
export async function sendSummaryXlsx(ctx: Context, s: SummaryDetail): Promise<void> {
  const stem = `${s.kind}_${s.periodStart}_${s.periodEnd}_v${s.version}`;
  ctx.set(
    'Content-Disposition',
    attachmentHeader(`${s.kind === 'weekly' ? '服务周报' : '服务月报'}_${s.periodStart}_${s.periodEnd}.xlsx`, `summary_${stem}.xlsx`),
  );
  ctx.type = XLSX;
  ctx.body = await renderSummaryXlsx(s);
}

/** Answers with the summary's chart as PNG (private: it is one recipient's report). */
export async function sendSummaryChart(ctx: Context, s: SummaryDetail): Promise<void> {
  ctx.type = 'image/png';
  ctx.set('Cache-Control', 'private, max-age=3600');
  ctx.body = await renderSummaryChart(s.figures.days, `${s.periodStart} – ${s.periodEnd}`);
}
