import type { LoopSlot, PanelInput, Person, PlacedSession } from './panel-types';
import { intersectIntervals, mergeIntervals, subtractIntervals } from './ranges';
import { blockedTime, checkInstant, checkRules, LocalTime, MINUTE, mod, RecruiterCalendar, ViewerGrid } from './slots';
import type { AvailabilityRules, Interval } from './types';

/*
 * Panel scheduling on the one-to-one machinery of slots.ts: each person's free time is computed in
 * their own zone by a RecruiterCalendar, then everything is interval algebra on "start sets" (the
 * instants a session may start at), so the cost grows with the number of free intervals and days,
 * never with minutes. A free interval I admits a D-long session at every s in [I.start, I.end − D],
 * kept half-open as [I.start, I.end − D + 1) in ms.
 */

/** With `order: 'free'` every permutation is tried: 6! = 720 at most. */
const MAX_FREE_SESSIONS = 6;
/** People have no horizon of their own (the loop has one); a RecruiterCalendar needs some. */
const PERSON_HORIZON_DAYS = 1_000_000;

/** One person, ready: their rules as one-to-one rules and their calendar (dates, hours, daily limit). */
interface PersonPlan {
  person: Person;
  rules: AvailabilityRules;
  calendar: RecruiterCalendar;
}

interface Plan {
  people: Map<string, PersonPlan>;
  durations: number[];
  /** Pool members of each session in order of preference: fewest bookings, then as listed. */
  pools: string[][];
  gapMs: number;
  totalMs: number;
  /** `order: 'free'`: every order of the sessions may be tried. */
  free: boolean;
  loopLocal: LocalTime;
  viewer: LocalTime;
  stepMs: number;
}

/** Runs `fn`, prefixing the message of a RangeError it throws with `label`. */
function labelled<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${label}: ${e.message}`);
    throw e;
  }
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer, got ${value}`);
  }
}

function plan(input: PanelInput): Plan {
  const { sessions, loop } = input;
  checkInstant('now', input.now);
  checkInstant('from', input.from);
  checkInstant('to', input.to);
  checkInteger('gapMinutes', input.gapMinutes, 0);
  checkInteger('loop.minimumNoticeMinutes', loop.minimumNoticeMinutes, 0);
  checkInteger('loop.horizonDays', loop.horizonDays, 0);
  checkInteger('loop.slotStepMinutes', loop.slotStepMinutes, 1);
  if (input.order !== 'fixed' && input.order !== 'free') throw new RangeError(`order must be 'fixed' or 'free', got ${String(input.order)}`);
  if (sessions.length === 0) throw new RangeError('A panel needs at least one session');
  if (input.order === 'free' && sessions.length > MAX_FREE_SESSIONS) {
    throw new RangeError(`order 'free' allows at most ${MAX_FREE_SESSIONS} sessions (got ${sessions.length}), as it tries every order of them; use order 'fixed'`);
  }
  const loopLocal = labelled('loop.timeZone', () => new LocalTime(loop.timeZone));
  const viewer = labelled('viewerTimeZone', () => new LocalTime(input.viewerTimeZone));

  const people = new Map<string, PersonPlan>();
  for (const person of input.people) {
    if (people.has(person.id)) throw new RangeError(`Person "${person.id}" is listed twice in people`);
    const r = person.rules;
    const rules: AvailabilityRules = {
      timeZone: r.timeZone,
      workingHours: r.workingHours,
      dateOverrides: r.dateOverrides,
      blockedDates: r.blockedDates,
      bufferBeforeMinutes: r.bufferBeforeMinutes,
      bufferAfterMinutes: r.bufferAfterMinutes,
      dailyLimit: r.dailyLimit,
      durationMinutes: 1,
      minimumNoticeMinutes: 0,
      noSameDay: false,
      horizonDays: PERSON_HORIZON_DAYS,
      slotStepMinutes: 1,
    };
    const calendar = labelled(`Person "${person.id}"`, () => {
      checkRules(rules);
      return new RecruiterCalendar(rules, new LocalTime(r.timeZone), input.now, person.bookings);
    });
    people.set(person.id, { person, rules, calendar });
  }

  const durations = sessions.map((s, k) => {
    checkInteger(`sessions[${k}].durationMinutes`, s.durationMinutes, 1);
    if (s.required.length === 0 && s.pool.length === 0) throw new RangeError(`sessions[${k}] needs at least one required person or a pool`);
    for (const id of [...s.required, ...s.pool]) {
      if (!people.has(id)) throw new RangeError(`sessions[${k}] refers to person "${id}", who is not in people`);
    }
    return s.durationMinutes * MINUTE;
  });
  const bookingCount = (id: string) => people.get(id)!.person.bookings.length;
  const pools = sessions.map((s) => [...s.pool].sort((a, b) => bookingCount(a) - bookingCount(b))); // stable: ties keep the listed order
  const gapMs = input.gapMinutes * MINUTE;
  const totalMs = durations.reduce((sum, d) => sum + d, 0) + gapMs * (sessions.length - 1);
  return { people, durations, pools, gapMs, totalMs, free: input.order === 'free', loopLocal, viewer, stepMs: loop.slotStepMinutes * MINUTE };
}

