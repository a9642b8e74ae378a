import { DateTime } from 'luxon';
import { ValidationError } from '../../errors';
import { addDays, type Calendar } from './calendar';
import { minutesOfDay, type SlaPolicy, type TicketPriority } from './sla-policy';

export type ClockKind = 'response' | 'onsite' | 'resolution';
export type DueRule = 'working-hours-1h' | 'off-hours-3h' | 'holiday-next-workday' | 'onsite-8h' | `resolution-${TicketPriority}`;
export interface Interval {
  from: Date;
  to: Date;
}
export interface DueInput {
  receivedAt: Date;
  kind: ClockKind;
  /** Resolution clocks only; defaults to normal. */
  priority?: TicketPriority;
  /** Times the ticket waited for the user (clock paused); may overlap and be unsorted. */
  pauses?: Interval[];
}
export interface DueResult {
  dueAt: Date;
  rule: DueRule;
  explanation: string;
  receivedAt: Date;
  /** First counted instant (later than receivedAt when received in holiday time or a pause). */
  clockStartsAt: Date;
  durationMinutes: number;
  /** Counted stretches from the start to dueAt, adjacent ones merged. */
  countedPeriods: Interval[];
  /** Years crossed whose official calendar is not loaded (counted as ordinary weeks). */
  calendarMissingYears: number[];
}

const MIN = 60_000;
// A clock whose counted time cannot be found within this horizon means a broken calendar or policy.
const HORIZON_DAYS = 400;
const PRIORITY_LABEL: Record<TicketPriority, string> = { urgent: '紧急', high: '高优先级', normal: '普通', low: '低优先级' };

const localDate = (ms: number, p: SlaPolicy): string => DateTime.fromMillis(ms, { zone: p.timeZone }).toISODate()!;
const dayStart = (date: string, p: SlaPolicy): number => DateTime.fromISO(date, { zone: p.timeZone }).toMillis();
const fmt = (ms: number, p: SlaPolicy): string => DateTime.fromMillis(ms, { zone: p.timeZone }).toFormat('yyyy-MM-dd HH:mm');

/** Formats an instant as ISO 8601 in the policy zone, e.g. 2026-10-08T09:00:00+08:00. */
export const toShanghaiIso = (d: Date, p: SlaPolicy): string =>
  DateTime.fromJSDate(d, { zone: p.timeZone }).toISO({ suppressMilliseconds: true })!;

/** "1 小时", "90 分钟" → readable Chinese duration. */
export function formatMinutes(m: number): string {
  const h = Math.floor(m / 60);
  const r = Math.round(m % 60);
  if (h === 0) return `${r} 分钟`;
  return r === 0 ? `${h} 小时` : `${h} 小时 ${r} 分钟`;
}

// A holiday, and an ordinary weekend that directly follows one, are not counted at all: after a
// holiday the clock resumes only on the next working day (the contract's "09:00 of the next working day").
function fullyExcluded(date: string, cal: Calendar): boolean {
  const k = cal.kind(date);
  if (k !== 'weekend') return k === 'holiday';
  let d = addDays(date, -1);
  for (let i = 0; i < 7; i++, d = addDays(d, -1)) {
    const prev = cal.kind(d);
    if (prev !== 'weekend') return prev === 'holiday';
  }
  return false;
}

/** Counted part of one local day in minutes [from, to), or null when the day does not count. */
function countedWindow(date: string, cal: Calendar, p: SlaPolicy): [number, number] | null {
  if (fullyExcluded(date, cal)) return null;
  if (fullyExcluded(addDays(date, -1), cal)) return [minutesOfDay(p.holidayResumeAt), 1440];
  return [0, 1440];
}

