import { DateTime } from 'luxon';
import { BEIJING_ZONE } from '../../domain/common/dates';
import type { DialogEntities } from '../../domain/ports/bot';

/** A bill type of the catalog with the names staff really use for it. */
export interface BillTypeRef {
  code: string;
  name: string;
  aliases: string[];
}

/** Entities found in one message (part of the bot's answer, so declared with the bot port). */
export type Entities = DialogEntities;

type Unit = 'year' | 'quarter' | 'month' | 'week' | 'day';
const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
  十一: 11,
  十二: 12,
};
const toNumber = (s: string): number => (/^\d+$/.test(s) ? Number(s) : (CN_DIGITS[s] ?? NaN));

function span(start: DateTime, unit: Unit, label: string): Entities['period'] {
  const from = start.startOf(unit);
  return { from: from.toISODate() as string, to: from.endOf(unit).toISODate() as string, label };
}

// Relative words, longest first so that 上个季度 is not read as 上个…
const RELATIVE: [RegExp, Unit, number, string][] = [
  [/前年/u, 'year', -2, '前年'],
  [/去年|上一年|上年度|上年/u, 'year', -1, '去年'],
  [/今年|本年度|本年|这一年/u, 'year', 0, '今年'],
  [/上个?季度|上一季度/u, 'quarter', -1, '上季度'],
  [/本季度|这个季度|这季度|本季|当季/u, 'quarter', 0, '本季度'],
  [/上个月|上月|上一个月/u, 'month', -1, '上个月'],
  [/本月|这个月|这月|当月/u, 'month', 0, '本月'],
  [/上周|上个星期|上星期|上礼拜|上个礼拜/u, 'week', -1, '上周'],
  [/本周|这周|这个星期|本星期|这礼拜|这个礼拜/u, 'week', 0, '本周'],
  [/前天/u, 'day', -2, '前天'],
  [/昨天|昨日/u, 'day', -1, '昨天'],
  [/今天|今日/u, 'day', 0, '今天'],
];

/** Time words → a closed date range in Asia/Shanghai; explicit dates win over relative words. */
export function extractPeriod(text: string, now: Date): Entities['period'] {
  const today = DateTime.fromJSDate(now, { zone: BEIJING_ZONE });
  // A day: 2026-11-03, 2026年11月3日, 11月3日/号 (staff ask about the past: a later day is last year's).
  let m = /(?<![\w-])(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?![\d-])\s*[日号]?/u.exec(text);
  if (m) {
    const d = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: BEIJING_ZONE });
    if (d.isValid) return span(d, 'day', d.toISODate());
  }
  m = /(?<![\d年.-])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月\s*(\d{1,2})\s*[日号]/u.exec(text);
  if (m) {
    const month = toNumber(m[1]);
    const day = Number(m[2]);
    let d = DateTime.fromObject({ year: today.year, month, day }, { zone: BEIJING_ZONE });
    if (d.isValid && d.startOf('day') > today) d = d.minus({ years: 1 });
    if (d.isValid) return span(d, 'day', d.toISODate());
  }
  m = /(\d{4})\s*年\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月/u.exec(text) ?? /(?<![\w-])(\d{4})[-/.](\d{1,2})(?![\d-])/u.exec(text);
  if (m) {
    const month = toNumber(m[2]);
    if (month >= 1 && month <= 12)
      return span(DateTime.fromObject({ year: Number(m[1]), month }, { zone: BEIJING_ZONE }), 'month', `${m[1]}年${month}月`);
  }
  m = /(\d{4})\s*年(?:度)?\s*第?\s*([1-4一二三四])\s*季度/u.exec(text);
  if (m) {
    const q = toNumber(m[2]);
    return span(DateTime.fromObject({ year: Number(m[1]), month: q * 3 - 2 }, { zone: BEIJING_ZONE }), 'quarter', `${m[1]}年第${q}季度`);
  }
  // 一季度 / 第三季度 without a year: this year's, or last year's while that quarter has not begun.
  m = /(?<!\d\s*年(?:度)?\s*)(?:第)?([1-4一二三四])\s*季度/u.exec(text);
  if (m && !/[上本这当]个?季/u.test(text)) {
    const q = toNumber(m[1]);
    let start = DateTime.fromObject({ year: today.year, month: q * 3 - 2 }, { zone: BEIJING_ZONE });
    if (start > today) start = start.minus({ years: 1 });
    return span(start, 'quarter', `${start.year}年第${q}季度`);
  }
  m = /(\d{4})\s*年/u.exec(text);
  if (m) return span(DateTime.fromObject({ year: Number(m[1]) }, { zone: BEIJING_ZONE }), 'year', `${m[1]}年`);
  m = /(?:近|最近)\s*(\d{1,2}|[一二两三四五六七八九十])\s*个月/u.exec(text);
  if (m) {
    const n = toNumber(m[1]);
    const from = today.minus({ months: n - 1 }).startOf('month');
    return { from: from.toISODate() as string, to: today.toISODate() as string, label: `近${n}个月` };
  }
  for (const [re, unit, offset, label] of RELATIVE) {
    if (re.test(text)) return span(today.plus({ [`${unit}s`]: offset }), unit, label);
  }
  m = /(?<![\d年])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?/u.exec(text);
  if (m) {
    const month = toNumber(m[1]);
    // Staff ask about the past: in March, "12月" means last December.
    const year = month > today.month ? today.year - 1 : today.year;
    if (month >= 1 && month <= 12)
      return span(DateTime.fromObject({ year, month }, { zone: BEIJING_ZONE }), 'month', `${year}年${month}月`);
  }
  return undefined;
}

