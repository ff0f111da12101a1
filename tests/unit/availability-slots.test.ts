import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, freeSlots, groupSlotsByDay, isSlotFree, type FreeSlotsInput, type Interval } from '../../lib/availability';
import { at, MON, read, spans, TUE, week } from '../support/instants';
import { NY, rules } from '../support/slot-cases';

// isSlotFree (what a booking re-checks), groupSlotsByDay (what the booking page lists) and the
// engine's defaults, validation and purity.

describe('isSlotFree', () => {
  const L = 'Europe/London';
  const r = rules(L, { [MON]: [['09:00', '12:00'], ['13:00', '15:00']], [TUE]: [['09:00', '12:00']] }, {
    bufferBeforeMinutes: 10,
    bufferAfterMinutes: 10,
    minimumNoticeMinutes: 120,
    noSameDay: true,
    horizonDays: 7,
    dailyLimit: 1,
  });
  const input = {
    rules: r,
    busy: [{ start: at('2026-01-12T11:00Z'), end: at('2026-01-12T11:30Z') }],
    bookings: [{ start: at('2026-01-13T10:00Z'), end: at('2026-01-13T10:30Z') }],
    now: at('2026-01-11T20:00Z'),
  };
  const slot = (start: string, minutes = 30): Interval => ({ start: at(start), end: at(start) + minutes * 60_000 });

  it('accepts a start off the viewer grid (picked on a Kathmandu grid) that freeSlots in London does not list', () => {
    const kathmanduStart = slot('2026-01-12T15:00+05:45'); // 09:15 in London
    expect(isSlotFree(input, kathmanduStart)).toBe(true);
    const london = freeSlots({ ...input, from: at('2026-01-12T00:00Z'), to: at('2026-01-13T00:00Z'), viewerTimeZone: L });
    expect(london.some((s) => s.start === kathmanduStart.start)).toBe(false);
    const kathmandu = freeSlots({ ...input, from: at('2026-01-12T00:00Z'), to: at('2026-01-13T00:00Z'), viewerTimeZone: 'Asia/Kathmandu' });
    expect(kathmandu.some((s) => s.start === kathmanduStart.start)).toBe(true);
  });

  it.each([
    { why: 'a plain free slot', s: slot('2026-01-12T09:30Z'), ok: true },
    { why: 'ends exactly when the buffer before busy begins', s: slot('2026-01-12T10:20Z'), ok: true },
    { why: 'wrong length', s: slot('2026-01-12T09:30Z', 45), ok: false },
    { why: 'buffer before busy', s: slot('2026-01-12T10:25Z'), ok: false },
    { why: 'buffer after busy', s: slot('2026-01-12T11:35Z'), ok: false },
    { why: 'overlaps busy', s: slot('2026-01-12T11:15Z'), ok: false },
    { why: 'spans the lunch break between two ranges', s: slot('2026-01-12T11:45Z'), ok: false },
    { why: 'before working hours', s: slot('2026-01-12T08:45Z'), ok: false },
    { why: 'inside notice', s: slot('2026-01-11T21:00Z'), ok: false },
    { why: 'Tuesday already has its one booking', s: slot('2026-01-13T09:00Z'), ok: false },
    { why: 'beyond the horizon', s: slot('2026-01-19T09:00Z'), ok: false },
  ])('$why → $ok', ({ s, ok }) => {
    expect(isSlotFree(input, s)).toBe(ok);
  });

  it('no same-day: judged by the recruiter date of now', () => {
    const sameDay = { ...input, now: at('2026-01-12T05:00Z') };
    expect(isSlotFree(sameDay, slot('2026-01-12T09:30Z'))).toBe(false);
    expect(isSlotFree({ ...sameDay, rules: { ...r, noSameDay: false } }, slot('2026-01-12T09:30Z'))).toBe(true);
  });

  it('rescheduling: the booking being moved must be left out by the caller', () => {
    const own = { start: at('2026-01-12T09:00Z'), end: at('2026-01-12T09:30Z') };
    const withOwn = { ...input, rules: { ...r, dailyLimit: null }, bookings: [...input.bookings, own] };
    expect(isSlotFree(withOwn, own)).toBe(false);
    expect(isSlotFree({ ...withOwn, bookings: input.bookings }, own)).toBe(true);
  });

  it('agrees with freeSlots on every grid start of a DST week', () => {
    const dst = {
      rules: rules(NY, { 6: [['22:00', '24:00']], 7: [['00:00', '04:00'], ['10:00', '12:00']], 1: [['09:00', '12:00']] }, {
        bufferBeforeMinutes: 15,
        minimumNoticeMinutes: 90,
        noSameDay: true,
        horizonDays: 3,
        dailyLimit: 2,
        slotStepMinutes: 15,
      }),
      busy: [{ start: at('2026-03-08T03:30-04:00'), end: at('2026-03-08T03:45-04:00') }],
      bookings: [{ start: at('2026-03-09T10:00-04:00'), end: at('2026-03-09T10:30-04:00') }],
      now: at('2026-03-06T12:00-05:00'),
    };
    const from = at('2026-03-06T00:00-05:00');
    const to = at('2026-03-11T00:00-04:00');
    const slots = freeSlots({ ...dst, from, to, viewerTimeZone: NY });
    const offered = new Set(slots.map((s) => s.start));
    expect(slots.length).toBeGreaterThan(10);
    for (let t = from; t + 30 * 60_000 <= to; t += 15 * 60_000) {
      expect(isSlotFree(dst, { start: t, end: t + 30 * 60_000 }), read(t, NY)).toBe(offered.has(t));
    }
  });
});

