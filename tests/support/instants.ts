import { DateTime } from 'luxon';
import type { Interval, TimeRange, Weekday } from '../../lib/availability';

// How the engine's tables are written: instants as ISO strings with an explicit offset, pinned to UTC
// whatever zone they read best in, and working hours as "HH:mm" ranges per weekday.

/** Epoch ms of an ISO string with an explicit offset, e.g. '2026-03-09T09:00-04:00'. */
export function at(iso: string): number {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d\d:\d\d)$/.test(iso)) throw new Error(`bad test instant ${iso}`);
  return dt.toMillis();
}

/** How an instant reads in a zone; two lists of these compare equal iff the instants are equal. */
export const read = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");

/** Intervals from pairs of ISO instants. */
export const spans = (pairs: [string, string][] = []): Interval[] => pairs.map(([s, e]) => ({ start: at(s), end: at(e) }));

export type Hours = Partial<Record<Weekday, [string, string][]>>;

/** A whole week of working hours: the days `hours` names, every other day off. */
export function week(hours: Hours): Record<Weekday, TimeRange[]> {
  const out = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } as Record<Weekday, TimeRange[]>;
  for (const [day, ranges] of Object.entries(hours)) out[Number(day) as Weekday] = ranges.map(([start, end]) => ({ start, end }));
  return out;
}

export const MON: Weekday = 1;
export const TUE: Weekday = 2;
export const WED: Weekday = 3;
export const SUN: Weekday = 7;
