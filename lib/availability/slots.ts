import { IANAZone } from 'luxon';
import { expandIntervals, mergeIntervals, subtractIntervals } from './ranges';
import type { AvailabilityRules, FreeSlotsInput, Interval, TimeRange, Weekday } from './types';

/*
 * Slot generation. Everything is computed in epoch milliseconds; time zones are consulted only to
 * turn a recruiter-local date and wall time into an instant, to find local midnights and to align
 * the grid, and those look-ups are memoised per UTC day (see LocalTime), so the cost grows with the
 * number of days in the window, not with the number of slots.
 *
 * The helpers marked `export` below are shared with the panel engine (`panel.ts`) only; they are
 * not part of the package's API (`index.ts` does not re-export them).
 *
 * "Day numbers" below count days since 1970-01-01 on a zone-less calendar: day number `d` is the
 * local calendar date whose midnight written as if it were UTC is `d * DAY`.
 */

export const MINUTE = 60_000;
const DAY = 86_400_000;

export const mod = (a: number, m: number): number => ((a % m) + m) % m;

/** "yyyy-MM-dd" of a day number. */
function dateKey(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a day number (1970-01-01 was a Thursday). */
function weekdayOf(day: number): Weekday {
  return (mod(day + 3, 7) + 1) as Weekday;
}

const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Minutes after local midnight of "HH:mm" ("24:00" = 1440). */
function minutesOf(time: string): number {
  const m = HHMM.exec(time);
  if (!m) throw new RangeError(`Invalid local time "${time}": use "HH:mm" between 00:00 and 24:00`);
  if (m[1] === undefined) return 1440;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** One UTC day of a zone's offsets: `before` until `switchAt`, `after` from it on. */
interface OffsetDay {
  before: number;
  after: number;
  switchAt: number;
}

/** Offsets already looked up, per zone: a pure function of the runtime's tz database, so shared by all calls. */
interface ZoneMemo {
  atMidnight: Map<number, number>;
  days: Map<number, OffsetDay>;
}
const zoneMemos = new Map<string, ZoneMemo>();
/** Bound on the memo of one zone (UTC days); past it the zone's memo starts over. */
const MAX_MEMO_DAYS = 20_000;

function zoneMemo(name: string): ZoneMemo {
  let memo = zoneMemos.get(name);
  if (!memo || memo.days.size > MAX_MEMO_DAYS || memo.atMidnight.size > MAX_MEMO_DAYS) {
    memo = { atMidnight: new Map(), days: new Map() };
    zoneMemos.set(name, memo);
  }
  return memo;
}

/**
 * Offsets, local dates and local midnights of one IANA zone.
 *
 * A zone's offset is looked up (through luxon, i.e. Intl) at UTC midnights only; when two
 * consecutive midnights disagree, the change inside that UTC day is found by bisection to the
 * second. This assumes a zone changes its offset at most once per UTC day, which holds for every
 * zone in the tz database since long before any date a booking can have. What was looked up is
 * memoised per zone for the life of the process (bounded), so a busy booking page pays for it once.
 */
export class LocalTime {
  private readonly zone: IANAZone;
  private readonly atMidnight: Map<number, number>;
  private readonly days: Map<number, OffsetDay>;
  private readonly starts = new Map<number, number>();

  constructor(readonly name: string) {
    // isValidZone builds an Intl.DateTimeFormat, which costs more than a whole slot computation: ask once per zone.
    if (!zoneMemos.has(name) && !IANAZone.isValidZone(name)) throw new RangeError(`Unknown IANA time zone "${name}"`);
    this.zone = IANAZone.create(name);
    ({ atMidnight: this.atMidnight, days: this.days } = zoneMemo(name));
  }

  private rawOffset(t: number): number {
    return this.zone.offset(t) * MINUTE;
  }

  private offsetAtMidnight(utcDay: number): number {
    let o = this.atMidnight.get(utcDay);
    if (o === undefined) {
      o = this.rawOffset(utcDay * DAY);
      this.atMidnight.set(utcDay, o);
    }
    return o;
  }

  private offsetDay(utcDay: number): OffsetDay {
    let d = this.days.get(utcDay);
    if (d) return d;
    const before = this.offsetAtMidnight(utcDay);
    const after = this.offsetAtMidnight(utcDay + 1);
    let switchAt = Infinity;
    if (before !== after) {
      // Bisect on whole seconds: the last second with `before` is lo, the first with the new offset is hi.
      let lo = (utcDay * DAY) / 1000;
      let hi = ((utcDay + 1) * DAY) / 1000;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.rawOffset(mid * 1000) === before) lo = mid;
        else hi = mid;
      }
      switchAt = hi * 1000;
    }
    d = { before, after, switchAt };
    this.days.set(utcDay, d);
    return d;
  }

  /** UTC offset in ms at instant `t`. */
  offsetAt(t: number): number {
    const d = this.offsetDay(Math.floor(t / DAY));
    return t < d.switchAt ? d.before : d.after;
  }

  /** The first offset change strictly inside `(a, b)`, if any. */
  changeBetween(a: number, b: number): number | undefined {
    for (let day = Math.floor(a / DAY); day * DAY < b; day++) {
      const s = this.offsetDay(day).switchAt;
      if (s > a && s < b) return s;
    }
    return undefined;
  }

  /**
   * The instant of a local wall time (given as ms of the wall clock read as if it were UTC).
   * - A wall time that occurs once is that instant.
   * - A repeated wall time (clocks turned back) is its first, earlier occurrence (the offset that
   *   was in force before the change). luxon's own choice here depends on the real current date,
   *   which is why this is not left to `DateTime.fromObject`.
   * - A wall time that does not exist (clocks turned forward) is shifted forward by the size of
   *   the gap, as luxon does: 02:30 on a US spring-forward day is 03:30 daylight time.
   */
  instantOf(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    const early = wall - before;
    if (this.offsetAt(early) === before) return early;
    const late = wall - after;
    if (this.offsetAt(late) === after) return late;
    return wall - Math.min(before, after);
  }

  /** First instant of a local date: its midnight, or the first instant after it if midnight does not exist. */
  dayStart(day: number): number {
    let s = this.starts.get(day);
    if (s === undefined) {
      s = this.instantOf(day * DAY);
      this.starts.set(day, s);
    }
    return s;
  }

  /** The local date (day number) of an instant: the date `d` with `dayStart(d) <= t < dayStart(d + 1)`. */
  dayOf(t: number): number {
    const day = Math.floor((t + this.offsetAt(t)) / DAY);
    if (t < this.dayStart(day)) return day - 1;
    if (t >= this.dayStart(day + 1)) return day + 1;
    return day;
  }
}

