import type { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { CHANNEL_NAMES, type DeskReportQuery } from '../desk/records/records.schemas';
import { type Actor } from '../identity/actor';
import { num } from './report-names';
import { resolvePeriod } from './report.schemas';
import { requirePermission } from '../policy';

export interface CountRow {
  key: string;
  name: string;
  count: number;
  minutes: number;
}

/** 咨询统计: consultations by channel, category and unit over a period. */
export interface ConsultationReport {
  from: string;
  to: string;
  unitCode: string | null;
  total: number;
  totalMinutes: number;
  byChannel: CountRow[];
  byCategory: CountRow[];
  byUnit: Array<CountRow & { unitCode: string; unitName: string }>;
}

/** 回访满意度: answered surveys, average and distribution of ratings over a period (by answer date). */
export interface ReturnVisitReport {
  from: string;
  to: string;
  unitCode: string | null;
  asked: number;
  answered: number;
  responseRate: number | null;
  averageRating: number | null;
  distribution: Array<{ rating: number; count: number; share: number }>;
  dissatisfied: number;
  reopened: number;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Reports over the service desk's records (consultations, return visits). */
export function makeDeskRecordsReports(deps: { store: DomainStore; clock: Clock }) {
  const { clock } = deps;
  const { catalog, reports } = deps.store.read;

  const unitFilter = async (code: string | undefined): Promise<Unit | null> => (code ? catalog.unitByCode(code) : null);

  return {
    async consultations(actor: Actor, q: Omit<DeskReportQuery, 'format'>): Promise<ConsultationReport> {
      requirePermission(actor, 'report.desk.read');
      const p = resolvePeriod(q, clock.now());
      const unit = await unitFilter(q.unitCode);
      const group = async (column: 'channel' | 'category' | 'unitId') =>
        (await reports.consultationsBy(p, column, unit?.id)).map((r) => ({ key: r.k, count: num(r.n), minutes: num(r.m) }));
      const byChannel = (await group('channel')).map((r) => ({
        key: String(r.key),
        name: CHANNEL_NAMES[r.key as keyof typeof CHANNEL_NAMES] ?? String(r.key),
        count: r.count,
        minutes: r.minutes,
      }));
      const byCategory = (await group('category')).map((r) => ({
        key: String(r.key),
        name: String(r.key),
        count: r.count,
        minutes: r.minutes,
      }));
      const unitRows = await group('unitId');
      const units = new Map((await catalog.allUnits()).map((u) => [u.id, u]));
      const byUnit = unitRows.map((r) => {
        const u = r.key === null ? null : units.get(Number(r.key));
        return {
          key: u?.code ?? '',
          name: u?.name ?? '未关联单位',
          unitCode: u?.code ?? '',
          unitName: u?.name ?? '未关联单位',
          count: r.count,
          minutes: r.minutes,
        };
      });
      const total = byChannel.reduce((s, r) => s + r.count, 0);
      const totalMinutes = byChannel.reduce((s, r) => s + r.minutes, 0);
      return { from: p.from, to: p.to, unitCode: unit?.code ?? null, total, totalMinutes, byChannel, byCategory, byUnit };
    },

    async returnVisits(actor: Actor, q: Omit<DeskReportQuery, 'format'>): Promise<ReturnVisitReport> {
      requirePermission(actor, 'report.desk.read');
      const p = resolvePeriod(q, clock.now());
      const unit = await unitFilter(q.unitCode);
      const asked = await reports.returnVisitsAsked(p, unit?.id);
      const rows = await reports.returnVisitRatings(p, unit?.id);
      const counts = new Map(rows.map((r) => [num(r.r), num(r.n)]));
      const answered = rows.reduce((s, r) => s + num(r.n), 0);
      const sum = rows.reduce((s, r) => s + num(r.r) * num(r.n), 0);
      const distribution = [5, 4, 3, 2, 1].map((rating) => ({
        rating,
        count: counts.get(rating) ?? 0,
        share: answered ? round((counts.get(rating) ?? 0) / answered, 4) : 0,
      }));
      return {
        from: p.from,
        to: p.to,
        unitCode: unit?.code ?? null,
        asked,
        answered,
        // Phone visits are answered without being asked through WeCom, so the rate can exceed 1; it is capped.
        responseRate: asked ? Math.min(1, round(answered / asked, 4)) : null,
        averageRating: answered ? round(sum / answered) : null,
        distribution,
        dissatisfied: (counts.get(1) ?? 0) + (counts.get(2) ?? 0),
        reopened: rows.reduce((s, r) => s + num(r.reopened), 0),
      };
    },
  };
}
export type DeskRecordsReports = ReturnType<typeof makeDeskRecordsReports>;
