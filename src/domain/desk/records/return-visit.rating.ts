/** What a survey reply says: a rating 1–5 and the rest as a comment, or a hint to send back. */
export type ParsedRating = { ok: true; rating: number; comment: string } | { ok: false; hint: string };

export const RATING_HINT = '请回复 1-5 之间的数字评分（5 分最满意），例如：“5 处理很及时”或“2 问题还没解决”。';

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const NUM = '(\\d+(?:\\.\\d+)?|[零一二两三四五六七八九])';
const SEP = '[\\s,，。.!！、;；:：~～-]';
// "十分满意" means "very satisfied", not 10 points, so 十 is not a numeral here; "一分钟" is a duration.
const AT_START = [
  new RegExp(`^${NUM}\\s*[分星](?!钟)`),
  new RegExp(`^(\\d+(?:\\.\\d+)?)`),
  new RegExp(`^([零一二两三四五六七八九])(?=$|${SEP})`),
];
const ANYWHERE = new RegExp(`${NUM}\\s*[分星](?!钟)`);
const PREFIX = /^(?:评分|打分|评价|满意度|我打|打|给)\s*[:：]?\s*/;

const toHalfWidth = (s: string) => s.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function valueOf(token: string): number {
  return token in CN_DIGITS ? CN_DIGITS[token] : Number(token);
}

/**
 * Reads a reply to the satisfaction survey: a number at the start ("5", "５分", "四 还行") or a
 * number of points anywhere ("给5分"). Only explicit numbers count; 0, 7 or 4.5 get the hint.
 */
export function parseRating(raw: string): ParsedRating {
  const text = toHalfWidth(raw).trim();
  const body = text.replace(PREFIX, '');
  let match: RegExpExecArray | null = null;
  let source = body;
  for (const re of AT_START) {
    match = re.exec(body);
    if (match) break;
  }
  if (!match) {
    source = text;
    match = ANYWHERE.exec(text);
  }
  if (!match) return { ok: false, hint: `没有识别到评分。${RATING_HINT}` };
  const rating = valueOf(match[1]);
  if (!Number.isInteger(rating) || rating < 1 || rating > 5)
    return { ok: false, hint: `评分只能是 1-5 分（您回复的是 ${match[1]}）。${RATING_HINT}` };
  const comment = (source.slice(0, match.index) + source.slice(match.index + match[0].length))
    .replace(new RegExp(`^${SEP}+|${SEP}+$`, 'g'), '')
    .trim();
  return { ok: true, rating, comment };
}