/** Counted stretches (holidays removed, pauses not yet) from `fromMs` on, one per local day. */
function* daySegments(fromMs: number, cal: Calendar, p: SlaPolicy): Generator<[number, number]> {
  let date = localDate(fromMs, p);
  for (let i = 0; i < HORIZON_DAYS; i++, date = addDays(date, 1)) {
    const w = countedWindow(date, cal, p);
    if (!w) continue;
    const base = dayStart(date, p);
    const a = Math.max(base + w[0] * MIN, fromMs);
    const b = base + w[1] * MIN;
    if (b > a) yield [a, b];
  }
  throw new ValidationError('INVALID_INPUT', `${HORIZON_DAYS} 天内没有可计时的时间，请检查节假日安排`);
}

function normalisePauses(pauses: Interval[] | undefined): Array<[number, number]> {
  const xs = (pauses ?? []).map((x) => [x.from.getTime(), x.to.getTime()] as [number, number]).filter(([a, b]) => b > a);
  xs.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else out.push([...x]);
  }
  return out;
}

/** Cuts the pause intervals out of [a, b). */
function minusPauses(a: number, b: number, pauses: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let cur = a;
  for (const [pa, pb] of pauses) {
    if (pb <= cur || pa >= b) continue;
    if (pa > cur) out.push([cur, pa]);
    cur = Math.max(cur, pb);
    if (cur >= b) break;
  }
  if (cur < b) out.push([cur, b]);
  return out;
}

/** True when the instant lies in holiday time (a holiday, or after one before the clock resumes). */
export function inHolidayTime(at: Date, policy: SlaPolicy, cal: Calendar): boolean {
  const ms = at.getTime();
  const date = localDate(ms, policy);
  const w = countedWindow(date, cal, policy);
  return !w || ms < dayStart(date, policy) + w[0] * MIN;
}

function chooseRule(input: DueInput, p: SlaPolicy, cal: Calendar): { rule: DueRule; minutes: number } {
  if (input.kind === 'onsite') return { rule: 'onsite-8h', minutes: p.onsiteMinutes };
  if (input.kind === 'resolution') {
    const pr = input.priority ?? 'normal';
    return { rule: `resolution-${pr}`, minutes: p.resolutionMinutes[pr] };
  }
  const ms = input.receivedAt.getTime();
  if (inHolidayTime(input.receivedAt, p, cal)) return { rule: 'holiday-next-workday', minutes: p.responseInHoursMinutes };
  const date = localDate(ms, p);
  const minute = (ms - dayStart(date, p)) / MIN;
  const inHours = cal.isWorkingDay(date) && minute >= minutesOfDay(p.workingHours.start) && minute < minutesOfDay(p.workingHours.end);
  return inHours
    ? { rule: 'working-hours-1h', minutes: p.responseInHoursMinutes }
    : { rule: 'off-hours-3h', minutes: p.responseOffHoursMinutes };
}

/** Computes when a clock falls due: counted time excludes holiday time and pauses (docs/sla.md). */
export function computeDue(input: DueInput, policy: SlaPolicy, cal: Calendar): DueResult {
  const start = input.receivedAt.getTime();
  if (!Number.isFinite(start)) throw new ValidationError('INVALID_INPUT', '受理时间无效');
  const { rule, minutes } = chooseRule(input, policy, cal);
  const pauses = normalisePauses(input.pauses);
  let remaining = minutes * MIN;
  const counted: Array<[number, number]> = [];
  const resumes: number[] = []; // day segments that begin after holiday time skipped mid-clock
  let prevEnd = start;
  let dueMs = start;
  for (const [a, b] of daySegments(start, cal, policy)) {
    if (a > prevEnd && counted.length > 0) resumes.push(a);
    prevEnd = b;
    let done = false;
    for (const [x, y] of minusPauses(a, b, pauses)) {
      const take = Math.min(y - x, remaining);
      counted.push([x, x + take]);
      remaining -= take;
      if (remaining === 0) {
        dueMs = x + take;
        done = true;
        break;
      }
    }
    if (done) break;
  }
  const periods = mergeAdjacent(counted);
  const clockStartsAt = periods[0][0];
  const missing = missingYears(start, dueMs, policy, cal);
  const explanation = explain({ rule, minutes, start, clockStartsAt, dueMs, resumes, periods, missing }, input, policy, cal);
  return {
    dueAt: new Date(dueMs),
    rule,
    explanation,
    receivedAt: new Date(start),
    clockStartsAt: new Date(clockStartsAt),
    durationMinutes: minutes,
    countedPeriods: periods.map(([a, b]) => ({ from: new Date(a), to: new Date(b) })),
    calendarMissingYears: missing,
  };
}