/**
 * A person's free time inside `window`: working ranges of their bookable local dates minus busy
 * time and bookings grown by their buffers. Pieces of different dates are kept apart even where
 * they touch at a midnight, so that no session is fitted across one.
 */
function freePieces({ person, rules, calendar }: PersonPlan, window: Interval): Interval[] {
  const before = rules.bufferBeforeMinutes * MINUTE;
  const after = rules.bufferAfterMinutes * MINUTE;
  // Only what can reach the window once grown (see blockedTime); daily limits still see every booking.
  const near = (b: Interval) => b.start - after < window.end && b.end + before > window.start;
  const blocked = blockedTime(person.busy.filter(near), person.bookings.filter(near), rules);
  const pieces: Interval[] = [];
  let firstCut = 0;
  const lastDay = calendar.local.dayOf(window.end - 1);
  for (let day = calendar.local.dayOf(window.start); day <= lastDay; day++) {
    if (!calendar.isBookable(day)) continue;
    for (const r of calendar.workingRanges(day)) {
      const work = { start: Math.max(r.start, window.start), end: Math.min(r.end, window.end) };
      if (work.start >= work.end) continue;
      while (firstCut < blocked.length && blocked[firstCut]!.end <= work.start) firstCut++;
      let lastCut = firstCut;
      while (lastCut < blocked.length && blocked[lastCut]!.start < work.end) lastCut++;
      if (lastCut === firstCut) pieces.push(work);
      else pieces.push(...subtractIntervals([work], blocked.slice(firstCut, lastCut)));
    }
  }
  return pieces;
}

