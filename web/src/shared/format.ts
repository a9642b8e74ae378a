// How the workbench writes times, counts and bill numbers (web.md): business time in Asia/Shanghai
// whatever the phone's zone, thousands separators, bill numbers as printed (10 digits).

const TIME_ZONE = 'Asia/Shanghai';

const dateTimeParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(value: string | number | Date): Record<string, string> | null {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(dateTimeParts.formatToParts(d).map((p) => [p.type, p.value]));
}

/** `2026-12-04 09:30` in Asia/Shanghai; '—' for a missing or unreadable time. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  const p = value === null || value === undefined ? null : parts(value);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : '—';
}

/** `2026-12-04` in Asia/Shanghai (a plain YYYY-MM-DD is returned as it is: it is already a business date). */
export function formatDate(value: string | number | Date | null | undefined): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = value === null || value === undefined ? null : parts(value);
  return p ? `${p.year}-${p.month}-${p.day}` : '—';
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234567 → `1,234,567`. */
export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : numberFormat.format(n);
}

/** A bill number as printed: 10 digits with leading zeros (42 → `0000000042`). */
export function formatBillNo(n: number | string): string {
  return String(n).padStart(10, '0');
}

/** A range of bill numbers: `0000000001–0000000100`, or the single number. */
export function formatBillRange(startNo: number, endNo: number): string {
  return startNo === endNo ? formatBillNo(startNo) : `${formatBillNo(startNo)}–${formatBillNo(endNo)}`;
}

/** A countdown to a deadline in words: `2 小时 05 分`, `45 分`, `已超时 1 小时 10 分`. */
export function formatCountdown(msLeft: number): string {
  const late = msLeft < 0;
  const minutes = Math.floor(Math.abs(msLeft) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const text = days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${String(mins).padStart(2, '0')} 分` : `${mins} 分`;
  return late ? `已超时 ${text}` : text;
}

/** The SLA colour of a deadline: amber from 80 % of the allowed time, red once breached. */
export function deadlineLevel(startedAt: string | Date, dueAt: string | Date, now: Date = new Date()): 'ok' | 'warning' | 'breached' {
  const start = new Date(startedAt).getTime();
  const due = new Date(dueAt).getTime();
  const t = now.getTime();
  if (t >= due) return 'breached';
  return due > start && (t - start) / (due - start) >= 0.8 ? 'warning' : 'ok';
}

export const ROLE_NAMES: Record<string, string> = {
  admin: '系统管理员',
  operator: '票据管理科',
  engineer: '驻场工程师',
  leader: '领导',
  unit_staff: '单位票据员',
};
