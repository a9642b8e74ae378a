// The write-off form's checks as typed, mirroring the server (lineSchema and the stock check): numbers
// of at most 10 digits, start ≤ end, inside what the unit holds of that batch, no two lines overlapping.
import { formatBillRange } from '../../shared/format';

export const MAX_BILL_NO = 9_999_999_999;

export interface Span {
  batchCode: string;
  startNo: number;
  endNo: number;
}

/** A number typed into a field: digits only, 1 … 9 999 999 999, else null. */
export function billNo(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= MAX_BILL_NO ? n : null;
}

/** The parts of [start, end] that no held span of the batch covers. */
export function notHeld(line: Span, held: readonly Span[]): Array<[number, number]> {
  const own = held.filter((h) => h.batchCode === line.batchCode).sort((a, b) => a.startNo - b.startNo);
  const gaps: Array<[number, number]> = [];
  let next = line.startNo;
  for (const h of own) {
    if (h.endNo < next) continue;
    if (h.startNo > line.endNo) break;
    if (h.startNo > next) gaps.push([next, h.startNo - 1]);
    next = Math.max(next, h.endNo + 1);
    if (next > line.endNo) break;
  }
  if (next <= line.endNo) gaps.push([next, line.endNo]);
  return gaps;
}

export const overlaps = (a: Span, b: Span): boolean => a.batchCode === b.batchCode && a.startNo <= b.endNo && b.startNo <= a.endNo;

/** The message for one typed line, or '' when it is fine. `others` are the lines before it. */
export function lineProblem(
  batchCode: string,
  startText: string,
  endText: string,
  held: readonly Span[],
  others: ReadonlyArray<{ span: Span; label: string }>,
): string {
  if (!batchCode) return '请选择票据代码';
  if (!startText.trim() || !endText.trim()) return '请填写起止号码';
  const start = billNo(startText);
  const end = billNo(endText);
  if (start === null || end === null) return '票据号码应为 1–10 位数字';
  if (start > end) return '起始号码不能大于终止号码';
  const span = { batchCode, startNo: start, endNo: end };
  const gaps = notHeld(span, held);
  if (gaps.length) {
    const shown = gaps.slice(0, 3).map(([s, e]) => formatBillRange(s, e));
    return `号码 ${shown.join('、')}${gaps.length > 3 ? ' 等' : ''} 不在本单位库存中`;
  }
  const clash = others.find((o) => overlaps(o.span, span));
  return clash ? `与${clash.label}的号码重叠` : '';
}
