import { expect } from 'vitest';
import { DEFAULT_RULES, freeSlots, isSlotFree, type AvailabilityRules, type FreeSlotsInput } from '../../lib/availability';
import { at, read, spans, week, type Hours } from './instants';

// The one-to-one engine's tables (tests/unit/availability-*.test.ts): a case is the recruiter's rules,
// the moment it is asked, a window, the viewer's zone, busy time and bookings, and the slot starts
// expected; check() also holds every slot to isSlotFree and the meeting length.

/** Test rules: everything off and permissive unless the case says otherwise. */
export function rules(timeZone: string, hours: Hours, extra: Partial<AvailabilityRules> = {}): AvailabilityRules {
  return {
    ...DEFAULT_RULES,
    timeZone,
    workingHours: week(hours),
    minimumNoticeMinutes: 0,
    noSameDay: false,
    horizonDays: 60,
    ...extra,
  };
}

export interface Case {
  name: string;
  rules: AvailabilityRules;
  now: string;
  from: string;
  to: string;
  viewer: string;
  busy?: [string, string][];
  bookings?: [string, string][];
  /** Slot starts, written in whichever zone reads best. */
  expected: string[];
  /** Zone to print instants in when a case fails (defaults to the viewer's). */
  show?: string;
}

export function inputOf(c: Case): FreeSlotsInput {
  return {
    rules: c.rules,
    busy: spans(c.busy),
    bookings: spans(c.bookings),
    now: at(c.now),
    from: at(c.from),
    to: at(c.to),
    viewerTimeZone: c.viewer,
  };
}

export function check(c: Case): void {
  const input = inputOf(c);
  const slots = freeSlots(input);
  const zone = c.show ?? c.viewer;
  expect(slots.map((s) => read(s.start, zone))).toEqual(c.expected.map((e) => read(at(e), zone)));
  for (const s of slots) {
    expect(s.end - s.start).toBe(c.rules.durationMinutes * 60_000);
    expect(isSlotFree(input, s)).toBe(true);
  }
}

export const NY = 'America/New_York';
