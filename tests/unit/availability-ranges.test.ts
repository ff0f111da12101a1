import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandIntervals, intersectIntervals, mergeIntervals, subtractIntervals } from '../../lib/availability/ranges';
import type { Interval } from '../../lib/availability/types';

const iv = (start: number, end: number): Interval => ({ start, end });
const list = (...pairs: [number, number][]): Interval[] => pairs.map(([s, e]) => iv(s, e));

describe('mergeIntervals', () => {
  it.each([
    { name: 'empty list', input: [], expected: [] },
    { name: 'sorts', input: list([5, 6], [1, 2]), expected: list([1, 2], [5, 6]) },
    { name: 'joins overlapping', input: list([1, 4], [3, 6]), expected: list([1, 6]) },
    { name: 'joins touching (half-open)', input: list([1, 2], [2, 3]), expected: list([1, 3]) },
    { name: 'keeps a gap of 1', input: list([1, 2], [3, 4]), expected: list([1, 2], [3, 4]) },
    { name: 'swallows contained', input: list([1, 10], [2, 3], [4, 5]), expected: list([1, 10]) },
    { name: 'drops empty and inverted', input: list([3, 3], [5, 4], [1, 2]), expected: list([1, 2]) },
    { name: 'drops NaN', input: list([Number.NaN, 4], [1, 2]), expected: list([1, 2]) },
    { name: 'unsorted chain', input: list([7, 9], [1, 3], [2, 5], [5, 7]), expected: list([1, 9]) },
  ])('$name', ({ input, expected }) => {
    expect(mergeIntervals(input)).toEqual(expected);
  });
});

describe('subtractIntervals', () => {
  it.each([
    { name: 'nothing to cut', base: list([0, 10]), cut: [], expected: list([0, 10]) },
    { name: 'cut in the middle', base: list([0, 10]), cut: list([3, 5]), expected: list([0, 3], [5, 10]) },
    { name: 'cut at the start', base: list([0, 10]), cut: list([-5, 2]), expected: list([2, 10]) },
    { name: 'cut at the end', base: list([0, 10]), cut: list([8, 20]), expected: list([0, 8]) },
    { name: 'cut everything', base: list([0, 10]), cut: list([-1, 11]), expected: [] },
    { name: 'touching cut removes nothing', base: list([0, 10]), cut: list([10, 12], [-3, 0]), expected: list([0, 10]) },
    { name: 'one cut across two bases', base: list([0, 4], [6, 10]), cut: list([3, 7]), expected: list([0, 3], [7, 10]) },
    { name: 'several cuts, unsorted and overlapping', base: list([0, 20]), cut: list([12, 14], [2, 4], [3, 6]), expected: list([0, 2], [6, 12], [14, 20]) },
    { name: 'base is merged first', base: list([5, 10], [0, 5]), cut: list([4, 6]), expected: list([0, 4], [6, 10]) },
    { name: 'empty base', base: [], cut: list([0, 1]), expected: [] },
  ])('$name', ({ base, cut, expected }) => {
    expect(subtractIntervals(base, cut)).toEqual(expected);
  });
});

describe('intersectIntervals', () => {
  it.each([
    { name: 'disjoint', a: list([0, 2]), b: list([3, 4]), expected: [] },
    { name: 'touching is empty', a: list([0, 2]), b: list([2, 4]), expected: [] },
    { name: 'overlap', a: list([0, 5]), b: list([3, 8]), expected: list([3, 5]) },
    { name: 'one spans many', a: list([0, 100]), b: list([10, 20], [30, 40]), expected: list([10, 20], [30, 40]) },
    { name: 'interleaved', a: list([0, 10], [20, 30]), b: list([5, 25]), expected: list([5, 10], [20, 25]) },
    { name: 'unsorted inputs', a: list([20, 30], [0, 10]), b: list([25, 26], [1, 2]), expected: list([1, 2], [25, 26]) },
    { name: 'with empty', a: [], b: list([0, 1]), expected: [] },
  ])('$name', ({ a, b, expected }) => {
    expect(intersectIntervals(a, b)).toEqual(expected);
    expect(intersectIntervals(b, a)).toEqual(expected);
  });
});

