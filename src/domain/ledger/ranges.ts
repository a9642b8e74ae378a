/** Pure arithmetic on inclusive integer ranges [start, end]; no I/O, property-tested. */
export interface Span {
  start: number;
  end: number;
}

/** How many numbers a span holds. */
export const countOf = (s: Span): number => s.end - s.start + 1;

/** Total count of a list of spans (assumed disjoint). */
export const totalCount = (spans: readonly Span[]): number => spans.reduce((n, s) => n + countOf(s), 0);

/** True when two spans share at least one number. */
export const overlaps = (a: Span, b: Span): boolean => a.start <= b.end && b.start <= a.end;

/** The common part of two spans, or null. */
export function intersect(a: Span, b: Span): Span | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start <= end ? { start, end } : null;
}

/** Sorts and merges overlapping or adjacent spans into a minimal disjoint list. */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** `a` minus `b`: at most two pieces. */
export function subtractOne(a: Span, b: Span): Span[] {
  if (!overlaps(a, b)) return [{ ...a }];
  const out: Span[] = [];
  if (b.start > a.start) out.push({ start: a.start, end: b.start - 1 });
  if (b.end < a.end) out.push({ start: b.end + 1, end: a.end });
  return out;
}

/** Every number of `from` that is not in any of `remove`, as a normalized list. */
export function subtract(from: readonly Span[], remove: readonly Span[]): Span[] {
  let rest = normalize(from);
  for (const r of normalize(remove)) rest = rest.flatMap((s) => subtractOne(s, r));
  return rest;
}

/** Splits a span into [left rest, the part inside `cut`, right rest]; missing parts are null. */
export function split(s: Span, cut: Span): { left: Span | null; mid: Span | null; right: Span | null } {
  const mid = intersect(s, cut);
  if (!mid) return { left: null, mid: null, right: null };
  return {
    left: mid.start > s.start ? { start: s.start, end: mid.start - 1 } : null,
    mid,
    right: mid.end < s.end ? { start: mid.end + 1, end: s.end } : null,
  };
}

/** Takes the lowest `quantity` numbers from sorted disjoint spans; returns what was taken. */
export function takeLowest(available: readonly Span[], quantity: number): Span[] {
  const out: Span[] = [];
  let need = quantity;
  for (const s of normalize(available)) {
    if (need <= 0) break;
    const n = Math.min(need, countOf(s));
    out.push({ start: s.start, end: s.start + n - 1 });
    need -= n;
  }
  return out;
}

/** Pairs of input indexes whose spans overlap (for "overlapping lines" validation). */
export function findOverlaps(spans: readonly Span[]): Array<[number, number]> {
  const idx = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start);
  const out: Array<[number, number]> = [];
  for (let k = 0; k < idx.length; k++) {
    for (let m = k + 1; m < idx.length && idx[m].s.start <= idx[k].s.end; m++) {
      out.push([Math.min(idx[k].i, idx[m].i), Math.max(idx[k].i, idx[m].i)]);
    }
  }
  return out;
}

/** Formats a span for Chinese messages: 0000000001-0000000100 (10-digit 号码). */
export const formatSpan = (s: Span): string => (s.start === s.end ? pad(s.start) : `${pad(s.start)}-${pad(s.end)}`);
const pad = (n: number): string => String(n).padStart(10, '0');
