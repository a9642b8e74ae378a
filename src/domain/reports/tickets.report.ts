import type { Repositories } from '../db/repositories';
import type { Period } from './report.schemas';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

const SOURCE_NAMES: Record<string, string> = {
  bot: '机器人转人工',
  fault: '故障报告',
  alert: '监控告警',
  phone: '来电',
  fax: '传真',
  network: '网络',
  walk_in: '来访',
  inspection: '巡检发现',
};

async function countBy(tx: Pick<Repositories, 'reports'>, p: Period, column: 'source' | 'category' | 'unitId') {
  const rows = await tx.reports.ticketCounts(p, column);
  return rows.sort((x, y) => y.n - x.n || String(x.k).localeCompare(String(y.k)));
}

/** Tickets opened in the period, counted by source, category and unit (most first). */
export async function ticketsBy(
  tx: Pick<Repositories, 'reports' | 'catalog'>,
  p: Period,
): Promise<{ bySource: CountRow[]; byCategory: CountRow[]; byUnit: CountRow[]; total: number }> {
  const [src, cat, unit] = await Promise.all([countBy(tx, p, 'source'), countBy(tx, p, 'category'), countBy(tx, p, 'unitId')]);
  const units = new Map((await tx.catalog.allUnits()).map((u) => [u.id, u]));
  return {
    bySource: src.map((r) => ({ key: String(r.k), label: SOURCE_NAMES[String(r.k)] ?? String(r.k), count: r.n })),
    byCategory: cat.map((r) => ({ key: String(r.k), label: String(r.k), count: r.n })),
    byUnit: unit.map((r) => {
      const u = r.k === null ? undefined : units.get(Number(r.k));
      return { key: u?.code ?? '', label: u?.name ?? '未关联单位', count: r.n };
    }),
    total: src.reduce((s, r) => s + r.n, 0),
  };
}
