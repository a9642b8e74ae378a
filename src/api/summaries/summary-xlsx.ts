import type { SummaryDetail } from '../../domain/summaries/summary.service';
import type { Comparison } from '../../domain/summaries/weekly-figures';
import { col, type Table } from '../reports/table';
import { renderXlsx } from '../reports/xlsx';

// Rates are shown as percentages with one decimal, as in the pushed markdown.
const shown = (c: Comparison, v: number | null): string | number | null =>
  v === null ? '数据暂缺' : c.type === 'rate' ? `${(v * 100).toFixed(1)}%` : v;

/** The summary's tables: headlines against the previous period, days, SLA, channels, categories, sources, questions. */
export function summaryTables(s: SummaryDetail): Table[] {
  const f = s.figures;
  const name = s.kind === 'weekly' ? '服务周报' : '服务月报';
  const subtitle = `统计期间：${f.current.start} 至 ${f.current.end}；上期：${f.previous.start} 至 ${f.previous.end}`;
  return [
    {
      title: name,
      subtitle,
      columns: [
        col('label', '指标', 'text', 22),
        col('current', '本期', 'int', 14),
        col('previous', '上期', 'int', 14),
        col('change', '变化', 'text', 16),
      ],
      rows: f.comparison.map((c) => ({ label: c.label, current: shown(c, c.current), previous: shown(c, c.previous), change: c.change })),
    },
    {
      title: '每日工单与SLA',
      subtitle,
      columns: [
        col('date', '日期', 'date'),
        col('opened', '新建工单', 'int'),
        col('resolved', '解决工单', 'int'),
        col('slaMet', 'SLA 达标', 'int'),
        col('slaBreached', 'SLA 超时', 'int'),
      ],
      rows: f.days.map((d) => ({ ...d })),
    },
    {
      title: 'SLA 达标',
      subtitle,
      columns: [col('label', '时钟'), col('met', '达标', 'int'), col('breached', '超时', 'int'), col('rate', '达标率', 'text')],
      rows: f.current.sla.clocks.map((c) => ({
        label: c.label,
        met: c.met,
        breached: c.breached,
        rate: c.rate === null ? '—' : `${(c.rate * 100).toFixed(1)}%`,
      })),
    },
    {
      title: '咨询渠道',
      subtitle,
      columns: [col('label', '渠道'), col('count', '次数', 'int')],
      rows: f.current.consultations.byChannel.map((c) => ({ ...c })),
    },
    {
      title: '咨询类别',
      subtitle,
      columns: [col('label', '类别', 'text', 20), col('count', '次数', 'int')],
      rows: f.current.consultations.byCategory.map((c) => ({ ...c })),
    },
    {
      title: '工单来源',
      subtitle,
      columns: [col('label', '来源', 'text', 16), col('count', '工单数', 'int')],
      rows: f.current.tickets.bySource.map((c) => ({ ...c })),
    },
    {
      title: '未解答问题',
      subtitle,
      columns: [col('text', '问题', 'text', 60), col('count', '次数', 'int')],
      rows: f.current.bot.topUnanswered.map((q) => ({ ...q })),
    },
  ];
}

/** The summary as a workbook, one sheet per table. */
export const renderSummaryXlsx = (s: SummaryDetail): Promise<Buffer> => renderXlsx(summaryTables(s));
