import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  freeLoops,
  freeSlots,
  isSlotFree,
  placeLoop,
  type AvailabilityRules,
  type Interval,
  type LoopSlot,
  type PanelInput,
  type Person,
  type PlacedSession,
  type TimeRange,
  type Weekday,
} from '../../lib/availability';

/*
 * The panel engine against an oracle written from its spec, one candidate loop start at a time:
 * every 5-minute instant of the window is judged with luxon for the loop rules and the grid, and
 * with isSlotFree (the one-to-one engine, itself checked against luxon in
 * availability-properties.test.ts) for each person and session, trying the orders one by one.
 * Nothing of the interval algebra in panel.ts is shared. All grid steps are multiples of 5 minutes
 * and all these zones' offsets multiples of 15, so every grid point is one of those instants.
 */

const MIN = 60_000;
const DAY = 86_400_000;

const ZONES = ['Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'UTC'] as const;

/** `now` is drawn near these instants (DST changes in the zones above) and a plain one. */
const ANCHORS = [
  '2026-03-08T07:00Z', // US spring-forward
  '2026-03-29T01:00Z', // EU spring-forward
  '2026-04-04T16:00Z', // Sydney fall-back
  '2026-10-03T16:00Z', // Sydney spring-forward
  '2026-10-25T01:00Z', // EU fall-back
  '2026-11-01T06:00Z', // US fall-back
  '2026-06-15T12:00Z',
].map((iso) => DateTime.fromISO(iso).toMillis());

const hhmm = (minutes: number): string =>
  minutes === 1440 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// Working ranges on quarter hours, mostly several hours long so that people overlap now and then.
const arbRange: fc.Arbitrary<TimeRange> = fc
  .tuple(fc.integer({ min: 0, max: 92 }), fc.integer({ min: 4, max: 64 }))
  .map(([start, length]) => ({ start: hhmm(start * 15), end: hhmm(Math.min(96, start + length) * 15) }));
const arbDay = fc.oneof({ arbitrary: fc.constant<TimeRange[]>([]), weight: 1 }, { arbitrary: fc.array(arbRange, { minLength: 1, maxLength: 2 }), weight: 5 });
/** [minutes after `now`, length in minutes]; lengths ≤ 0 are empty and block nothing. */
const arbSpan = (minLen: number, maxLen: number) => fc.tuple(fc.integer({ min: -1440, max: 5 * 1440 }), fc.integer({ min: minLen, max: maxLen }));

const arbPerson = fc.record({
  zone: fc.constantFrom(...ZONES),
  week: fc.tuple(arbDay, arbDay, arbDay, arbDay, arbDay, arbDay, arbDay),
  overrides: fc.array(fc.tuple(fc.integer({ min: -1, max: 4 }), arbDay), { maxLength: 2 }),
  blocked: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 1 }),
  bufferBeforeMinutes: fc.constantFrom(0, 0, 5, 15),
  bufferAfterMinutes: fc.constantFrom(0, 0, 10, 15),
  dailyLimit: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 2 }),
  busy: fc.array(arbSpan(-10, 180), { maxLength: 8 }),
  bookings: fc.array(arbSpan(15, 90), { maxLength: 3 }),
});
const arbLoop = fc.record({
  people: fc.array(arbPerson, { minLength: 1, maxLength: 3 }),
  // People are picked by bit masks; a session with nobody gets the first person.
  sessions: fc.array(fc.record({ durationMinutes: fc.constantFrom(15, 30, 45, 60), required: fc.nat(7), pool: fc.nat(7) }), { minLength: 1, maxLength: 3 }),
  gapMinutes: fc.constantFrom(0, 0, 5, 15, 30),
  order: fc.constantFrom<'fixed' | 'free'>('fixed', 'free'),
  loopZone: fc.constantFrom(...ZONES),
  viewer: fc.constantFrom(...ZONES),
  anchor: fc.constantFrom(...ANCHORS),
  nowShift: fc.integer({ min: -2 * DAY, max: 2 * DAY }),
  minimumNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 })),
  noSameDay: fc.boolean(),
  horizonDays: fc.integer({ min: 0, max: 4 }),
  slotStepMinutes: fc.constantFrom(15, 20, 30, 45, 60),
  fromShift: fc.integer({ min: -720, max: 2 * 1440 }),
  windowMinutes: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1440 }), weight: 1 }, { arbitrary: fc.integer({ min: 1440, max: 3 * 1440 }), weight: 4 }),
});
type RawPerson = typeof arbPerson extends fc.Arbitrary<infer T> ? T : never;
type RawLoop = typeof arbLoop extends fc.Arbitrary<infer T> ? T : never;

