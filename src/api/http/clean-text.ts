// Control characters other than tab, LF and CR, and UTF-16 surrogates without their pair: PostgreSQL
// refuses U+0000 in text ("invalid byte sequence"), and none of these belongs in anything a person types.
const UNCLEAN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting no request of ours needs; deeper input is refused before anything walks it further. */
export const MAX_DEPTH = 32;

export type Unclean = { path: string; problem: 'control-character' | 'too-deep' };

/** The first string (value or key) in `input` with a forbidden character, or input nested too deep. */
export function findUnclean(input: unknown, path: string[] = []): Unclean | null {
  if (path.length > MAX_DEPTH) return { path: path.join('.'), problem: 'too-deep' };
  if (typeof input === 'string') return UNCLEAN.test(input) ? { path: path.join('.'), problem: 'control-character' } : null;
  if (input === null || typeof input !== 'object') return null;
  const entries: Array<[string, unknown]> = Array.isArray(input) ? input.map((v, i) => [String(i), v]) : Object.entries(input);
  for (const [k, v] of entries) {
    if (UNCLEAN.test(k)) return { path: [...path, k.replace(UNCLEAN, '?')].join('.'), problem: 'control-character' };
    const found = findUnclean(v, [...path, k]);
    if (found) return found;
  }
  return null;
}

/** Removes NUL characters (WeCom text: a member cannot be asked to retype what their client sent). */
export const stripNul = (s: string): string => s.replace(/\u0000/g, '');
