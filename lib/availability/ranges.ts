import type { Interval } from './types';

/**
 * A small algebra on half-open intervals `[start, end)` of epoch milliseconds.
 *
 * Every function accepts lists in any order, possibly overlapping, and returns a new list that is
 * sorted by start and non-overlapping, with touching intervals joined (`[1,2)` + `[2,3)` = `[1,3)`)
 * and empty intervals (`end <= start`, or NaN) left out. Inputs are never mutated and the result
 * never shares objects with them.
 */

function isNonEmpty(i: Interval): boolean {
  return i.end > i.start;
}

/** Union of the intervals. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const items = list.filter(isNonEmpty);
  let sorted = true;
  for (let k = 1; k < items.length; k++) {
    if (items[k]!.start < items[k - 1]!.start) {
      sorted = false;
      break;
    }
  }
  if (!sorted) items.sort((a, b) => a.start - b.start);

  const out: Interval[] = [];
  let current: Interval | undefined;
  for (const item of items) {
    if (current && item.start <= current.end) {
      if (item.end > current.end) current.end = item.end;
    } else {
      current = { start: item.start, end: item.end };
      out.push(current);
    }
  }
  return out;
}

/** `base` minus `cut`: the parts of `base` not covered by any interval of `cut`. */
export function subtractIntervals(base: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const b = mergeIntervals(base);
  const c = mergeIntervals(cut);
  const out: Interval[] = [];
  let first = 0; // first cut that can still reach the current base interval
  for (const piece of b) {
    while (first < c.length && c[first]!.end <= piece.start) first++;
    let start = piece.start;
    for (let k = first; k < c.length && c[k]!.start < piece.end; k++) {
      const cutting = c[k]!;
      if (cutting.start > start) out.push({ start, end: cutting.start });
      if (cutting.end > start) start = cutting.end;
      if (start >= piece.end) break;
    }
    if (start < piece.end) out.push({ start, end: piece.end });
  }
  return out;
}

/** Instants covered by both `a` and `b`. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = mergeIntervals(a);
  const y = mergeIntervals(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i]!;
    const q = y[j]!;
    const start = Math.max(p.start, q.start);
    const end = Math.min(p.end, q.end);
    if (start < end) out.push({ start, end });
    if (p.end < q.end) i++;
    else j++;
  }
  return out;
}

/**
 * Every non-empty interval grown by `beforeMs` at its start and `afterMs` at its end, then merged.
 * Negative amounts shrink; an interval that shrinks to nothing is dropped. Empty input intervals
 * stay empty: a zero-length busy event blocks nothing, whatever the buffers.
 */
export function expandIntervals(list: readonly Interval[], beforeMs: number, afterMs: number): Interval[] {
  if (!Number.isFinite(beforeMs) || !Number.isFinite(afterMs)) {
    throw new RangeError(`expandIntervals: amounts must be finite, got ${beforeMs} and ${afterMs}`);
  }
  const grown: Interval[] = [];
  for (const i of list) {
    if (isNonEmpty(i)) grown.push({ start: i.start - beforeMs, end: i.end + afterMs });
  }
  return mergeIntervals(grown);
}
