import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countOf,
  findOverlaps,
  intersect,
  normalize,
  split,
  subtract,
  takeLowest,
  totalCount,
  type Span,
} from '../../src/domain/ledger/ranges';
import { pickLowest } from '../../src/domain/documents/issuance.service';
import type { StockRange } from '../../src/domain/ledger/stock-range.entity';

// Small spans so a brute-force set of numbers is the oracle.
const span = fc
  .record({ start: fc.integer({ min: 1, max: 80 }), len: fc.integer({ min: 1, max: 15 }) })
  .map(({ start, len }): Span => ({ start, end: start + len - 1 }));
const spans = fc.array(span, { maxLength: 12 });
const RUNS = { numRuns: 500 };

const numbers = (list: readonly Span[]): Set<number> => {
  const out = new Set<number>();
  for (const s of list) for (let n = s.start; n <= s.end; n++) out.add(n);
  return out;
};
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

describe('ranges (property-based)', () => {
  it('when spans are normalized, then the result is sorted, disjoint, non-adjacent, covers the same numbers and is idempotent', () => {
    fc.assert(
      fc.property(spans, (input) => {
        const copy = input.map((s) => ({ ...s }));
        const n = normalize(input);
        expect(input).toEqual(copy); // pure: the input is not mutated
        for (let i = 1; i < n.length; i++) expect(n[i].start).toBeGreaterThan(n[i - 1].end + 1);
        for (const s of n) expect(s.start).toBeLessThanOrEqual(s.end);
        expect(sorted(numbers(n))).toEqual(sorted(numbers(input)));
        expect(totalCount(n)).toBe(numbers(input).size);
        expect(normalize(n)).toEqual(n);
      }),
      RUNS,
    );
  });

  it('when B is subtracted from A, then the rest plus the intersection give back A, and nothing of B remains', () => {
    fc.assert(
      fc.property(spans, spans, (a, b) => {
        const rest = subtract(a, b);
        const A = numbers(a);
        const B = numbers(b);
        const inter = [...A].filter((x) => B.has(x));
        expect(sorted(numbers(rest))).toEqual(sorted(A).filter((x) => !B.has(x)));
        expect(totalCount(rest) + inter.length).toBe(totalCount(normalize(a)));
        expect(normalize(rest)).toEqual(rest);
      }),
      RUNS,
    );
  });

  it('when a span is split by a cut, then left, mid and right partition it and mid is the intersection', () => {
    fc.assert(
      fc.property(span, span, (s, cut) => {
        const { left, mid, right } = split(s, cut);
        expect(mid).toEqual(intersect(s, cut));
        if (!mid) {
          expect(left).toBeNull();
          expect(right).toBeNull();
          return;
        }
        const pieces = [left, mid, right].filter((p): p is Span => p !== null);
        expect(pieces.reduce((n, p) => n + countOf(p), 0)).toBe(countOf(s));
        expect(sorted(numbers(pieces))).toEqual(sorted(numbers([s])));
        if (left) expect(left.end + 1).toBe(mid.start);
        if (right) expect(mid.end + 1).toBe(right.start);
        for (const x of numbers([mid])) expect(x >= cut.start && x <= cut.end).toBe(true);
      }),
      RUNS,
    );
  });

  it('when q numbers are taken, then exactly the min(q, total) lowest available numbers come back', () => {
    fc.assert(
      fc.property(spans, fc.integer({ min: 0, max: 300 }), (available, q) => {
        const taken = takeLowest(available, q);
        const all = sorted(numbers(available));
        const want = all.slice(0, Math.min(q, all.length));
        expect(totalCount(taken)).toBe(want.length);
        expect(sorted(numbers(taken))).toEqual(want);
        expect(normalize(taken)).toEqual(taken);
      }),
      RUNS,
    );
  });

  it('when overlapping pairs are searched, then they match a brute-force comparison of every pair', () => {
    fc.assert(
      fc.property(spans, (list) => {
        const brute: string[] = [];
        for (let i = 0; i < list.length; i++) {
          for (let j = i + 1; j < list.length; j++) {
            if (list[i].start <= list[j].end && list[j].start <= list[i].end) brute.push(`${i},${j}`);
          }
        }
        const found = findOverlaps(list).map(([i, j]) => `${i},${j}`);
        expect(found.sort()).toEqual(brute.sort());
        expect(new Set(found).size).toBe(found.length);
      }),
      RUNS,
    );
  });

  it('when issuance picks across batches, then it takes per batch in code order and never merges numbers of different batches', () => {
    const batch = fc.constantFrom('11000001', '11000002', '11000003');
    fc.assert(
      fc.property(fc.array(fc.tuple(batch, span), { maxLength: 10 }), fc.integer({ min: 0, max: 200 }), (rows, q) => {
        // Ranges of one batch are disjoint in the store: normalize per batch to respect that.
        const byBatch = new Map<string, Span[]>();
        for (const [b, s] of rows) byBatch.set(b, [...(byBatch.get(b) ?? []), s]);
        const store = [...byBatch].flatMap(([b, list]) =>
          normalize(list).map((s) => ({ batchCode: b, startNo: s.start, endNo: s.end }) as StockRange),
        );
        const picked = pickLowest(store, q);
        const expected: string[] = [];
        for (const b of [...byBatch.keys()].sort()) for (const n of sorted(numbers(byBatch.get(b)!))) expected.push(`${b}:${n}`);
        const got = picked.flatMap((p) => sorted(numbers([p.span])).map((n) => `${p.batchCode}:${n}`));
        expect(got).toEqual(expected.slice(0, Math.min(q, expected.length)));
      }),
      RUNS,
    );
  });
});
