import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  freeSlots,
  isSlotFree,
  type AvailabilityRules,
  type FreeSlotsInput,
  type Interval,
  type TimeRange,
  type Weekday,
} from '../../lib/availability';

/*
 * The engine against an oracle written straight from the spec with luxon DateTimes, one instant at
 * a time: slow, obvious, and sharing no code with lib/availability. For every generated input the
 * engine's slots must be exactly the 5-minute instants the oracle accepts (all grid steps are
 * multiples of 5 minutes and all these zones' offsets multiples of 15, so every grid point is one).
 */

const MIN = 60_000;
const DAY = 86_400_000;

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns', // −03:30 / −02:30
  'America/Santiago', // DST changes at local midnight
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata', // +05:30
  'Asia/Kathmandu', // +05:45
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Lord_Howe', // 30-minute DST
  'Pacific/Auckland',
  'Pacific/Chatham', // +12:45 / +13:45
  'Pacific/Kiritimati', // +14
  'Pacific/Pago_Pago', // −11
  'UTC',
] as const;

/** `now` is drawn near these instants (DST changes in the zones above) and a few plain ones. */
const ANCHORS = [
  '2026-03-08T07:00Z', // US spring-forward
  '2026-11-01T06:00Z', // US fall-back
  '2026-03-29T01:00Z', // EU
  '2026-10-25T01:00Z',
  '2026-04-04T16:00Z', // Sydney fall-back
  '2026-10-03T16:00Z', // Sydney / Lord Howe spring-forward
  '2026-04-04T14:00Z', // Auckland / Chatham
  '2026-09-26T14:00Z',
  '2026-04-05T03:00Z', // Santiago
  '2026-09-06T04:00Z',
  '2026-06-15T12:00Z',
  '2026-12-31T10:00Z',
].map((iso) => DateTime.fromISO(iso).toMillis());

const hhmm = (minutes: number): string =>
  minutes === 1440 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const arbRange: fc.Arbitrary<TimeRange> = fc
  .tuple(fc.integer({ min: 0, max: 96 }), fc.integer({ min: 0, max: 96 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ start: hhmm(Math.min(a, b) * 15), end: hhmm(Math.max(a, b) * 15) }));
const arbDay = fc.oneof({ arbitrary: fc.constant<TimeRange[]>([]), weight: 1 }, { arbitrary: fc.array(arbRange, { minLength: 1, maxLength: 3 }), weight: 4 });
const arbSpan = (maxMinutesBefore: number, maxMinutesAfter: number, minLen: number, maxLen: number) =>
  fc.tuple(fc.integer({ min: -maxMinutesBefore, max: maxMinutesAfter }), fc.integer({ min: minLen, max: maxLen }));

const arbCase = fc.record({
  zone: fc.constantFrom(...ZONES),
  viewer: fc.constantFrom(...ZONES),
  anchor: fc.constantFrom(...ANCHORS),
  nowShift: fc.integer({ min: -3 * DAY, max: 3 * DAY }),
  week: fc.tuple(arbDay, arbDay, arbDay, arbDay, arbDay, arbDay, arbDay),
  overrides: fc.array(fc.tuple(fc.integer({ min: -1, max: 6 }), arbDay), { maxLength: 3 }),
  blocked: fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 2 }),
  durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
  slotStepMinutes: fc.constantFrom(5, 10, 15, 20, 25, 30, 45, 60),
  bufferBeforeMinutes: fc.constantFrom(0, 0, 5, 15, 30),
  bufferAfterMinutes: fc.constantFrom(0, 0, 10, 15, 30),
  minimumNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3000 })),
  noSameDay: fc.boolean(),
  horizonDays: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 6 }), weight: 5 }),
  dailyLimit: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 }, { arbitrary: fc.constant(0), weight: 1 }),
  fromShift: fc.integer({ min: -720, max: 2 * 1440 }),
  windowMinutes: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1440 }), weight: 1 }, { arbitrary: fc.integer({ min: 1440, max: 4 * 1440 }), weight: 4 }),
  // busy may be empty or inverted (negative length): both block nothing
  busy: fc.array(arbSpan(1440, 6 * 1440, -10, 240), { maxLength: 12 }),
  bookings: fc.array(arbSpan(1440, 6 * 1440, 15, 90), { maxLength: 4 }),
  probes: fc.array(fc.tuple(fc.integer({ min: -1440, max: 7 * 1440 }), fc.constantFrom(0, 0, 0, 5, -15)), { minLength: 10, maxLength: 10 }),
});
type Raw = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function build(raw: Raw): FreeSlotsInput {
  const now = raw.anchor + raw.nowShift;
  const today = DateTime.fromMillis(now, { zone: raw.zone }).startOf('day');
  const dateAt = (offset: number): string => today.plus({ days: offset }).toISODate()!;
  const workingHours = Object.fromEntries(raw.week.map((ranges, i) => [i + 1, ranges])) as Record<Weekday, TimeRange[]>;
  const rules: AvailabilityRules = {
    timeZone: raw.zone,
    workingHours,
    dateOverrides: Object.fromEntries(raw.overrides.map(([d, ranges]) => [dateAt(d), ranges])),
    blockedDates: raw.blocked.map(dateAt),
    durationMinutes: raw.durationMinutes,
    bufferBeforeMinutes: raw.bufferBeforeMinutes,
    bufferAfterMinutes: raw.bufferAfterMinutes,
    minimumNoticeMinutes: raw.minimumNoticeMinutes,
    noSameDay: raw.noSameDay,
    horizonDays: raw.horizonDays,
    dailyLimit: raw.dailyLimit,
    slotStepMinutes: raw.slotStepMinutes,
  };
  const minute = Math.floor(now / MIN) * MIN;
  const spans = (list: [number, number][]): Interval[] =>
    list.map(([at, len]) => ({ start: minute + at * MIN, end: minute + (at + len) * MIN }));
  const from = minute + raw.fromShift * MIN;
  return {
    rules,
    busy: spans(raw.busy),
    bookings: spans(raw.bookings),
    now,
    from,
    to: from + raw.windowMinutes * MIN,
    viewerTimeZone: raw.viewer,
  };
}

