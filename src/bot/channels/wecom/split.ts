import { utf8Bytes } from '../../utf8';

export { utf8Bytes };

/** WeCom's limits in UTF-8 bytes: app text/markdown and robot text, and robot markdown. */
export const WECOM_TEXT_MAX_BYTES = 2048;
export const WECOM_ROBOT_MARKDOWN_MAX_BYTES = 4096;

function codePointBytes(cp: number): number {
  // Lone surrogates encode as U+FFFD (3 bytes), matching Buffer.byteLength.
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** End (UTF-16 index) of the longest prefix of text[start…] within budget bytes, on a code point boundary. */
function fitEnd(text: string, start: number, budget: number): number {
  let end = start;
  let bytes = 0;
  while (end < text.length) {
    const cp = text.codePointAt(end)!;
    const len = codePointBytes(cp);
    if (bytes + len > budget) break;
    bytes += len;
    end += cp > 0xffff ? 2 : 1;
  }
  return end;
}

const SENTENCE_END = new Set(['。', '！', '？', '；', '!', '?', ';', '…']);
// Made on first use: constructing it loads ICU's segmentation data (~9 ms), which a start need not wait for.
let segmenter: Intl.Segmenter | undefined;

/** Where to cut the window: returns [cut, separatorLength]; cut > 0. */
function chooseCut(text: string, start: number, end: number): [number, number] {
  const window = text.slice(start, end);
  // Cuts earlier than this waste most of a message; fall through to a finer break instead.
  const minCut = Math.max(1, Math.floor(window.length * 0.3));
  for (const sep of ['\n\n', '\n']) {
    const i = window.lastIndexOf(sep);
    if (i >= minCut) return [i, sep.length];
  }
  for (let i = window.length - 1; i >= minCut; i--) {
    if (SENTENCE_END.has(window[i]) || (window[i] === '.' && window[i + 1] === ' ')) return [i + 1, 0];
  }
  const space = window.lastIndexOf(' ');
  if (space >= minCut) return [space, 1];
  // Hard cut: keep graphemes (emoji with ZWJ or skin tone, combining marks) whole when possible.
  let best = 0;
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'grapheme' });
  for (const seg of segmenter.segment(text.slice(start, Math.min(text.length, end + 32)))) {
    if (seg.index > window.length) break;
    best = seg.index;
  }
  if (end === text.length || best === 0) best = window.length;
  return [best, 0];
}

function chunk(text: string, budget: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = fitEnd(text, start, budget);
    if (end === text.length) {
      parts.push(text.slice(start));
      break;
    }
    const [cut, skip] = chooseCut(text, start, end);
    parts.push(text.slice(start, start + cut));
    start += cut + skip;
  }
  return parts;
}

/**
 * Splits text into parts of at most maxBytes UTF-8 bytes, preferring paragraph, line and sentence
 * breaks, never inside a code point; "\n(k/n)" markers are added only when they still fit.
 */
export function splitUtf8(text: string, maxBytes: number, options: { markers?: boolean } = {}): string[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new RangeError('maxBytes must be an integer ≥ 4');
  if (utf8Bytes(text) <= maxBytes) return [text];
  const plain = chunk(text, maxBytes);
  if (options.markers === false) return plain;
  let digits = String(plain.length).length;
  for (;;) {
    const reserve = 2 * digits + 4; // "\n(" + k + "/" + n + ")"
    if (reserve * 4 > maxBytes) return plain;
    const parts = chunk(text, maxBytes - reserve);
    const n = parts.length;
    if (String(n).length <= digits) return parts.map((p, i) => `${p}\n(${i + 1}/${n})`);
    digits = String(n).length;
  }
}