describe('expandIntervals', () => {
  it.each([
    { name: 'grows both sides', input: list([10, 20]), before: 2, after: 3, expected: list([8, 23]) },
    { name: 'growth joins neighbours', input: list([10, 20], [24, 30]), before: 2, after: 2, expected: list([8, 32]) },
    { name: 'growth makes them touch', input: list([10, 20], [24, 30]), before: 4, after: 0, expected: list([6, 30]) },
    { name: 'zero keeps as is (merged)', input: list([3, 4], [1, 2]), before: 0, after: 0, expected: list([1, 2], [3, 4]) },
    { name: 'negative shrinks, gone when empty', input: list([0, 10], [20, 22]), before: -1, after: -1, expected: list([1, 9]) },
    { name: 'empty stays empty', input: list([5, 5]), before: 10, after: 10, expected: [] },
  ])('$name', ({ input, before, after, expected }) => {
    expect(expandIntervals(input, before, after)).toEqual(expected);
  });

  it('rejects non-finite amounts', () => {
    expect(() => expandIntervals([iv(0, 1)], Number.NaN, 0)).toThrow(RangeError);
    expect(() => expandIntervals([iv(0, 1)], 0, Infinity)).toThrow(RangeError);
  });
});

describe('inputs are never mutated or shared', () => {
  it('returns fresh objects and leaves the input alone', () => {
    const a = Object.freeze([Object.freeze(iv(5, 9)), Object.freeze(iv(0, 6))]);
    const b = Object.freeze([Object.freeze(iv(2, 3))]);
    const snapshot = JSON.stringify([a, b]);
    const results = [mergeIntervals(a), subtractIntervals(a, b), intersectIntervals(a, b), expandIntervals(a, 1, 1)];
    expect(JSON.stringify([a, b])).toBe(snapshot);
    const inputs = new Set<Interval>([...a, ...b]);
    for (const r of results) for (const i of r) expect(inputs.has(i)).toBe(false);
    // A single already-normalised interval must still come back as a copy.
    const single = [iv(1, 2)];
    const merged = mergeIntervals(single);
    merged[0]!.end = 99;
    expect(single[0]!.end).toBe(2);
  });
});

/** Model: a list of intervals on [0, 64) as a bitmap of unit cells. */
const N = 64;
const cells = (l: readonly Interval[]): boolean[] => {
  const out = Array<boolean>(N).fill(false);
  for (const i of l) for (let x = Math.max(0, i.start); x < Math.min(N, i.end); x++) out[x] = true;
  return out;
};
const arbList = fc.array(
  fc.tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: N })).map(([s, e]) => iv(s, e)),
  { maxLength: 8 },
);
const isNormalised = (l: readonly Interval[]): boolean =>
  l.every((i, k) => i.start < i.end && (k === 0 || l[k - 1]!.end < i.start));

describe('algebra agrees with a bitmap model', () => {
  it('merge, subtract, intersect, expand', () => {
    fc.assert(
      fc.property(arbList, arbList, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), (a, b, before, after) => {
        const ca = cells(a);
        const cb = cells(b);
        const merged = mergeIntervals(a);
        const sub = subtractIntervals(a, b);
        const inter = intersectIntervals(a, b);
        for (const r of [merged, sub, inter]) expect(isNormalised(r)).toBe(true);
        expect(cells(merged)).toEqual(ca);
        expect(cells(sub)).toEqual(ca.map((x, k) => x && !cb[k]));
        expect(cells(inter)).toEqual(ca.map((x, k) => x && cb[k]));

        const grown = expandIntervals(a, before, after);
        expect(isNormalised(grown)).toBe(true);
        const expected = Array<boolean>(N).fill(false);
        for (const i of a) {
          if (i.end <= i.start) continue;
          for (let x = Math.max(0, i.start - before); x < Math.min(N, i.end + after); x++) expected[x] = true;
        }
        expect(cells(grown)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
