/** A seeded pseudo-random source (mulberry32): the demo is the same on every load. */
export interface DemoRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** Makes a seeded random source. */
export function seededRandom(seed: number): DemoRandom {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)] };
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A 统一社会信用代码 with both check characters right (GB 32100-2015 over GB 11714):
 * `kind` is the registration authority + type (11 机关, 12 事业单位, 51 社会团体), `region` 6 digits.
 */
export function demoCreditCode(rnd: DemoRandom, kind: '11' | '12' | '51', region: string): string {
  const body = Array.from({ length: 8 }, () => CREDIT_CHARS[rnd.int(0, 9)]).join('');
  const orgSum = [...body].reduce((s, c, i) => s + CREDIT_CHARS.indexOf(c) * ORG_WEIGHTS[i], 0);
  const orgCheck = (11 - (orgSum % 11)) % 11;
  const org = body + (orgCheck === 10 ? 'X' : String(orgCheck));
  const first17 = kind + region + org;
  const sum = [...first17].reduce((s, c, i) => s + CREDIT_CHARS.indexOf(c) * CREDIT_WEIGHTS[i], 0);
  return first17 + CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

/** A mobile number that looks real (138/139/150/186 …). */
export function demoPhone(rnd: DemoRandom): string {
  return `${rnd.pick(['138', '139', '150', '152', '158', '186', '187', '135'])}${String(rnd.int(0, 99_999_999)).padStart(8, '0')}`;
}
