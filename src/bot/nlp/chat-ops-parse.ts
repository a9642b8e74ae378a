/**
 * What a unit's chat request carries beyond its intent: a quantity (2000份, 两千张, 2千, 1.5万份)
 * and runs of bill numbers by kind (已用 0000001-0000300 作废 0000301-0000305).
 */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/**
 * Chinese numerals as people type them: 两千 2000, 三百五十 350, 一万二 12000, 两千五 2500 (a
 * trailing digit after a unit counts one unit lower), 十五 15. NaN when it is not a number.
 */
export function chineseNumber(s: string): number {
  if (!/^[零〇一二两三四五六七八九十百千万]+$/u.test(s)) return NaN;
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = 0;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch];
      continue;
    }
    const unit = UNIT[ch];
    if (unit === 10000) {
      total += (section + (digit ?? 0)) * 10000;
      section = 0;
      lastUnit = 10000;
    } else {
      section += (digit ?? 1) * unit;
      lastUnit = unit;
    }
    digit = null;
  }
  if (digit !== null) section += lastUnit >= 100 && !s.includes('零') ? digit * (lastUnit / 10) : digit;
  return total + section;
}

// Digits glued to Latin letters (A4, B5, ukey2) are names, not quantities.
const QUANTITY = /(?<![a-z\d.])(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(万|千|百)?\s*(份|张|本|套|联)?(?![a-z])/giu;
const MULT: Record<string, number> = { 万: 10000, 千: 1000, 百: 100 };

/**
 * The quantity asked for: a number with a counting word (份/张/本/套) wins over a bare one; bare
 * numbers count only when nothing else is there and they are not part of a document number.
 */
export function parseQuantity(text: string): number | null {
  const clean = text.normalize('NFKC').replace(/[a-z]{1,4}-\d{4}-\d+/giu, ' ');
  let bare: number | null = null;
  for (const m of clean.matchAll(QUANTITY)) {
    const [, num, mult, unit] = m;
    const base = /^\d/.test(num) ? Number(num) : chineseNumber(num);
    if (!Number.isFinite(base)) continue;
    const n = Math.round(base * (mult ? MULT[mult] : 1));
    if (!Number.isSafeInteger(n) || n <= 0) continue;
    if (unit) return n;
    // A lone Chinese numeral (一下, 一批) is a word, not a quantity.
    if (bare === null && (/^\d{2}/.test(num) || mult || /[十百千万]/u.test(num))) bare = n;
  }
  return bare;
}

export type RunKind = 'used' | 'voided' | 'lost';

export interface NumberRun {
  kind: RunKind;
  /** An 8-digit batch code when the member named one; else it is worked out from the unit's stock. */
  batchCode: string | null;
  startNo: number;
  endNo: number;
}

const KIND_WORDS: Array<[RegExp, RunKind]> = [
  [/^(?:已用|已开|使用|用了|开具|已开具|正常使用|开票)/u, 'used'],
  [/^(?:作废|废票|已作废|废了)/u, 'voided'],
  [/^(?:灭失|丢失|遗失|损毁)/u, 'lost'],
];

/**
 * Runs of numbers by kind, in the order written. A run before any kind word is `used`. Returns
 * an error text (Chinese) for a reversed run or a number longer than 10 digits.
 */
export function parseRuns(text: string): { runs: NumberRun[]; error: string | null } {
  const clean = text.normalize('NFKC').replace(/[，,；;、]/gu, ' ');
  const runs: NumberRun[] = [];
  let kind: RunKind = 'used';
  let batch: string | null = null;
  const token =
    /(已用|已开具|已开|使用|用了|开具|正常使用|开票|作废|废票|已作废|废了|灭失|丢失|遗失|损毁)|(?:批次|代码|票据代码)\s*[:：]?\s*(\d{8})|(\d{1,12})(?:\s*(?:-|~|至|到|—|－)\s*(\d{1,12}))?/gu;
  for (const m of clean.matchAll(token)) {
    if (m[1]) {
      kind = KIND_WORDS.find(([re]) => re.test(m[1]))![1];
      continue;
    }
    if (m[2]) {
      batch = m[2];
      continue;
    }
    const a = m[3];
    const b = m[4] ?? m[3];
    if (a.length > 10 || b.length > 10) return { runs, error: `号码 ${a.length > 10 ? a : b} 超过 10 位，请核对。` };
    const startNo = Number(a);
    const endNo = Number(b);
    if (startNo < 1) return { runs, error: '票据号码必须大于 0。' };
    if (startNo > endNo) return { runs, error: `号段 ${a}-${b} 起始号码大于终止号码，请核对。` };
    runs.push({ kind, batchCode: batch, startNo, endNo });
  }
  return { runs, error: null };
}
