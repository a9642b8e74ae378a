import data from 'chinese-days/dist/chinese-days.json';
import { makeCalendar, type Calendar, type CalendarEntry } from './calendar';

// chinese-days stores "English name,中文名,n" per date; only the Chinese name is kept.
const entriesOf = (map: Record<string, string>, kind: CalendarEntry['kind']): CalendarEntry[] =>
  Object.entries(map).map(([date, v]) => ({ date, kind, name: v.split(',')[1] ?? v }));

/**
 * The official holidays (放假, including the weekend days inside a holiday run) and make-up working
 * days (调休上班) shipped with chinese-days. Its `inLieuDays` only label which days off were
 * swapped; they are already holidays, so they are not needed here.
 */
export const BUNDLED_CALENDAR: readonly CalendarEntry[] = Object.freeze([
  ...entriesOf(data.holidays, 'holiday'),
  ...entriesOf(data.workdays, 'workday'),
]);

/** Years the bundled data covers, ascending. */
export const bundledYears = (): number[] => [...new Set(BUNDLED_CALENDAR.map((e) => Number(e.date.slice(0, 4))))].sort((a, b) => a - b);

/** The calendar with no overrides. */
export const bundledCalendar = (): Calendar => makeCalendar(BUNDLED_CALENDAR, []);