/** The spec, with luxon, instant by instant. */
class Oracle {
  private readonly ranges = new Map<string, Interval[]>();
  private readonly todayKey: string;
  private readonly lastKey: string;
  private readonly bookingDates: string[];

  constructor(private readonly input: Omit<FreeSlotsInput, 'from' | 'to' | 'viewerTimeZone'>) {
    const today = DateTime.fromMillis(input.now, { zone: input.rules.timeZone });
    this.todayKey = today.toISODate()!;
    this.lastKey = today.plus({ days: input.rules.horizonDays }).toISODate()!;
    this.bookingDates = input.bookings.map((b) => DateTime.fromMillis(b.start, { zone: input.rules.timeZone }).toISODate()!);
  }

  /** A wall time on a date: nonexistent → luxon's forward shift; repeated → the earlier instant. */
  private instant(date: DateTime, time: string): number {
    if (time === '24:00') return this.instant(date.plus({ days: 1 }), '00:00');
    const [h, m] = time.split(':').map(Number) as [number, number];
    const guess = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: h, minute: m }, { zone: this.input.rules.timeZone });
    const same = (d: DateTime) => d.day === date.day && d.hour === h && d.minute === m;
    if (!same(guess)) return guess.toMillis();
    for (const delta of [120, 60, 30]) {
      const earlier = guess.minus({ minutes: delta });
      if (same(earlier)) return earlier.toMillis();
    }
    return guess.toMillis();
  }

  private workingRanges(date: DateTime): Interval[] {
    const key = date.toISODate()!;
    let out = this.ranges.get(key);
    if (!out) {
      const { dateOverrides, workingHours } = this.input.rules;
      const hours = key in dateOverrides ? dateOverrides[key]! : workingHours[date.weekday as Weekday];
      const lo = this.instant(date, '00:00');
      const hi = this.instant(date, '24:00');
      out = hours
        .map((r) => ({ start: Math.max(lo, this.instant(date, r.start)), end: Math.min(hi, this.instant(date, r.end)) }))
        .filter((r) => r.start < r.end)
        .sort((a, b) => a.start - b.start);
      this.ranges.set(key, out);
    }
    return out;
  }

  /** The working ranges of every date from today to the last bookable date. */
  rangesUpToHorizon(): Interval[] {
    const out: Interval[] = [];
    const today = DateTime.fromMillis(this.input.now, { zone: this.input.rules.timeZone }).startOf('day');
    for (let d = 0; d <= this.input.rules.horizonDays; d++) out.push(...this.workingRanges(today.plus({ days: d })));
    return out;
  }

  /** Every rule except the grid and the window. */
  accepts(slot: Interval): boolean {
    const { rules, now, busy, bookings } = this.input;
    if (slot.end - slot.start !== rules.durationMinutes * MIN) return false;
    if (slot.start < now + rules.minimumNoticeMinutes * MIN) return false;
    const before = rules.bufferBeforeMinutes * MIN;
    const after = rules.bufferAfterMinutes * MIN;
    for (const b of [...busy, ...bookings]) {
      if (b.end > b.start && b.start < slot.end + after && b.end > slot.start - before) return false;
    }
    const local = DateTime.fromMillis(slot.start, { zone: rules.timeZone });
    const key = local.toISODate()!;
    if (rules.noSameDay && key === this.todayKey) return false;
    if (key > this.lastKey) return false;
    if (rules.blockedDates.includes(key)) return false;
    if (rules.dailyLimit !== null) {
      const count = this.bookingDates.filter((d) => d === key).length;
      if (count >= rules.dailyLimit) return false;
    }
    // Inside the union of the date's ranges (a slot inside a union of intervals lies in one merged range).
    let covered = slot.start;
    for (const r of this.workingRanges(local.startOf('day'))) {
      if (r.start <= covered && r.end > covered) covered = r.end;
    }
    return covered >= slot.end;
  }
}

