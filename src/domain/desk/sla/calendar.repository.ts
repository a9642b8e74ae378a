import type { RepoContext } from '../../db/store';
import { BUNDLED_CALENDAR } from './bundled-calendar';
import { makeCalendar, type Calendar, type CalendarEntry } from './calendar';
import { CalendarDay } from './calendar-day.entity';

/** The admin's overrides of the official calendar (sla_calendar_day), merged over the bundled years. */
export function makeSlaCalendarRepository({ em }: RepoContext) {
  return {
    /** The calendar in force: bundled years with every override on top. */
    async calendar(): Promise<Calendar> {
      const rows = await em.find(CalendarDay);
      return makeCalendar(
        BUNDLED_CALENDAR,
        rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name })),
      );
    },
    /** The overrides of one year, by date. */
    overridesOf: (year: number): Promise<CalendarDay[]> => em.find(CalendarDay, { where: { year }, order: { date: 'ASC' } }),
    /** Replaces the overrides of one year. */
    async replaceYear(year: number, entries: CalendarEntry[], at: Date, by: string): Promise<void> {
      await em.delete(CalendarDay, { year });
      if (entries.length > 0) {
        await em.insert(
          CalendarDay,
          entries.map((e) => ({ ...e, name: e.name ?? null, year, importedAt: at, importedBy: by })),
        );
      }
    },
  };
}
export type SlaCalendarRepository = ReturnType<typeof makeSlaCalendarRepository>;