describe('groupSlotsByDay', () => {
  const kiritimati = freeSlots({
    rules: rules('Pacific/Kiritimati', { [MON]: [['09:00', '10:00']], [TUE]: [['23:00', '24:00']] }),
    busy: [],
    bookings: [],
    now: at('2026-01-05T00:00Z'),
    from: at('2026-01-10T00:00Z'),
    to: at('2026-01-14T00:00Z'),
    viewerTimeZone: 'Pacific/Pago_Pago',
  });

  it('groups by the date in the given zone', () => {
    expect(kiritimati).toHaveLength(4);
    const dates = (zone: string) => groupSlotsByDay(kiritimati, zone).map((g) => [g.date, g.slots.length]);
    expect(dates('Pacific/Kiritimati')).toEqual([['2026-01-12', 2], ['2026-01-13', 2]]);
    expect(dates('Pacific/Pago_Pago')).toEqual([['2026-01-11', 2], ['2026-01-12', 2]]);
    expect(dates('UTC')).toEqual([['2026-01-11', 2], ['2026-01-13', 2]]);
  });

  it('sorts unsorted input and copies the slots', () => {
    const reversed = [...kiritimati].reverse();
    const groups = groupSlotsByDay(reversed, 'Pacific/Kiritimati');
    expect(groups.flatMap((g) => g.slots)).toEqual(kiritimati);
    expect(groups[0]!.slots[0]).not.toBe(kiritimati[0]);
  });

  it('handles a fall-back day as one date (25 hours)', () => {
    const hours = [
      { start: at('2026-11-01T00:00-04:00'), end: at('2026-11-01T00:30-04:00') },
      { start: at('2026-11-01T01:30-04:00'), end: at('2026-11-01T02:00-04:00') },
      { start: at('2026-11-01T01:30-05:00'), end: at('2026-11-01T02:00-05:00') },
      { start: at('2026-11-01T23:30-05:00'), end: at('2026-11-02T00:00-05:00') },
      { start: at('2026-11-02T00:00-05:00'), end: at('2026-11-02T00:30-05:00') },
    ];
    expect(groupSlotsByDay(hours, NY).map((g) => [g.date, g.slots.length])).toEqual([['2026-11-01', 4], ['2026-11-02', 1]]);
  });

  it('empty in, empty out', () => {
    expect(groupSlotsByDay([], 'UTC')).toEqual([]);
  });
});

