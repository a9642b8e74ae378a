/** A special day of the official calendar: a day off (放假) or a make-up working day (调休上班). */
export interface CalendarEntry {
  date: string;
  kind: 'holiday' | 'workday';
  name?: string | null;
}

/** How a day counts: holiday (放假), workday (incl. 调休 weekends) or an ordinary weekend. */
export type DayKind = 'holiday' | 'workday' | 'weekend';
export type DaySource = 'bundled' | 'override' | 'weekday-rule';

export interface DayInfo {
  date: string;
  kind: DayKind;
  /** A Saturday or Sunday that is a working day (调休). */
  makeup: boolean;
  name: string | null;
  source: DaySource;
}

/** The official working-day calendar: bundled years with per-date overrides on top. */
export interface Calendar {
  kind(date: string): DayKind;
  isWorkingDay(date: string): boolean;
  isHoliday(date: string): boolean;
  day(date: string): DayInfo;
  /** Years that the bundle or the overrides cover, ascending. */
  yearsLoaded(): number[];
  isYearLoaded(year: number): boolean;
  /** The special days of a year after merging, by date, with where each came from. */
  specialDays(year: number): Array<Required<CalendarEntry> & { source: 'bundled' | 'override' }>;
}

type YearIndex = Map<number, Map<string, CalendarEntry>>;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isValidDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// Pure date arithmetic in UTC so the server's TZ never shifts a business date.
/** Day of week of a YYYY-MM-DD date, 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/** The date `n` days after `date`. */
export const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const isWeekend = (date: string) => {
  const w = weekdayOf(date);
  return w === 0 || w === 6;
};

// Bundled data is indexed once per array (it is a module constant) rather than per makeCalendar call.
const indexCache = new WeakMap<readonly CalendarEntry[], YearIndex>();

function indexByYear(entries: readonly CalendarEntry[]): YearIndex {
  const cached = indexCache.get(entries);
  if (cached) return cached;
  const idx: YearIndex = new Map();
  for (const e of entries) {
    const year = Number(e.date.slice(0, 4));
    let m = idx.get(year);
    if (!m) idx.set(year, (m = new Map<string, CalendarEntry>()));
    m.set(e.date, e);
  }
  indexCache.set(entries, idx);
  return idx;
}

/** Builds a calendar; an override entry wins over the bundled entry of the same date. */
export function makeCalendar(bundled: readonly CalendarEntry[], overrides: readonly CalendarEntry[]): Calendar {
  const b = indexByYear(bundled);
  const o = indexByYear([...overrides]);
  const years = [...new Set([...b.keys(), ...o.keys()])].sort((x, y) => x - y);

  const day = (date: string): DayInfo => {
    const year = Number(date.slice(0, 4));
    const ov = o.get(year)?.get(date);
    const e = ov ?? b.get(year)?.get(date);
    const weekend = isWeekend(date);
    if (!e) return { date, kind: weekend ? 'weekend' : 'workday', makeup: false, name: null, source: 'weekday-rule' };
    return { date, kind: e.kind, makeup: e.kind === 'workday' && weekend, name: e.name ?? null, source: ov ? 'override' : 'bundled' };
  };

  return {
    day,
    kind: (date) => day(date).kind,
    isWorkingDay: (date) => day(date).kind === 'workday',
    isHoliday: (date) => day(date).kind === 'holiday',
    yearsLoaded: () => [...years],
    isYearLoaded: (year) => b.has(year) || o.has(year),
    specialDays(year) {
      const merged = new Map<string, Required<CalendarEntry> & { source: 'bundled' | 'override' }>();
      for (const e of b.get(year)?.values() ?? [])
        merged.set(e.date, { date: e.date, kind: e.kind, name: e.name ?? null, source: 'bundled' });
      for (const e of o.get(year)?.values() ?? [])
        merged.set(e.date, { date: e.date, kind: e.kind, name: e.name ?? null, source: 'override' });
      return [...merged.values()].sort((x, y) => (x.date < y.date ? -1 : 1));
    },
  };
}
