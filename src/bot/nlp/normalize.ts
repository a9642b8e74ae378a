/** Longest text the classifier looks at; the rest of a pasted essay adds noise, not signal. */
export const MAX_CLASSIFY_CHARS = 500;

// Emoji, their modifiers/joiners and variation selectors; WeCom users send 👍 and 🙏 a lot.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0e\ufe0f]|\u200d|\u20e3/gu;
// Punctuation and symbols become spaces; '#' survives because "#123" names a ticket.
const PUNCT = /[^\p{L}\p{N}\s#]/gu;
// A character repeated more than three times ("啊啊啊啊啊", "？？？？") carries no more meaning than three.
const REPEATS = /(.)\1{3,}/gu;

/** Canonical form used for classification, training and duplicate detection. */
export function normalizeText(text: string, maxChars: number = MAX_CLASSIFY_CHARS): string {
  const cleaned = text
    .normalize('NFKC') // full-width Ａ１？ → A1?, ideographic space → space
    .toLowerCase()
    .replace(EMOJI, ' ')
    .replace(PUNCT, ' ')
    .replace(REPEATS, '$1$1$1')
    .replace(/\s+/gu, ' ')
    .trim();
  const chars = Array.from(cleaned);
  return chars.length > maxChars ? chars.slice(0, maxChars).join('').trim() : cleaned;
}

// Greetings, self-introductions and "请问" carry no intent but dilute the n-grams of the question
// ("您好，我是市一医院财务科的小王，想查一下…"). Applied to normalised text (punctuation → spaces).
const PREAMBLE = [
  /^(?:(?:老师|师傅|领导|同志|工程师|客服|小助手|机器人)\s?)?(?:你好|您好|哈喽|hello|hi|老师好|在吗|打扰了|打扰一下|不好意思)(?:呀|啊|哈)?\s/u,
  /^(?:我是|我们是|这里是|这边是|本人是)[^\s]{0,24}(?:医院|学校|小学|中学|大学|局|委|中心|科|院|站|所|协会|学会|单位|会计|出纳|财务|管理员|经办人|老师|同事|负责人|[小老][\p{Script=Han}])[^\s]{0,6}\s/u,
  /^(?:请问一下|请问下|请问|麻烦问一下|麻烦问下|想问一下|想问下|问一下|问下|咨询一下|咨询下|请教一下|请教下)\s?/u,
];

/** Drops leading greetings, self-introductions and "请问" from normalised text, keeping the question. */
export function stripPreamble(normalized: string): string {
  let text = normalized;
  for (let changed = true; changed;) {
    changed = false;
    for (const re of PREAMBLE) {
      const rest = text.replace(re, '');
      if (rest !== text && Array.from(rest.trim()).length >= 2) {
        text = rest.trim();
        changed = true;
      }
    }
  }
  return text;
}