describe('defaults, validation and purity', () => {
  it('DEFAULT_RULES: Mon–Fri 9–17, no same-day, 14 days, frozen', () => {
    expect(Object.isFrozen(DEFAULT_RULES) && Object.isFrozen(DEFAULT_RULES.workingHours[1])).toBe(true);
    const now = at('2026-01-12T08:00Z'); // Monday
    const slots = freeSlots({ rules: DEFAULT_RULES, busy: [], bookings: [], now, from: now, to: now + 30 * 86_400_000, viewerTimeZone: 'Europe/London' });
    const days = groupSlotsByDay(slots, 'Europe/London');
    expect(days.map((d) => d.date)).toEqual([
      '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16',
      '2026-01-19', '2026-01-20', '2026-01-21', '2026-01-22', '2026-01-23',
      '2026-01-26',
    ]);
    expect(days.every((d) => d.slots.length === 16)).toBe(true);
    expect(read(slots[0]!.start, 'UTC')).toBe('2026-01-13T09:00+00:00');
  });

  const base: FreeSlotsInput = {
    rules: rules('Europe/London', { [MON]: [['09:00', '10:00']] }),
    busy: [],
    bookings: [],
    now: at('2026-01-05T00:00Z'),
    from: at('2026-01-12T00:00Z'),
    to: at('2026-01-13T00:00Z'),
    viewerTimeZone: 'Europe/London',
  };

  it.each([
    { why: 'unknown recruiter zone', input: { ...base, rules: { ...base.rules, timeZone: 'Mars/Olympus' } } },
    { why: 'unknown viewer zone', input: { ...base, viewerTimeZone: 'Europe/Atlantis' } },
    { why: 'malformed time', input: { ...base, rules: { ...base.rules, workingHours: week({ [MON]: [['9:00', '10:00']] }) } } },
    { why: 'time past 24:00', input: { ...base, rules: { ...base.rules, workingHours: week({ [MON]: [['09:00', '24:30']] }) } } },
    { why: 'start not before end', input: { ...base, rules: { ...base.rules, workingHours: week({ [MON]: [['10:00', '10:00']] }) } } },
    { why: 'zero duration', input: { ...base, rules: { ...base.rules, durationMinutes: 0 } } },
    { why: 'fractional step', input: { ...base, rules: { ...base.rules, slotStepMinutes: 7.5 } } },
    { why: 'negative buffer', input: { ...base, rules: { ...base.rules, bufferAfterMinutes: -5 } } },
    { why: 'NaN now', input: { ...base, now: Number.NaN } },
  ])('throws RangeError: $why', ({ input }) => {
    expect(() => freeSlots(input)).toThrow(RangeError);
  });

  it('does not mutate its input (deeply frozen input works and is unchanged)', () => {
    const input: FreeSlotsInput = {
      ...base,
      busy: [{ start: at('2026-01-12T09:30Z'), end: at('2026-01-12T09:45Z') }, { start: at('2026-01-12T09:00Z'), end: at('2026-01-12T09:10Z') }],
      bookings: [{ start: at('2026-01-12T08:00Z'), end: at('2026-01-12T08:30Z') }],
      rules: { ...base.rules, bufferAfterMinutes: 5, dailyLimit: 3 },
    };
    const snapshot = structuredClone(input);
    const freeze = <T>(v: T): T => {
      if (v && typeof v === 'object') {
        Object.values(v).forEach(freeze);
        Object.freeze(v);
      }
      return v;
    };
    freeze(input);
    expect(freeSlots(input).map((s) => read(s.start, 'UTC'))).toEqual([]);
    expect(freeSlots({ ...input, busy: [] }).map((s) => read(s.start, 'UTC'))).toEqual(['2026-01-12T09:00+00:00', '2026-01-12T09:30+00:00']);
    expect(input).toEqual(snapshot);
  });
});
