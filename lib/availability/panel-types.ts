/**
 * Inputs and outputs of panel scheduling: several interviewers, each with their own zone, hours,
 * buffers, daily limit, busy time and bookings, meeting a candidate together or in a loop of
 * back-to-back sessions. The same pure engine as one-to-one slots, fed the same plain data.
 */
import type { Interval, TimeRange, Weekday } from './types';

/** One person's own rules: everything judged in their own zone. */
export interface PersonRules {
  timeZone: string;
  workingHours: Record<Weekday, TimeRange[]>;
  dateOverrides: Record<string, TimeRange[]>;
  blockedDates: string[];
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** Max sessions (bookings) starting on one of the person's local dates; `null` = no limit. */
  dailyLimit: number | null;
}

export interface Person {
  /** Any stable id (the server uses the interviewer's lower-cased email). */
  id: string;
  rules: PersonRules;
  /** Busy time from the person's calendars. */
  busy: Interval[];
  /** The person's confirmed interviews (sessions): busy too, and counted toward `dailyLimit`. */
  bookings: Interval[];
}

export interface PanelSession {
  durationMinutes: number;
  /** Every one of these must be free for the whole session. */
  required: string[];
  /** "Any one of": at least one of these must be free too (round robin picks which). Empty = no pool. */
  pool: string[];
}

/** Rules of the loop as a whole, judged in the zone of the recruiter who owns the link. */
export interface LoopRules {
  timeZone: string;
  minimumNoticeMinutes: number;
  noSameDay: boolean;
  horizonDays: number;
  slotStepMinutes: number;
}

export interface PanelInput {
  people: Person[];
  /** In the order the recruiter listed them; "together" is one session with everyone required. */
  sessions: PanelSession[];
  /** Free time between consecutive sessions (exactly this long). */
  gapMinutes: number;
  /** `fixed`: sessions in the listed order; `free`: any order that works (listed order preferred). */
  order: 'fixed' | 'free';
  loop: LoopRules;
  now: number;
  from: number;
  to: number;
  viewerTimeZone: string;
}

export interface PlacedSession {
  /** Index into `PanelInput.sessions`. */
  session: number;
  start: number;
  end: number;
  /** The pool member chosen for this session (free, fewest entries in `bookings` first, then as listed); absent without a pool. */
  poolPick?: string;
}

/** One bookable loop: its start and end, and where each session sits. Sessions are in time order. */
export interface LoopSlot extends Interval {
  sessions: PlacedSession[];
}
