import { DateTime } from 'luxon';
import type { Clock } from '../../clock';
import type { DomainStore } from '../../db/repositories';
import type { Actor } from '../../identity/actor';
import { requirePermission } from '../../policy';
import type { TrainingSession } from './training.entity';

const ZONE = 'Asia/Shanghai';

export interface TodayInspection {
  scheduleId: number;
  name: string;
  frequency: string;
  items: number;
  /** The schedule's newest run, if any. */
  lastRun: { id: number; status: string; performedAt: Date; performedByName: string } | null;
  /** Not yet run in the current day / week / month (Asia/Shanghai). */
  due: boolean;
}

export interface TodayWork {
  date: string;
  inspections: TodayInspection[];
  /** Runs recorded today (any schedule or none), newest first. */
  runsToday: Array<{ id: number; scheduleId: number | null; kind: string; status: string; performedAt: Date; performedByName: string }>;
  trainings: TrainingSession[];
}

const PERIOD: Record<string, 'day' | 'week' | 'month'> = { daily: 'day', weekly: 'week', monthly: 'month' };

/**
 * The engineer's 巡检/培训 tab: every active inspection schedule with whether it is still due in
 * its current day, week or month, the runs recorded today, and today's training sessions.
 */
export function makeTodayWork(deps: { store: DomainStore; clock: Clock }) {
  const db = deps.store.read;
  return {
    async get(actor: Actor): Promise<TodayWork> {
      requirePermission(actor, 'desk.record.read');
      const now = DateTime.fromJSDate(deps.clock.now(), { zone: ZONE });
      const date = now.toISODate() as string;
      const schedules = (await db.inspections.schedules()).filter((s) => s.active);
      const inspections = await Promise.all(
        schedules.map(async (s): Promise<TodayInspection> => {
          const [[last]] = await db.inspections.pageRuns({ scheduleId: s.id }, { skip: 0, take: 1 });
          const since = now.startOf(PERIOD[s.frequency] ?? 'day').toJSDate();
          return {
            scheduleId: s.id,
            name: s.name,
            frequency: s.frequency,
            items: s.checklist.length,
            lastRun: last
              ? { id: last.id, status: last.status, performedAt: last.performedAt, performedByName: last.performedByName }
              : null,
            due: !last || last.performedAt < since,
          };
        }),
      );
      const dayStart = now.startOf('day').toJSDate();
      const [recent] = await db.inspections.pageRuns({}, { skip: 0, take: 50 });
      const runsToday = recent
        .filter((r) => r.performedAt >= dayStart)
        .map((r) => ({
          id: r.id,
          scheduleId: r.scheduleId,
          kind: r.kind,
          status: r.status,
          performedAt: r.performedAt,
          performedByName: r.performedByName,
        }));
      const [trainings] = await db.trainings.pageSessions({ from: date, to: date }, { skip: 0, take: 50 });
      // Due ones first, so the tab opens on what is left to do.
      inspections.sort((a, b) => Number(b.due) - Number(a.due) || a.scheduleId - b.scheduleId);
      return { date, inspections, runsToday, trainings };
    },
  };
}
export type TodayWorkService = ReturnType<typeof makeTodayWork>;