function onViewerGrid(t: number, zone: string, stepMinutes: number): boolean {
  const wall = DateTime.fromMillis(t, { zone });
  return wall.second === 0 && wall.millisecond === 0 && (wall.hour * 60 + wall.minute) % stepMinutes === 0;
}

const fmt = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toISO() ?? String(t);

describe('freeSlots against the spec oracle', () => {
  it('offers exactly the grid instants in the window that satisfy every rule; isSlotFree agrees', () => {
    fc.assert(
      fc.property(arbCase, (raw) => {
        const input = build(raw);
        const { rules, from, to } = input;
        const duration = rules.durationMinutes * MIN;
        const slots = freeSlots(input);
        const oracle = new Oracle(input);

        for (let k = 0; k < slots.length; k++) {
          const s = slots[k]!;
          expect(s.end - s.start).toBe(duration);
          if (k > 0) expect(s.start).toBeGreaterThan(slots[k - 1]!.start); // sorted, unique starts
          expect(s.start).toBeGreaterThanOrEqual(from);
          expect(s.end).toBeLessThanOrEqual(to);
          expect(onViewerGrid(s.start, input.viewerTimeZone, rules.slotStepMinutes), fmt(s.start, input.viewerTimeZone)).toBe(true);
          expect(oracle.accepts(s), `${fmt(s.start, rules.timeZone)} offered`).toBe(true);
          expect(isSlotFree(input, s)).toBe(true);
        }

        // Completeness: every accepted grid instant is offered. An accepted instant lies in a working
        // range of a date from today to the horizon, so only those ranges need scanning.
        const offered = new Set(slots.map((s) => s.start));
        const lower = Math.max(from, input.now + rules.minimumNoticeMinutes * MIN);
        for (const range of oracle.rangesUpToHorizon()) {
          const first = Math.ceil(Math.max(range.start, lower) / (5 * MIN)) * 5 * MIN;
          for (let t = first; t + duration <= Math.min(range.end, to); t += 5 * MIN) {
            if (offered.has(t)) continue;
            const accepted = oracle.accepts({ start: t, end: t + duration }) && onViewerGrid(t, input.viewerTimeZone, rules.slotStepMinutes);
            expect(accepted, `${fmt(t, rules.timeZone)} missing`).toBe(false);
          }
        }

        // isSlotFree on starts off the grid: arbitrary minutes (sometimes the wrong length), and
        // offered slots nudged by a few minutes either way.
        const minute = Math.floor(input.now / MIN) * MIN;
        const probes: Interval[] = raw.probes.map(([at, lengthError]) => ({ start: minute + at * MIN, end: minute + at * MIN + duration + lengthError * MIN }));
        for (const [k, [at]] of raw.probes.entries()) {
          const s = slots[(k * 7919) % Math.max(slots.length, 1)];
          const nudge = ((at % 7) + 7) % 7 - 3 || 1;
          if (s) probes.push({ start: s.start + nudge * MIN, end: s.end + nudge * MIN });
        }
        for (const probe of probes) {
          expect(isSlotFree(input, probe), fmt(probe.start, rules.timeZone)).toBe(oracle.accepts(probe));
        }
      }),
      { numRuns: 200 },
    );
  }, 30_000); // ~3 s alone; generous for a loaded machine running other suites in parallel

  it('more busy time never adds a slot', () => {
    fc.assert(
      fc.property(arbCase, arbSpan(0, 5 * 1440, 1, 600), (raw, [at, len]) => {
        const input = build(raw);
        const start = Math.floor(input.now / MIN) * MIN + at * MIN;
        const more = freeSlots({ ...input, busy: [...input.busy, { start, end: start + len * MIN }] });
        const offered = new Set(freeSlots(input).map((s) => s.start));
        for (const s of more) expect(offered.has(s.start)).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