/**
 * Where the text names a bill-type word: the word itself, or for a word ending in 票 its stem and
 * 的 ("那门诊的呢", "住院的还有多少" name 门诊票, 住院票). 电子的 stays the electronic types' word.
 */
function firstMention(hay: string, needle: string): number {
  const at = hay.indexOf(needle);
  if (at >= 0 || !needle.endsWith('票')) return at;
  const stem = needle.slice(0, -1);
  return Array.from(stem).length >= 2 && stem !== '电子' ? hay.indexOf(`${stem}的`) : -1;
}

/** Longest bill-type name or alias in the text; ties go to the earlier mention. */
export function extractBillType(text: string, billTypes: BillTypeRef[]): Entities['billType'] {
  // "住院的票" names 住院票 as well.
  const hay = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/的(?=票)/gu, '');
  let best: { code: string; name: string; len: number; at: number } | undefined;
  for (const bt of billTypes) {
    for (const word of [bt.name, ...bt.aliases]) {
      const needle = word.normalize('NFKC').toLowerCase().trim();
      const at = needle ? firstMention(hay, needle) : -1;
      if (at < 0) continue;
      if (!best || needle.length > best.len || (needle.length === best.len && at < best.at)) {
        best = { code: bt.code, name: bt.name, len: needle.length, at };
      }
    }
  }
  return best && { code: best.code, name: best.name };
}

// 电子票/电子的/电子票据: the electronic bill types (电子化/电子版 are other matters).
const ELECTRONIC = /电子(?:票|的|版的票|发票(?=.*财政))/u;
// 上一次/上次/最近一次/最新的: only the newest one.
const LATEST = /上一次|上次|最近一次|最近那次|最后一次|最新(?:的|一次|那)?/u;

const TICKET = /#\s*(\d{1,9})\b|工单\s*(?:号|编号)?\s*[:：#]?\s*(\d{1,9})/u;
// A document number follows 单/单号/编号/号 ("申领单 A-2026-0012", "核销单号：HX-2026-031");
// 工单 is a ticket, 电话号/手机号/账号 are not documents.
const DOCUMENT = /(?<!工)(?:单号|编号|单|(?<!电话|手机|账|帐|代码|单)号)\s*(?:码)?\s*[:：#]?\s*([a-z]{0,4}-?\d[\da-z-]{2,30})/iu;
const DOCUMENT_BARE = /(?<![\w-])([a-z]{1,4}-\d{4}-\d{2,8})(?![\w-])/iu;

/** Bill type, period, document and ticket numbers in one message. */
export function extractEntities(text: string, ctx: { billTypes: BillTypeRef[]; now: Date }): Entities {
  const clean = text.normalize('NFKC');
  const out: Entities = {};
  const billType = extractBillType(clean, ctx.billTypes);
  if (billType) out.billType = billType;
  const ticket = TICKET.exec(clean);
  if (ticket) out.ticketNo = ticket[1] ?? ticket[2];
  const doc = DOCUMENT.exec(clean) ?? DOCUMENT_BARE.exec(clean);
  if (doc) out.documentNo = doc[1].replace(/-+$/, '').toUpperCase();
  // The document number is not a date: drop it before reading time words ("A-2026-0012").
  const period = extractPeriod(doc ? clean.replace(doc[1], ' ') : clean, ctx.now);
  if (period) out.period = period;
  if (!billType && ELECTRONIC.test(clean)) out.electronic = true;
  if (LATEST.test(clean)) out.latest = true;
  return out;
}
