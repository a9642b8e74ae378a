import { utf8Bytes } from '../utf8';

/** Bill numbers are shown with ten digits, as printed on the bills: 0000000001-0000000100. */
export const billNo = (n: number): string => String(n).padStart(10, '0');

/** A run of numbers as unit staff read it. */
export const runText = (startNo: number, endNo: number): string =>
  startNo === endNo ? billNo(startNo) : `${billNo(startNo)}-${billNo(endNo)}`;

/** Beijing time is UTC+8 all year: China has kept no daylight saving time since 1991. */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * An instant in Beijing time, e.g. 2026-03-02 11:00. Plain arithmetic on the fixed offset: asking
 * the zone database (Intl, through luxon) for each time shown was 2 % of a bot turn's CPU (bench:bot profile, 2026-12-06).
 */
export function shanghaiTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const ms = (typeof d === 'string' ? new Date(d) : d).getTime();
  if (Number.isNaN(ms)) return '—';
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A business date (YYYY-MM-DD) of an instant in Beijing time. */
export function shanghaiDay(d: Date | string | null | undefined): string {
  return shanghaiTime(d).slice(0, 10);
}

/** Keeps a reply within maxBytes (UTF-8) on a line boundary, saying that more exists. */
export function capReply(text: string, maxBytes: number, more = '……（内容较多，完整信息请登录系统查看）'): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let bytes = utf8Bytes(more) + 1;
  for (const line of lines) {
    const b = utf8Bytes(line) + 1;
    if (bytes + b > maxBytes) break;
    out.push(line);
    bytes += b;
  }
  return [...out, more].join('\n');
}

/** A time entity as an answer names it: 上周（2026-11-23 至 2026-11-29）, 2026-11-03. */
export function periodText(p: { from: string; to: string; label: string }): string {
  if (p.from === p.to) return p.from === p.label ? p.label : `${p.label}（${p.from}）`;
  return `${p.label}（${p.from} 至 ${p.to}）`;
}