function buildPerson(raw: RawPerson, id: string, now: number): Person {
  const today = DateTime.fromMillis(now, { zone: raw.zone }).startOf('day');
  const dateAt = (offset: number): string => today.plus({ days: offset }).toISODate()!;
  const minute = Math.floor(now / MIN) * MIN;
  const spans = (list: [number, number][]): Interval[] => list.map(([at, len]) => ({ start: minute + at * MIN, end: minute + (at + len) * MIN }));
  return {
    id,
    rules: {
      timeZone: raw.zone,
      workingHours: Object.fromEntries(raw.week.map((ranges, i) => [i + 1, ranges])) as Record<Weekday, TimeRange[]>,
      dateOverrides: Object.fromEntries(raw.overrides.map(([d, ranges]) => [dateAt(d), ranges])),
      blockedDates: raw.blocked.map(dateAt),
      bufferBeforeMinutes: raw.bufferBeforeMinutes,
      bufferAfterMinutes: raw.bufferAfterMinutes,
      dailyLimit: raw.dailyLimit,
    },
    busy: spans(raw.busy),
    bookings: spans(raw.bookings),
  };
}

function build(raw: RawLoop): PanelInput {
  const now = raw.anchor + raw.nowShift;
  const people = raw.people.map((p, i) => buildPerson(p, `p${i}`, now));
  const ids = (mask: number) => people.filter((_, i) => mask & (1 << i)).map((p) => p.id);
  const sessions = raw.sessions.map((s) => {
    const required = ids(s.required);
    const pool = ids(s.pool);
    return { durationMinutes: s.durationMinutes, required: required.length + pool.length === 0 ? [people[0]!.id] : required, pool };
  });
  const from = Math.floor(now / MIN) * MIN + raw.fromShift * MIN;
  return {
    people,
    sessions,
    gapMinutes: raw.gapMinutes,
    order: raw.order,
    loop: {
      timeZone: raw.loopZone,
      minimumNoticeMinutes: raw.minimumNoticeMinutes,
      noSameDay: raw.noSameDay,
      horizonDays: raw.horizonDays,
      slotStepMinutes: raw.slotStepMinutes,
    },
    now,
    from,
    to: from + raw.windowMinutes * MIN,
    viewerTimeZone: raw.viewer,
  };
}

/** A person's rules as one-to-one rules that judge only the person: no notice, horizon or grid. */
function oneToOne(person: Person, durationMinutes: number): AvailabilityRules {
  return { ...person.rules, durationMinutes, minimumNoticeMinutes: 0, noSameDay: false, horizonDays: 10_000, slotStepMinutes: 5 };
}

function onViewerGrid(t: number, zone: string, stepMinutes: number): boolean {
  const wall = DateTime.fromMillis(t, { zone });
  return wall.second === 0 && wall.millisecond === 0 && (wall.hour * 60 + wall.minute) % stepMinutes === 0;
}

const fmt = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toISO() ?? String(t);

function orders(n: number, order: 'fixed' | 'free'): number[][] {
  const all: number[][] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === n) all.push(prefix);
    for (let k = 0; k < n; k++) if (!prefix.includes(k)) walk([...prefix, k]);
  };
  walk([]);
  return order === 'fixed' ? all.slice(0, 1) : all;
}

/** The spec, one loop start at a time. */
class Oracle {
  private readonly memo = new Map<string, boolean>();
  private readonly people: Map<string, Person>;
  readonly total: number;

  constructor(private readonly input: PanelInput) {
    this.people = new Map(input.people.map((p) => [p.id, p]));
    this.total = input.sessions.reduce((sum, s) => sum + s.durationMinutes * MIN, 0) + (input.sessions.length - 1) * input.gapMinutes * MIN;
  }

