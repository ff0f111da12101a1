/**
 * Inputs of the availability engine. Everything here is plain data: the engine never reads a
 * clock, a database or a calendar itself, so the extension and the server feed it the same way.
 */

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A range of local wall-clock time on one date: "HH:mm" (24-hour), `end` may be "24:00" (the next
 * local midnight), `start < end`. How wall times that do not exist or occur twice on a DST change
 * day become instants is documented on {@link freeSlots} in `slots.ts`.
 */
export interface TimeRange {
  start: string;
  end: string;
}

export interface AvailabilityRules {
  /** The recruiter's IANA zone: working hours, dates, "today", the horizon and the daily limit are all judged in it. */
  timeZone: string;
  /** Several ranges a day allowed; `[]` = day off. Ranges of one date that overlap or touch act as one range. */
  workingHours: Record<Weekday, TimeRange[]>;
  /** Key "yyyy-MM-dd" (recruiter zone) replaces that weekday's hours; `[]` = off that date. */
  dateOverrides: Record<string, TimeRange[]>;
  /** "yyyy-MM-dd" in the recruiter zone: no slots at all, even if the date has an override. */
  blockedDates: string[];
  durationMinutes: number;
  /** Free time needed before the meeting, against busy time and bookings (not against the edge of working hours). */
  bufferBeforeMinutes: number;
  /** Free time needed after the meeting, against busy time and bookings (not against the edge of working hours). */
  bufferAfterMinutes: number;
  /** A slot starts at or after `now + minimumNoticeMinutes` (real elapsed minutes, DST changes included). */
  minimumNoticeMinutes: number;
  /** No slot on the recruiter-local calendar date of `now`, whatever the date is where the candidate is. */
  noSameDay: boolean;
  /** Last bookable recruiter-local date = today (recruiter zone) + horizonDays. */
  horizonDays: number;
  /** Max confirmed bookings starting on one recruiter-local date; `null` = no limit. */
  dailyLimit: number | null;
  /** Grid step: slot starts are aligned to this grid measured from local midnight in the VIEWER's zone. */
  slotStepMinutes: number;
}

/** Half-open `[start, end)` in epoch milliseconds. An interval with `end <= start` is empty. */
export interface Interval {
  start: number;
  end: number;
}

export interface FreeSlotsInput {
  rules: AvailabilityRules;
  /** Busy time from calendars (any order, may overlap). */
  busy: Interval[];
  /** The recruiter's confirmed bookings: busy too, and they count toward `dailyLimit`. */
  bookings: Interval[];
  /** The injected clock, epoch ms. */
  now: number;
  /** Window of interest `[from, to)`: a slot must lie fully inside it. */
  from: number;
  to: number;
  /** The zone the slots are shown in; only the grid depends on it. */
  viewerTimeZone: string;
}

const nineToFive = (): TimeRange[] => [{ start: '09:00', end: '17:00' }];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Defaults for a new recruiter: Mon–Fri 09:00–17:00, 30-minute meetings on a 30-minute grid, no
 * buffers, 4 hours' notice, no same-day meetings, two weeks ahead, no daily limit.
 *
 * `timeZone` is a placeholder ("Europe/London"): callers must replace it with the recruiter's own
 * zone, e.g. `{ ...DEFAULT_RULES, timeZone }`. The object is deeply frozen so that no caller can
 * change the defaults for everyone else by accident.
 */
export const DEFAULT_RULES: AvailabilityRules = deepFreeze({
  timeZone: 'Europe/London',
  workingHours: { 1: nineToFive(), 2: nineToFive(), 3: nineToFive(), 4: nineToFive(), 5: nineToFive(), 6: [], 7: [] },
  dateOverrides: {},
  blockedDates: [],
  durationMinutes: 30,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minimumNoticeMinutes: 240,
  noSameDay: true,
  horizonDays: 14,
  dailyLimit: null,
  slotStepMinutes: 30,
});