/** Counted milliseconds between two instants (holiday time and pauses excluded), for breach measurement. */
export function elapsedCounted(from: Date, to: Date, policy: SlaPolicy, cal: Calendar, pauses: Interval[] = []): number {
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  const ps = normalisePauses(pauses);
  let total = 0;
  for (const [a, b] of daySegments(from.getTime(), cal, policy)) {
    if (a >= end) break;
    for (const [x, y] of minusPauses(a, Math.min(b, end), ps)) total += y - x;
    if (b >= end) break;
  }
  return total;
}

function mergeAdjacent(xs: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of xs) {
    const last = out[out.length - 1];
    if (last && last[1] === a) last[1] = b;
    else out.push([a, b]);
  }
  return out;
}

function missingYears(fromMs: number, toMs: number, p: SlaPolicy, cal: Calendar): number[] {
  const out: number[] = [];
  for (let y = Number(localDate(fromMs, p).slice(0, 4)); y <= Number(localDate(toMs, p).slice(0, 4)); y++) {
    if (!cal.isYearLoaded(y)) out.push(y);
  }
  return out;
}

interface ExplainFacts {
  rule: DueRule;
  minutes: number;
  start: number;
  clockStartsAt: number;
  dueMs: number;
  resumes: number[];
  periods: Array<[number, number]>;
  missing: number[];
}

function explain(f: ExplainFacts, input: DueInput, p: SlaPolicy, cal: Calendar): string {
  const d = formatMinutes(f.minutes);
  const { start: ws, end: we } = p.workingHours;
  const parts: string[] = [];
  const heldInHoliday = f.rule !== 'holiday-next-workday' && inHolidayTime(input.receivedAt, p, cal);
  if (f.rule === 'working-hours-1h') parts.push(`工作日工作时间（${ws}–${we}）内受理，${d}内响应`);
  else if (f.rule === 'off-hours-3h') parts.push(`非工作时间（晚间、夜间或周末）受理，${d}内响应`);
  else if (f.rule === 'holiday-next-workday') {
    const day = cal.day(localDate(f.start, p));
    const when =
      day.kind === 'holiday'
        ? `法定节假日${day.name ? `（${day.name}）` : ''}期间受理`
        : `节假日后、工作日 ${p.holidayResumeAt} 恢复计时前受理`;
    parts.push(`${when}，节假日时间不计，自下一工作日 ${fmt(f.clockStartsAt, p)} 起 ${d}内响应`);
  } else if (f.rule === 'onsite-8h') parts.push(`决定派员现场处理后 ${d}内到场`);
  else parts.push(`${PRIORITY_LABEL[input.priority ?? 'normal']}工单 ${d}内解决`);
  if (heldInHoliday) parts.push(`节假日时间不计，自 ${fmt(f.clockStartsAt, p)} 起计时`);
  if (f.resumes.length > 0) parts.push(`其间法定节假日时间不计，于 ${f.resumes.map((r) => fmt(r, p)).join('、')} 恢复计时`);
  const pausedMs = pausedWithin(f, input, p, cal);
  if (pausedMs > 0) parts.push(`等待用户期间暂停计时 ${formatMinutes(pausedMs / MIN)}`);
  if (f.missing.length > 0) parts.push(`注意：${f.missing.join('、')} 年节假日安排尚未载入，按普通工作日和周末计算`);
  return parts.join('；');
}

function pausedWithin(f: ExplainFacts, input: DueInput, p: SlaPolicy, cal: Calendar): number {
  if (!input.pauses?.length) return 0;
  const withoutPauses = elapsedCounted(new Date(f.start), new Date(f.dueMs), p, cal);
  return withoutPauses - f.minutes * MIN;
}