  /** Whether `id` can attend `[start, start + minutes)`, by isSlotFree with the person's own rules. */
  fits(id: string, start: number, minutes: number): boolean {
    const key = `${id} ${start} ${minutes}`;
    let ok = this.memo.get(key);
    if (ok === undefined) {
      const p = this.people.get(id)!;
      ok = isSlotFree({ rules: oneToOne(p, minutes), busy: p.busy, bookings: p.bookings, now: this.input.now }, { start, end: start + minutes * MIN });
      this.memo.set(key, ok);
    }
    return ok;
  }

  /** Notice, no-same-day, horizon (in the loop zone), the window and the viewer grid. */
  loopRulesAllow(t: number): boolean {
    const { loop, now, from, to } = this.input;
    if (t < now + loop.minimumNoticeMinutes * MIN || t < from || t + this.total > to) return false;
    const today = DateTime.fromMillis(now, { zone: loop.timeZone }).startOf('day');
    const date = DateTime.fromMillis(t, { zone: loop.timeZone }).toISODate()!;
    if (loop.noSameDay && date === today.toISODate()) return false;
    if (date > today.plus({ days: loop.horizonDays }).toISODate()!) return false;
    return onViewerGrid(t, this.input.viewerTimeZone, loop.slotStepMinutes);
  }

  /** The loop that should be offered at `t`, if any. */
  loopAt(t: number): LoopSlot | undefined {
    if (!this.loopRulesAllow(t)) return undefined;
    const { sessions, gapMinutes } = this.input;
    const bookings = (id: string) => this.people.get(id)!.bookings.length;
    for (const order of orders(sessions.length, this.input.order)) {
      const placed: PlacedSession[] = [];
      let start = t;
      for (const k of order) {
        const s = sessions[k]!;
        if (!s.required.every((id) => this.fits(id, start, s.durationMinutes))) break;
        const session: PlacedSession = { session: k, start, end: start + s.durationMinutes * MIN };
        if (s.pool.length > 0) {
          const free = s.pool.filter((id) => this.fits(id, start, s.durationMinutes));
          if (free.length === 0) break;
          session.poolPick = free.reduce((best, id) => (bookings(id) < bookings(best) ? id : best));
        }
        placed.push(session);
        start = session.end + gapMinutes * MIN;
      }
      if (placed.length === order.length) return { start: t, end: placed[placed.length - 1]!.end, sessions: placed };
    }
    return undefined;
  }

  /** Every loop to offer: the 5-minute instants of the window, judged one by one. */
  allLoops(): LoopSlot[] {
    const { from, to } = this.input;
    const out: LoopSlot[] = [];
    for (let t = Math.ceil(from / (5 * MIN)) * 5 * MIN; t + this.total <= to; t += 5 * MIN) {
      const loop = this.loopAt(t);
      if (loop) out.push(loop);
    }
    return out;
  }
}