/** Whether `t` lies in a sorted, disjoint list of intervals. */
function contains(set: readonly Interval[], t: number): boolean {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (set[mid]!.end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < set.length && set[lo]!.start <= t;
}

/** The loops of `plan` whose start lies in the window `[from, to)` (the whole loop inside it). */
function solve(p: Plan, input: PanelInput, from: number, to: number): LoopSlot[] {
  const { loop, now, sessions } = input;
  const today = p.loopLocal.dayOf(now);
  let lo = Math.max(from, now + loop.minimumNoticeMinutes * MINUTE);
  if (loop.noSameDay) lo = Math.max(lo, p.loopLocal.dayStart(today + 1));
  if (to - lo < p.totalMs) return [];
  const lastDay = Math.min(today + loop.horizonDays, p.loopLocal.dayOf(to - p.totalMs));
  const startEnd = Math.min(to - p.totalMs + 1, p.loopLocal.dayStart(lastDay + 1));
  if (startEnd <= lo) return [];
  const window = { start: lo, end: startEnd - 1 + p.totalMs };

  const pieces = new Map<string, Interval[]>();
  const startCache = new Map<string, Interval[]>();
  /** The starts of a `durationMs` session that fit `id`'s free time. */
  const startsOf = (id: string, durationMs: number): Interval[] => {
    const key = `${durationMs}:${id}`;
    let starts = startCache.get(key);
    if (!starts) {
      let free = pieces.get(id);
      if (!free) pieces.set(id, (free = freePieces(p.people.get(id)!, window)));
      // Starts of pieces never touch (each ends D − 1 ms before its piece does), so this stays a disjoint list.
      starts = free.filter((f) => f.end - f.start >= durationMs).map((f) => ({ start: f.start, end: f.end - durationMs + 1 }));
      startCache.set(key, starts);
    }
    return starts;
  };
  const allowed = sessions.map((s, k) => {
    const d = p.durations[k]!;
    let set: Interval[] | undefined;
    for (const id of s.required) set = set ? intersectIntervals(set, startsOf(id, d)) : startsOf(id, d);
    if (s.pool.length > 0) {
      const any = mergeIntervals(s.pool.flatMap((id) => startsOf(id, d)));
      set = set ? intersectIntervals(set, any) : any;
    }
    return set!;
  });

  // Orders are walked depth-first in lexicographic order, the set of loop starts narrowing with
  // each session placed; starts already taken by an earlier order are dropped as soon as they can be.
  const found: { start: number; order: number[] }[] = [];
  const grid = new ViewerGrid(p.viewer, p.stepMs);
  let covered: Interval[] = [];
  const visit = (order: number[], starts: Interval[], offset: number): void => {
    if (covered.length > 0) starts = subtractIntervals(starts, covered);
    if (starts.length === 0) return;
    if (order.length === sessions.length) {
      if (p.free) covered = mergeIntervals([...covered, ...starts]); // two sorted runs: a linear sort
      for (const piece of starts) {
        const last = piece.end - 1;
        let cursor = piece.start;
        while (cursor <= last) {
          const segment = grid.segmentAt(cursor);
          const stop = Math.min(segment.end - 1, last);
          for (let s = cursor + mod(segment.phase - cursor, p.stepMs); s <= stop; s += p.stepMs) found.push({ start: s, order });
          cursor = segment.end;
        }
      }
      return;
    }
    for (let k = p.free ? 0 : order.length; k < (p.free ? sessions.length : order.length + 1); k++) {
      if (order.includes(k)) continue;
      const shifted = allowed[k]!.map((a) => ({ start: a.start - offset, end: a.end - offset }));
      visit([...order, k], intersectIntervals(starts, shifted), offset + p.durations[k]! + p.gapMs);
    }
  };
  visit([], [{ start: lo, end: startEnd }], 0);
  if (p.free) found.sort((a, b) => a.start - b.start);

  return found.map(({ start, order }) => {
    const placed: PlacedSession[] = [];
    let t = start;
    for (const k of order) {
      const d = p.durations[k]!;
      const session: PlacedSession = { session: k, start: t, end: t + d };
      const pool = p.pools[k]!;
      if (pool.length > 0) session.poolPick = pool.find((id) => contains(startsOf(id, d), t))!;
      placed.push(session);
      t += d + p.gapMs;
    }
    return { start, end: placed[placed.length - 1]!.end, sessions: placed };
  });
}

/**
 * The bookable loops of a panel, sorted by start. "Together" is one session with everyone required.
 *
 * Each person's time is judged by their own rules, in their own zone:
 * 1. A session `[s, s + D)` fits person p iff it lies inside one working range of one of p's local
 *    dates (weekday hours or that date's override, merged as in {@link freeSlots}; none on a blocked
 *    date, none on a date that already has `dailyLimit` bookings starting on it in p's zone), and
 *    `[s − bufferBefore, s + D + bufferAfter)` overlaps none of p's busy intervals or bookings. So
 *    no session spans p's local midnight; DST changes are handled as in {@link freeSlots}. Bookings
 *    are counted as they are given: the sessions of the loop being offered do not count yet.
 * 2. A session fits the panel at `s` iff it fits every `required` person and, when it has a
 *    `pool`, at least one pool member.
 * 3. A loop runs its sessions in some order, back to back: each starts exactly `gapMinutes` after
 *    the previous one ends. `order: 'fixed'` allows the listed order only; `'free'` allows any
 *    order (at most 6 sessions), and a loop start that several orders fit uses the first of them
 *    in lexicographic order of session indices, which starts with the listed order.
 * 4. The loop start is ≥ `now + loop.minimumNoticeMinutes` (real elapsed minutes); its local date
 *    in `loop.timeZone` is at most today + `loop.horizonDays` there, and not today when
 *    `loop.noSameDay`. Only the start's date counts: a loop may run past that date's midnight.
 * 5. The whole loop lies inside `[from, to)`.
 * 6. The loop start is on the viewer's grid: a whole number of `loop.slotStepMinutes` after local
 *    midnight in `viewerTimeZone`, exactly as for {@link freeSlots}.
 *
 * In each returned loop `end` is the end of the last session, `sessions` are in time order with
 * `session` the index into `input.sessions`, and a session with a pool names in `poolPick` a member
 * who fits it: the one with the fewest `bookings` entries, ties going to the one listed first.
 * Everything is epoch ms; zones are consulted per date, never per slot.
 *
 * @throws RangeError for an unknown zone, a non-positive or fractional duration, a negative gap,
 *   non-integer or negative loop or person rule numbers, no sessions, a session with neither
 *   required people nor a pool, a session naming a person missing from `people`, a person listed
 *   twice, or more than 6 sessions with `order: 'free'`. Malformed working hours throw as in
 *   {@link freeSlots}, when a date that uses them is reached.
 */
export function freeLoops(input: PanelInput): LoopSlot[] {
  return solve(plan(input), input, input.from, input.to);
}

/**
 * The loop {@link freeLoops} would offer with exactly this `start` (same sessions, order and pool
 * picks), or `undefined` when it would offer none: off the viewer grid, outside `[from, to)`, or
 * not free. Only the loop's own span is computed (daily limits still count every booking), so the
 * server can call it inside the booking transaction with the bookings read there.
 */
export function placeLoop(input: PanelInput, start: number): LoopSlot | undefined {
  const p = plan(input);
  checkInstant('start', start);
  if (start < input.from || start + p.totalMs > input.to) return undefined;
  return solve(p, input, start, start + p.totalMs).find((loop) => loop.start === start);
}