export function checkRules(rules: AvailabilityRules): void {
  const positive = ['durationMinutes', 'slotStepMinutes'] as const;
  const nonNegative = ['bufferBeforeMinutes', 'bufferAfterMinutes', 'minimumNoticeMinutes', 'horizonDays'] as const;
  for (const key of positive) {
    if (!Number.isInteger(rules[key]) || rules[key] <= 0) throw new RangeError(`${key} must be a positive integer, got ${rules[key]}`);
  }
  for (const key of nonNegative) {
    if (!Number.isInteger(rules[key]) || rules[key] < 0) throw new RangeError(`${key} must be a non-negative integer, got ${rules[key]}`);
  }
  if (rules.dailyLimit !== null && (!Number.isInteger(rules.dailyLimit) || rules.dailyLimit < 0)) {
    throw new RangeError(`dailyLimit must be null or a non-negative integer, got ${rules.dailyLimit}`);
  }
}

export function checkInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch-ms number, got ${value}`);
}

/** The recruiter's side: which dates are bookable and their working ranges as instants. */
export class RecruiterCalendar {
  readonly today: number;
  readonly lastDay: number;
  private readonly blocked: Set<string>;
  private readonly bookingStarts: number[];

  constructor(
    private readonly rules: AvailabilityRules,
    readonly local: LocalTime,
    now: number,
    bookings: readonly Interval[],
  ) {
    this.today = local.dayOf(now);
    this.lastDay = this.today + rules.horizonDays;
    this.blocked = new Set(rules.blockedDates);
    this.bookingStarts = rules.dailyLimit === null ? [] : bookings.map((b) => b.start).sort((a, b) => a - b);
  }

  /** Date-level rules: horizon, no-same-day, blocked dates, daily limit. */
  isBookable(day: number): boolean {
    const { rules } = this;
    if (day > this.lastDay) return false;
    if (rules.noSameDay && day === this.today) return false;
    if (this.blocked.has(dateKey(day))) return false;
    if (rules.dailyLimit !== null) {
      const count = lowerBound(this.bookingStarts, this.local.dayStart(day + 1)) - lowerBound(this.bookingStarts, this.local.dayStart(day));
      if (count >= rules.dailyLimit) return false;
    }
    return true;
  }

  /** The day's working ranges (after overrides) as instants, merged, clipped to the local date. */
  workingRanges(day: number): Interval[] {
    const key = dateKey(day);
    const { dateOverrides, workingHours } = this.rules;
    const hours: readonly TimeRange[] = Object.hasOwn(dateOverrides, key)
      ? (dateOverrides[key] ?? [])
      : (workingHours[weekdayOf(day)] ?? []);
    if (hours.length === 0) return [];
    const dayStart = this.local.dayStart(day);
    const nextDayStart = this.local.dayStart(day + 1);
    const midnight = day * DAY;
    const ranges: Interval[] = [];
    for (const h of hours) {
      const startMin = minutesOf(h.start);
      const endMin = minutesOf(h.end);
      if (startMin >= endMin) throw new RangeError(`Working range ${h.start}–${h.end} on ${key} must start before it ends`);
      const start = Math.max(dayStart, this.local.instantOf(midnight + startMin * MINUTE));
      const end = Math.min(nextDayStart, this.local.instantOf(midnight + endMin * MINUTE));
      if (start < end) ranges.push({ start, end });
    }
    return mergeIntervals(ranges);
  }
}

/** Index of the first element `>= x` in a sorted array. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A stretch of one viewer-local date with one UTC offset; grid points are `≡ phase (mod step)`. */
interface GridSegment {
  start: number;
  end: number;
  phase: number;
}

/**
 * The viewer's grid: instants whose wall time in the viewer zone is a whole number of steps after
 * that date's local midnight. Within a stretch of constant offset these are an arithmetic
 * progression, so only the stretches (one per local date, two on a DST change day) are computed.
 */
export class ViewerGrid {
  private current: GridSegment | undefined;

  constructor(
    private readonly local: LocalTime,
    private readonly stepMs: number,
  ) {}

  segmentAt(t: number): GridSegment {
    const c = this.current;
    if (c && t >= c.start && t < c.end) return c;
    const day = this.local.dayOf(t);
    const dayEnd = this.local.dayStart(day + 1);
    let start = this.local.dayStart(day);
    for (;;) {
      const end = this.local.changeBetween(start, dayEnd) ?? dayEnd;
      if (t < end) {
        // wall(x) = x + offset; wall(x) - midnight ≡ 0 (mod step)  ⇔  x ≡ midnight - offset (mod step)
        const phase = mod(day * DAY - this.local.offsetAt(start), this.stepMs);
        this.current = { start, end, phase };
        return this.current;
      }
      start = end;
    }
  }
}

/** Busy time and bookings grown so that a slot is blocked iff its start..end overlaps one. */
export function blockedTime(busy: readonly Interval[], bookings: readonly Interval[], rules: AvailabilityRules): Interval[] {
  // [s - before, s + duration + after) overlaps [b.start, b.end)
  //   ⇔ [s, s + duration) overlaps [b.start - after, b.end + before)
  return expandIntervals(
    busy.length === 0 ? bookings : bookings.length === 0 ? busy : [...busy, ...bookings],
    rules.bufferAfterMinutes * MINUTE,
    rules.bufferBeforeMinutes * MINUTE,
  );
}

/**
 * The free slots of one recruiter, sorted by start, each `durationMinutes` long.
 *
 * A slot `[s, s + duration)` is offered iff all of these hold:
 * 1. It lies fully inside one working range of its recruiter-local date (weekday hours, or that
 *    date's override; none on a blocked date). Ranges of one date that overlap or touch count as
 *    one range (09:00–12:00 + 12:00–17:00 = 09:00–17:00); ranges of different dates never join,
 *    so no slot spans the recruiter's local midnight.
 * 2. `[s − bufferBefore, s + duration + bufferAfter)` overlaps no busy interval and no booking
 *    (half-open: a meeting may start exactly when a busy interval ends). Zero-length busy intervals
 *    block nothing. Buffers do not apply against the edges of working hours.
 * 3. `s ≥ now + minimumNotice`, in real elapsed time.
 * 4. Its recruiter-local date — judged by the slot's start — is not today's recruiter-local date
 *    when `noSameDay`, is at most today + `horizonDays`, is not blocked, and has fewer than
 *    `dailyLimit` bookings starting on it (bookings are counted by their start's recruiter-local
 *    date, wherever the window is).
 * 5. It lies fully inside `[from, to)`.
 * 6. Grid: `s`'s wall time in `viewerTimeZone` is a whole number of `slotStepMinutes` after that
 *    viewer-local date's midnight. The grid follows wall time across the viewer's DST changes
 *    (03:00 right after a spring-forward is on a 45-minute grid: 0:00, 0:45, 1:30, 3:00), both
 *    occurrences of a repeated hour are on it, and it restarts at each local midnight when the
 *    step does not divide a day. So a viewer in Asia/Kathmandu (+05:45) sees :00/:30 starts.
 *
 * Working hours are wall-clock times on each recruiter-local date, turned into instants like this:
 * - a wall time that does not exist (clocks turned forward) is shifted forward by the gap, as
 *   luxon does: on 2026-03-08 in America/New_York, "02:30" is 03:30 EDT, so "02:30–05:00" is
 *   03:30–05:00 EDT, "01:00–04:00" is 2 real hours and "02:30–03:00" (end before the shifted start)
 *   is empty;
 * - a repeated wall time (clocks turned back) is its first occurrence (the earlier offset): on
 *   2026-11-01 in America/New_York "01:00" is 01:00 EDT and "03:00" is 03:00 EST, so "01:00–03:00"
 *   is 3 real hours long and includes both 01:xx hours;
 * - "24:00" is the next date's first instant; a date's first instant is its midnight, or the first
 *   instant after it where midnight does not exist.
 *
 * @throws RangeError for an unknown zone, a malformed "HH:mm", a range with start ≥ end, or
 *   non-integer / negative rule numbers.
 */
export function freeSlots(input: FreeSlotsInput): Interval[] {
  const { rules, now, from, to } = input;
  checkRules(rules);
  checkInstant('now', now);
  checkInstant('from', from);
  checkInstant('to', to);
  const durationMs = rules.durationMinutes * MINUTE;
  const stepMs = rules.slotStepMinutes * MINUTE;
  const viewer = new LocalTime(input.viewerTimeZone);
  const calendar = new RecruiterCalendar(rules, new LocalTime(rules.timeZone), now, input.bookings);

  const lower = Math.max(from, now + rules.minimumNoticeMinutes * MINUTE);
  if (to - lower < durationMs) return [];
  const firstDay = calendar.local.dayOf(lower);
  const lastDay = Math.min(calendar.local.dayOf(to - 1), calendar.lastDay);

  const blocked = blockedTime(input.busy, input.bookings, rules);
  const grid = new ViewerGrid(viewer, stepMs);
  const slots: Interval[] = [];
  let firstCut = 0; // blocked intervals are sorted: skip those that end before the current day

  for (let day = firstDay; day <= lastDay; day++) {
    if (!calendar.isBookable(day)) continue;
    const work: Interval[] = [];
    for (const r of calendar.workingRanges(day)) {
      const start = Math.max(r.start, lower);
      const end = Math.min(r.end, to);
      if (end - start >= durationMs) work.push({ start, end });
    }
    if (work.length === 0) continue;

    const dayFrom = work[0]!.start;
    const dayTo = work[work.length - 1]!.end;
    while (firstCut < blocked.length && blocked[firstCut]!.end <= dayFrom) firstCut++;
    let lastCut = firstCut;
    while (lastCut < blocked.length && blocked[lastCut]!.start < dayTo) lastCut++;
    const free = lastCut === firstCut ? work : subtractIntervals(work, blocked.slice(firstCut, lastCut));

    for (const piece of free) {
      const lastStart = piece.end - durationMs;
      let cursor = piece.start;
      while (cursor <= lastStart) {
        const segment = grid.segmentAt(cursor);
        const stop = Math.min(segment.end - 1, lastStart);
        for (let s = cursor + mod(segment.phase - cursor, stepMs); s <= stop; s += stepMs) {
          slots.push({ start: s, end: s + durationMs });
        }
        cursor = segment.end;
      }
    }
  }
  return slots;
}

/**
 * Whether one requested slot is free under the same rules as {@link freeSlots}: the server calls it
 * inside the booking transaction, with the bookings read in that transaction (leave out the booking
 * being rescheduled).
 *
 * The slot must be exactly `durationMinutes` long. Unlike `freeSlots`, its start need not be on a
 * grid: the candidate may have picked it on the grid of another zone (the page renders the grid in
 * the viewer's zone, and a Kathmandu viewer's :00 is a London viewer's :15), and grid alignment is
 * a presentation choice, not a constraint on the recruiter's time. `viewerTimeZone` is accepted so
 * that a whole `FreeSlotsInput` can be passed, and ignored. There is no window either.
 */
export function isSlotFree(
  input: Omit<FreeSlotsInput, 'from' | 'to' | 'viewerTimeZone'> & { viewerTimeZone?: string },
  slot: Interval,
): boolean {
  const { rules, now } = input;
  checkRules(rules);
  checkInstant('now', now);
  checkInstant('slot.start', slot.start);
  checkInstant('slot.end', slot.end);
  if (slot.end - slot.start !== rules.durationMinutes * MINUTE) return false;
  if (slot.start < now + rules.minimumNoticeMinutes * MINUTE) return false;

  const calendar = new RecruiterCalendar(rules, new LocalTime(rules.timeZone), now, input.bookings);
  const day = calendar.local.dayOf(slot.start);
  if (!calendar.isBookable(day)) return false;
  if (!calendar.workingRanges(day).some((r) => r.start <= slot.start && slot.end <= r.end)) return false;

  const before = rules.bufferBeforeMinutes * MINUTE;
  const after = rules.bufferAfterMinutes * MINUTE;
  for (const list of [input.busy, input.bookings]) {
    for (const b of list) {
      if (b.end > b.start && b.start < slot.end + after && b.end > slot.start - before) return false;
    }
  }
  return true;
}

/**
 * Slots grouped by the local date of their start in `timeZone` ("yyyy-MM-dd"), dates ascending,
 * slots sorted within each date. Looks the zone up once per date, not per slot.
 */
export function groupSlotsByDay(slots: readonly Interval[], timeZone: string): { date: string; slots: Interval[] }[] {
  const local = new LocalTime(timeZone);
  const sorted = [...slots].sort((a, b) => a.start - b.start || a.end - b.end);
  const groups: { date: string; slots: Interval[] }[] = [];
  let group: { date: string; slots: Interval[] } | undefined;
  let groupEnd = -Infinity;
  for (const slot of sorted) {
    if (!group || slot.start >= groupEnd) {
      const day = local.dayOf(slot.start);
      groupEnd = local.dayStart(day + 1);
      group = { date: dateKey(day), slots: [] };
      groups.push(group);
    }
    group.slots.push({ start: slot.start, end: slot.end });
  }
  return groups;
}
