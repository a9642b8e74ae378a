/** Longest text the classifier looks at; the rest of a pasted essay adds noise, not signal. */
export const MAX_CLASSIFY_CHARS = 500;

// Emoji, their modifiers/joiners and variation selectors; WeCom users send 👍 and 🙏 a lot.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0e\ufe0f\u20e3]/gu;
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