describe('freeLoops against the spec oracle', () => {
  it('offers exactly the loops, orders and pool picks the spec gives; placeLoop agrees', () => {
    let offered = 0;
    fc.assert(
      fc.property(arbLoop, fc.array(fc.integer({ min: -1440, max: 5 * 1440 }), { minLength: 5, maxLength: 5 }), (raw, probes) => {
        const input = build(raw);
        const loops = freeLoops(input);
        const oracle = new Oracle(input);
        const people = new Map(input.people.map((p) => [p.id, p]));
        const zone = input.loop.timeZone;
        offered += loops.length;

        for (const [i, loop] of loops.entries()) {
          const where = fmt(loop.start, zone);
          if (i > 0) expect(loop.start, where).toBeGreaterThan(loops[i - 1]!.start);
          // Sessions: each once, in time order, back to back with exactly the gap; the loop spans them.
          const order = loop.sessions.map((s) => s.session);
          expect([...order].sort(), where).toEqual(input.sessions.map((_, k) => k));
          if (input.order === 'fixed') expect(order, where).toEqual(input.sessions.map((_, k) => k));
          expect(loop.start).toBe(loop.sessions[0]!.start);
          expect(loop.end).toBe(loop.sessions[loop.sessions.length - 1]!.end);
          for (const [j, placed] of loop.sessions.entries()) {
            const spec = input.sessions[placed.session]!;
            expect(placed.end - placed.start, where).toBe(spec.durationMinutes * MIN);
            if (j > 0) expect(placed.start - loop.sessions[j - 1]!.end, where).toBe(input.gapMinutes * MIN);
            if (spec.pool.length === 0) expect(placed.poolPick).toBeUndefined();
            else expect(spec.pool).toContain(placed.poolPick);
            // Every participant: no busy time or booking within their buffers, one local date, inside working hours.
            for (const id of [...spec.required, ...(placed.poolPick === undefined ? [] : [placed.poolPick])]) {
              const p = people.get(id)!;
              const before = p.rules.bufferBeforeMinutes * MIN;
              const after = p.rules.bufferAfterMinutes * MIN;
              for (const b of [...p.busy, ...p.bookings]) {
                const clash = b.end > b.start && b.start < placed.end + after && b.end > placed.start - before;
                expect(clash, `${id} at ${fmt(placed.start, p.rules.timeZone)} vs ${fmt(b.start, p.rules.timeZone)}`).toBe(false);
              }
              const date = (t: number) => DateTime.fromMillis(t, { zone: p.rules.timeZone }).toISODate();
              expect(date(placed.start), `${id} across midnight`).toBe(date(placed.end - 1));
              expect(oracle.fits(id, placed.start, spec.durationMinutes), `${id} at ${fmt(placed.start, p.rules.timeZone)}`).toBe(true);
            }
          }
          // Loop rules: notice, dates in the loop zone, the window and the viewer grid.
          expect(oracle.loopRulesAllow(loop.start), where).toBe(true);
          // placeLoop gives the same loop back, and nothing 7 minutes later (never on a 5-minute grid).
          expect(placeLoop(input, loop.start)).toEqual(loop);
          expect(placeLoop(input, loop.start + 7 * MIN)).toBeUndefined();
        }

        // Completeness, orders and picks: exactly the oracle's loops.
        expect(loops).toEqual(oracle.allLoops());

        // placeLoop anywhere: the oracle's loop at that instant, or nothing.
        const minute = Math.floor(input.now / MIN) * MIN;
        for (const at of probes) {
          const t = minute + Math.round(at / 5) * 5 * MIN;
          expect(placeLoop(input, t), fmt(t, zone)).toEqual(oracle.loopAt(t));
        }
      }),
      { numRuns: 150, seed: 20260309 },
    );
    expect(offered).toBeGreaterThan(500); // the generators do produce loops
  }, 60_000);

  it('one person, one session: the same starts as freeSlots with equivalent rules', () => {
    const arbOne = fc.record({
      person: arbPerson,
      durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
      slotStepMinutes: fc.constantFrom(5, 10, 15, 20, 25, 30, 45, 60),
      viewer: fc.constantFrom(...ZONES),
      anchor: fc.constantFrom(...ANCHORS),
      nowShift: fc.integer({ min: -2 * DAY, max: 2 * DAY }),
      minimumNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
      noSameDay: fc.boolean(),
      horizonDays: fc.integer({ min: 0, max: 6 }),
      fromShift: fc.integer({ min: -720, max: 2 * 1440 }),
      windowMinutes: fc.integer({ min: 0, max: 5 * 1440 }),
    });
    fc.assert(
      fc.property(arbOne, (raw) => {
        const now = raw.anchor + raw.nowShift;
        const person = buildPerson(raw.person, 'solo', now);
        const from = Math.floor(now / MIN) * MIN + raw.fromShift * MIN;
        const to = from + raw.windowMinutes * MIN;
        const { durationMinutes, minimumNoticeMinutes, noSameDay, horizonDays, slotStepMinutes } = raw;
        const loops = freeLoops({
          people: [person],
          sessions: [{ durationMinutes, required: ['solo'], pool: [] }],
          gapMinutes: 0,
          order: 'fixed',
          loop: { timeZone: person.rules.timeZone, minimumNoticeMinutes, noSameDay, horizonDays, slotStepMinutes },
          now,
          from,
          to,
          viewerTimeZone: raw.viewer,
        });
        const slots = freeSlots({
          rules: { ...person.rules, durationMinutes, minimumNoticeMinutes, noSameDay, horizonDays, slotStepMinutes },
          busy: person.busy,
          bookings: person.bookings,
          now,
          from,
          to,
          viewerTimeZone: raw.viewer,
        });
        expect(loops.map((l) => [l.start, l.end])).toEqual(slots.map((s) => [s.start, s.end]));
      }),
      { numRuns: 200, seed: 20260330 },
    );
  }, 30_000);
});
