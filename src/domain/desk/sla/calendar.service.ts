import type { Clock } from '../../clock';
import type { DomainStore } from '../../db/repositories';
import { ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import type { Calendar, CalendarEntry } from './calendar';
import { computeDue, type DueResult, type Interval } from './due';
import { calendarImportSchema, type DueQuery } from './sla.schemas';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from './sla-policy';
import { requirePermission } from '../../policy';

/** The merged special days of one year, as the API shows them. */
export interface CalendarYearView {
  year: number;
  loaded: boolean;
  days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string | null; source: 'bundled' | 'override' }>;
}

/** Checks a year's import beyond its shape; every problem is listed, none is stored. */
function validateYear(year: number, raw: unknown): CalendarEntry[] {
  const parsed = calendarImportSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(
      'INVALID_INPUT',
      `节假日安排不正确：${details[0].path ? `第 ${Number(details[0].path.split('.')[0]) + 1} 项 ` : ''}${details[0].message}`,
      details,
    );
  }
  const details: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  parsed.data.forEach((d, i) => {
    if (!d.date.startsWith(`${year}-`)) details.push({ path: `${i}.date`, message: `日期 ${d.date} 不属于 ${year} 年` });
    if (seen.has(d.date)) details.push({ path: `${i}.date`, message: `日期 ${d.date} 重复` });
    seen.add(d.date);
  });
  if (details.length > 0) throw new ValidationError('INVALID_INPUT', `节假日安排不正确：${details[0].message}`, details);
  return parsed.data.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? null }));
}

/** SLA due times and the official working-day calendar (bundled years + admin overrides). */
export function makeSlaService(deps: { store: DomainStore; clock: Clock; policy?: SlaPolicy }) {
  const { store, clock } = deps;
  const policy = deps.policy ?? DEFAULT_SLA_POLICY;

  // The override table is small; reading it per call keeps every process in step after an import.
  const loadCalendar = (): Promise<Calendar> => store.read.slaCalendar.calendar();

  async function getYear(year: number): Promise<CalendarYearView> {
    const cal = await loadCalendar();
    return { year, loaded: cal.isYearLoaded(year), days: cal.specialDays(year) };
  }

  return {
    policy: (): SlaPolicy => policy,
    loadCalendar,
    getYear,

    /** When a clock started at `receivedAt` falls due under the current policy and calendar. */
    async due(q: DueQuery & { pauses?: Interval[] }): Promise<DueResult> {
      return computeDue(q, policy, await loadCalendar());
    },

    /** Years whose official calendar is known (bundle or import); the inspection job checks next year. */
    async calendarYearsLoaded(): Promise<number[]> {
      return (await loadCalendar()).yearsLoaded();
    },

    /** Replaces the admin overrides of one year with the given list (admin only, audited). */
    async importYear(actor: Actor, year: number, input: unknown): Promise<CalendarYearView> {
      requirePermission(actor, 'sla.calendar.edit');
      const entries = validateYear(year, input);
      await store.transaction(async (tx) => {
        const before = await tx.slaCalendar.overridesOf(year);
        const now = clock.now();
        await tx.slaCalendar.replaceYear(year, entries, now, actor.username);
        await tx.audit.record(actor, now, {
          action: 'sla-calendar.import',
          entityType: 'sla_calendar',
          entityId: year,
          before: before.map((r) => ({ date: r.date, kind: r.kind, name: r.name })),
          after: entries,
        });
      });
      return getYear(year);
    },
  };
}
export type SlaService = ReturnType<typeof makeSlaService>;
