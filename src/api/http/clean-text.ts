// Anything but tab, LF, CR and printable text: control characters (C0, DEL, C1) and UTF-16 surrogates
// without their pair (with the u flag a lone surrogate is one code point outside every range below).
// PostgreSQL refuses U+0000 in text ("invalid byte sequence"); none of these belongs in what a person types.
const UNCLEAN = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFF\u{10000}-\u{10FFFF}]/u;

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
export const stripNul = (s: string): string => s.split(String.fromCharCode(0)).join('');
