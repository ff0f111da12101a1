import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES,
  freeSlots,
  groupSlotsByDay,
  isSlotFree,
  type AvailabilityRules,
  type FreeSlotsInput,
  type Interval,
  type TimeRange,
  type Weekday,
} from '../../lib/availability';

/** Epoch ms of an ISO string with an explicit offset, e.g. '2026-03-09T09:00-04:00'. */
function at(iso: string): number {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d\d:\d\d)$/.test(iso)) throw new Error(`bad test instant ${iso}`);
  return dt.toMillis();
}
/** How an instant reads in a zone; two lists of these compare equal iff the instants are equal. */
const read = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");

type Hours = Partial<Record<Weekday, [string, string][]>>;
function week(hours: Hours): Record<Weekday, TimeRange[]> {
  const out = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } as Record<Weekday, TimeRange[]>;
  for (const [day, ranges] of Object.entries(hours)) {
    out[Number(day) as Weekday] = ranges.map(([start, end]) => ({ start, end }));
  }
  return out;
}
const SUN: Weekday = 7;
const MON: Weekday = 1;
const TUE: Weekday = 2;
const WED: Weekday = 3;

/** Test rules: everything off and permissive unless the case says otherwise. */
function rules(timeZone: string, hours: Hours, extra: Partial<AvailabilityRules> = {}): AvailabilityRules {
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

interface Case {
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

const toIntervals = (pairs: [string, string][] = []): Interval[] => pairs.map(([s, e]) => ({ start: at(s), end: at(e) }));
function inputOf(c: Case): FreeSlotsInput {
  return {
    rules: c.rules,
    busy: toIntervals(c.busy),
    bookings: toIntervals(c.bookings),
    now: at(c.now),
    from: at(c.from),
    to: at(c.to),
    viewerTimeZone: c.viewer,
  };
}

function check(c: Case): void {
  const input = inputOf(c);
  const slots = freeSlots(input);
  const zone = c.show ?? c.viewer;
  expect(slots.map((s) => read(s.start, zone))).toEqual(c.expected.map((e) => read(at(e), zone)));
  for (const s of slots) {
    expect(s.end - s.start).toBe(c.rules.durationMinutes * 60_000);
    expect(isSlotFree(input, s)).toBe(true);
  }
}

const NY = 'America/New_York';

describe('US DST (America/New_York)', () => {
  const spring = { now: '2026-03-01T12:00Z', from: '2026-03-08T00:00-05:00', to: '2026-03-09T00:00-04:00', viewer: NY };
  const fall = { now: '2026-10-25T12:00Z', from: '2026-11-01T00:00-04:00', to: '2026-11-02T00:00-05:00', viewer: NY };
  it.each<Case>([
    {
      name: 'spring-forward: 01:00–04:00 is two real hours',
      rules: rules(NY, { [SUN]: [['01:00', '04:00']] }),
      ...spring,
      expected: ['2026-03-08T01:00-05:00', '2026-03-08T01:30-05:00', '2026-03-08T03:00-04:00', '2026-03-08T03:30-04:00'],
    },
    {
      name: 'spring-forward: a nonexistent start 02:30 is shifted forward to 03:30 EDT',
      rules: rules(NY, { [SUN]: [['02:30', '05:00']] }),
      ...spring,
      expected: ['2026-03-08T03:30-04:00', '2026-03-08T04:00-04:00', '2026-03-08T04:30-04:00'],
    },
    {
      name: 'spring-forward: ranges inside the gap (02:00–03:00, 02:30–03:00 empty; 02:00–02:30 becomes 03:00–03:30)',
      rules: rules(NY, { [SUN]: [['02:00', '03:00'], ['02:30', '03:00']] }),
      ...spring,
      expected: [],
    },
    {
      name: 'spring-forward: a range wholly inside the gap is shifted as a whole',
      rules: rules(NY, { [SUN]: [['02:00', '02:30']] }),
      ...spring,
      expected: ['2026-03-08T03:00-04:00'],
    },
    {
      name: 'fall-back: 01:00–03:00 is three real hours and holds both 01:xx hours',
      rules: rules(NY, { [SUN]: [['01:00', '03:00']] }),
      ...fall,
      expected: [
        '2026-11-01T01:00-04:00',
        '2026-11-01T01:30-04:00',
        '2026-11-01T01:00-05:00',
        '2026-11-01T01:30-05:00',
        '2026-11-01T02:00-05:00',
        '2026-11-01T02:30-05:00',
      ],
    },
    {
      name: 'fall-back: a repeated start 01:30 is the first (EDT) occurrence',
      rules: rules(NY, { [SUN]: [['01:30', '02:30']] }),
      ...fall,
      expected: ['2026-11-01T01:30-04:00', '2026-11-01T01:00-05:00', '2026-11-01T01:30-05:00', '2026-11-01T02:00-05:00'],
    },
    {
      name: 'fall-back: a repeated end 01:30 is the first (EDT) occurrence too',
      rules: rules(NY, { [SUN]: [['00:00', '01:30']] }),
      ...fall,
      expected: ['2026-11-01T00:00-04:00', '2026-11-01T00:30-04:00', '2026-11-01T01:00-04:00'],
    },
  ])('$name', check);
});

describe('EU DST (Europe/Berlin)', () => {
  const B = 'Europe/Berlin';
  it.each<Case>([
    {
      name: 'spring-forward 2026-03-29: 01:00–04:00 is two real hours',
      rules: rules(B, { [SUN]: [['01:00', '04:00']] }),
      now: '2026-03-20T12:00Z',
      from: '2026-03-29T00:00+01:00',
      to: '2026-03-30T00:00+02:00',
      viewer: B,
      expected: ['2026-03-29T01:00+01:00', '2026-03-29T01:30+01:00', '2026-03-29T03:00+02:00', '2026-03-29T03:30+02:00'],
    },
    {
      name: 'fall-back 2026-10-25: 02:00–04:00 starts at the first 02:00 and is three real hours',
      rules: rules(B, { [SUN]: [['02:00', '04:00']] }),
      now: '2026-10-20T12:00Z',
      from: '2026-10-25T00:00+02:00',
      to: '2026-10-26T00:00+01:00',
      viewer: B,
      expected: [
        '2026-10-25T02:00+02:00',
        '2026-10-25T02:30+02:00',
        '2026-10-25T02:00+01:00',
        '2026-10-25T02:30+01:00',
        '2026-10-25T03:00+01:00',
        '2026-10-25T03:30+01:00',
      ],
    },
  ])('$name', check);
});

describe('Australian DST', () => {
  const S = 'Australia/Sydney';
  it.each<Case>([
    {
      name: 'Sydney fall-back 2026-04-05: 01:00–04:00 is four real hours',
      rules: rules(S, { [SUN]: [['01:00', '04:00']] }),
      now: '2026-03-30T00:00Z',
      from: '2026-04-05T00:00+11:00',
      to: '2026-04-06T00:00+10:00',
      viewer: S,
      expected: [
        '2026-04-05T01:00+11:00',
        '2026-04-05T01:30+11:00',
        '2026-04-05T02:00+11:00',
        '2026-04-05T02:30+11:00',
        '2026-04-05T02:00+10:00',
        '2026-04-05T02:30+10:00',
        '2026-04-05T03:00+10:00',
        '2026-04-05T03:30+10:00',
      ],
    },
    {
      name: 'Sydney spring-forward 2026-10-04: 01:00–04:00 is two real hours',
      rules: rules(S, { [SUN]: [['01:00', '04:00']] }),
      now: '2026-09-30T00:00Z',
      from: '2026-10-04T00:00+10:00',
      to: '2026-10-05T00:00+11:00',
      viewer: S,
      expected: ['2026-10-04T01:00+10:00', '2026-10-04T01:30+10:00', '2026-10-04T03:00+11:00', '2026-10-04T03:30+11:00'],
    },
    {
      name: 'Sydney spring-forward: nonexistent 02:15 start becomes 03:15',
      rules: rules(S, { [SUN]: [['02:15', '04:00']] }, { slotStepMinutes: 15 }),
      now: '2026-09-30T00:00Z',
      from: '2026-10-04T00:00+10:00',
      to: '2026-10-05T00:00+11:00',
      viewer: S,
      expected: ['2026-10-04T03:15+11:00', '2026-10-04T03:30+11:00'],
    },
    {
      name: 'Lord Howe half-hour spring-forward 2026-10-04 (02:00 → 02:30): grid skips the missing 02:00',
      rules: rules('Australia/Lord_Howe', { [SUN]: [['01:00', '04:00']] }),
      now: '2026-09-30T00:00Z',
      from: '2026-10-04T00:00+10:30',
      to: '2026-10-05T00:00+11:00',
      viewer: 'Australia/Lord_Howe',
      expected: [
        '2026-10-04T01:00+10:30',
        '2026-10-04T01:30+10:30',
        '2026-10-04T02:30+11:00',
        '2026-10-04T03:00+11:00',
        '2026-10-04T03:30+11:00',
      ],
    },
  ])('$name', check);
});

describe('+05:30 and +05:45 zones', () => {
  const monday = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z' };
  it.each<Case>([
    {
      name: 'London recruiter, Kathmandu viewer: the grid is :00/:30 in Kathmandu, not :45/:15',
      rules: rules('Europe/London', { [MON]: [['09:00', '12:00']] }),
      ...monday,
      viewer: 'Asia/Kathmandu',
      expected: ['2026-01-12T15:00+05:45', '2026-01-12T15:30+05:45', '2026-01-12T16:00+05:45', '2026-01-12T16:30+05:45', '2026-01-12T17:00+05:45'],
    },
    {
      name: 'London recruiter, Kolkata viewer',
      rules: rules('Europe/London', { [MON]: [['09:00', '12:00']] }),
      ...monday,
      viewer: 'Asia/Kolkata',
      expected: [
        '2026-01-12T14:30+05:30',
        '2026-01-12T15:00+05:30',
        '2026-01-12T15:30+05:30',
        '2026-01-12T16:00+05:30',
        '2026-01-12T16:30+05:30',
        '2026-01-12T17:00+05:30',
      ],
    },
    {
      name: 'Kolkata recruiter, Kathmandu viewer',
      rules: rules('Asia/Kolkata', { [MON]: [['10:00', '12:00']] }),
      ...monday,
      viewer: 'Asia/Kathmandu',
      expected: ['2026-01-12T10:30+05:45', '2026-01-12T11:00+05:45', '2026-01-12T11:30+05:45'],
    },
    {
      name: 'Kathmandu recruiter, Kathmandu viewer',
      rules: rules('Asia/Kathmandu', { [MON]: [['09:00', '11:00']] }),
      ...monday,
      viewer: 'Asia/Kathmandu',
      expected: ['2026-01-12T09:00+05:45', '2026-01-12T09:30+05:45', '2026-01-12T10:00+05:45', '2026-01-12T10:30+05:45'],
    },
    {
      name: 'Kathmandu recruiter, London viewer',
      rules: rules('Asia/Kathmandu', { [MON]: [['09:00', '11:00']] }),
      ...monday,
      from: '2026-01-11T00:00Z',
      viewer: 'Europe/London',
      expected: ['2026-01-12T03:30Z', '2026-01-12T04:00Z', '2026-01-12T04:30Z'],
    },
  ])('$name', check);
});

describe('the date line', () => {
  it.each<Case>([
    {
      name: 'Kiritimati (+14) recruiter on Monday, Pago Pago (−11) viewer still on Sunday',
      rules: rules('Pacific/Kiritimati', { [MON]: [['09:00', '10:00']] }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-10T00:00Z',
      to: '2026-01-14T00:00Z',
      viewer: 'Pacific/Pago_Pago',
      expected: ['2026-01-11T08:00-11:00', '2026-01-11T08:30-11:00'],
    },
    {
      name: 'Pago Pago recruiter on Sunday, Kiritimati viewer already on Monday',
      rules: rules('Pacific/Pago_Pago', { [SUN]: [['17:00', '18:00']] }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-10T00:00Z',
      to: '2026-01-14T00:00Z',
      viewer: 'Pacific/Kiritimati',
      expected: ['2026-01-12T18:00+14:00', '2026-01-12T18:30+14:00'],
    },
    {
      name: 'Auckland recruiter on Monday morning, Los Angeles viewer on Sunday',
      rules: rules('Pacific/Auckland', { [MON]: [['08:00', '09:00']] }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-10T00:00Z',
      to: '2026-01-14T00:00Z',
      viewer: 'America/Los_Angeles',
      expected: ['2026-01-11T11:00-08:00', '2026-01-11T11:30-08:00'],
    },
    {
      name: 'Auckland fall-back 2026-04-05 (03:00 → 02:00): 01:00–04:00 is four real hours',
      rules: rules('Pacific/Auckland', { [SUN]: [['01:00', '04:00']] }, { durationMinutes: 60, slotStepMinutes: 60 }),
      now: '2026-03-30T00:00Z',
      from: '2026-04-05T00:00+13:00',
      to: '2026-04-06T00:00+12:00',
      viewer: 'Pacific/Auckland',
      expected: ['2026-04-05T01:00+13:00', '2026-04-05T02:00+13:00', '2026-04-05T02:00+12:00', '2026-04-05T03:00+12:00'],
    },
    {
      name: 'no same-day at +14: "today" is Monday in Kiritimati although it is Sunday in UTC',
      rules: rules('Pacific/Kiritimati', { [MON]: [['09:00', '10:00']], [TUE]: [['09:00', '10:00']] }, { noSameDay: true, durationMinutes: 60 }),
      now: '2026-01-11T12:00Z', // Monday 02:00 in Kiritimati
      from: '2026-01-11T12:00Z',
      to: '2026-01-14T00:00Z',
      viewer: 'Pacific/Kiritimati',
      expected: ['2026-01-13T09:00+14:00'],
    },
  ])('$name', check);
});

describe('minimum notice', () => {
  it.each<Case>([
    {
      name: '4 h notice from Saturday 23:00 EST lands at 04:00 EDT on spring-forward Sunday (real hours: wall-clock +4 h would be 03:00)',
      rules: rules(NY, { [SUN]: [['00:00', '08:00']] }, { minimumNoticeMinutes: 240 }),
      now: '2026-03-07T23:00-05:00',
      from: '2026-03-07T00:00-05:00',
      to: '2026-03-09T00:00-04:00',
      viewer: NY,
      expected: [
        '2026-03-08T04:00-04:00',
        '2026-03-08T04:30-04:00',
        '2026-03-08T05:00-04:00',
        '2026-03-08T05:30-04:00',
        '2026-03-08T06:00-04:00',
        '2026-03-08T06:30-04:00',
        '2026-03-08T07:00-04:00',
        '2026-03-08T07:30-04:00',
      ],
    },
    {
      name: '4 h notice from Saturday 23:00 EDT lands at 02:00 EST on fall-back Sunday (wall-clock +4 h would be 03:00)',
      rules: rules(NY, { [SUN]: [['00:00', '04:00']] }, { minimumNoticeMinutes: 240 }),
      now: '2026-10-31T23:00-04:00',
      from: '2026-10-31T00:00-04:00',
      to: '2026-11-02T00:00-05:00',
      viewer: NY,
      expected: ['2026-11-01T02:00-05:00', '2026-11-01T02:30-05:00', '2026-11-01T03:00-05:00', '2026-11-01T03:30-05:00'],
    },
    {
      name: 'notice off the grid: the first slot is the next grid point',
      rules: rules('Europe/London', { [MON]: [['09:00', '11:00']] }, { minimumNoticeMinutes: 60 }),
      now: '2026-01-12T08:10Z',
      from: '2026-01-12T00:00Z',
      to: '2026-01-13T00:00Z',
      viewer: 'Europe/London',
      expected: ['2026-01-12T09:30Z', '2026-01-12T10:00Z', '2026-01-12T10:30Z'],
    },
  ])('$name', check);
});

describe('no same-day, judged in the recruiter zone', () => {
  // Tuesday 20:00 in Los Angeles is already Wednesday 12:00 in Tokyo.
  const LA = 'America/Los_Angeles';
  const base = {
    now: '2026-03-10T20:00-07:00',
    from: '2026-03-10T00:00-07:00',
    to: '2026-03-13T00:00-07:00',
    viewer: 'Asia/Tokyo',
  };
  const hours: Hours = { [TUE]: [['21:00', '24:00']], [WED]: [['00:00', '01:00']] };
  it.each<Case>([
    {
      name: 'Tuesday evening (LA) is out; Wednesday 00:00 LA is in although it is the candidate’s today in Tokyo',
      rules: rules(LA, hours, { noSameDay: true }),
      ...base,
      expected: ['2026-03-11T16:00+09:00', '2026-03-11T16:30+09:00'],
    },
    {
      name: 'without no-same-day Tuesday evening is offered too',
      rules: rules(LA, hours, { noSameDay: false }),
      ...base,
      expected: [
        '2026-03-11T13:00+09:00',
        '2026-03-11T13:30+09:00',
        '2026-03-11T14:00+09:00',
        '2026-03-11T14:30+09:00',
        '2026-03-11T15:00+09:00',
        '2026-03-11T15:30+09:00',
        '2026-03-11T16:00+09:00',
        '2026-03-11T16:30+09:00',
      ],
    },
    {
      name: '24:00 and the next date’s 00:00 do not join: no 60-minute slot spans the recruiter’s midnight',
      rules: rules(LA, hours, { noSameDay: false, durationMinutes: 60 }),
      ...base,
      show: LA,
      expected: [
        '2026-03-10T21:00-07:00',
        '2026-03-10T21:30-07:00',
        '2026-03-10T22:00-07:00',
        '2026-03-10T22:30-07:00',
        '2026-03-10T23:00-07:00',
        '2026-03-11T00:00-07:00',
      ],
    },
  ])('$name', check);
});

describe('horizon, counted in the recruiter zone', () => {
  // 2026-01-05T12:00Z is Tuesday 2026-01-06 01:00 in Auckland but still Monday 04:00 in Los Angeles.
  const A = 'Pacific/Auckland';
  const hours: Hours = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '01:00'], ['23:00', '24:00']]]));
  const base = { now: '2026-01-05T12:00Z', from: '2026-01-05T00:00Z', to: '2026-01-12T00:00Z', viewer: 'America/Los_Angeles', show: A };
  it.each<Case>([
    {
      name: 'horizon 1: last bookable date is Auckland Wednesday 2026-01-07, through its 23:00 slot',
      rules: rules(A, hours, { horizonDays: 1, durationMinutes: 60 }),
      ...base,
      expected: ['2026-01-06T23:00+13:00', '2026-01-07T00:00+13:00', '2026-01-07T23:00+13:00'],
    },
    {
      name: 'horizon 0 with no same-day leaves nothing',
      rules: rules(A, hours, { horizonDays: 0, noSameDay: true, durationMinutes: 60 }),
      ...base,
      expected: [],
    },
    {
      name: 'horizon 0 without no-same-day: only the rest of the recruiter’s today',
      rules: rules(A, hours, { horizonDays: 0, durationMinutes: 60 }),
      ...base,
      expected: ['2026-01-06T23:00+13:00'],
    },
  ])('$name', check);
});

describe('daily limit', () => {
  const LA = 'America/Los_Angeles';
  const hours: Hours = { [TUE]: [['09:00', '12:00']], [WED]: [['09:00', '12:00']] };
  const base = {
    now: '2026-03-09T12:00Z',
    from: '2026-03-10T00:00-07:00',
    to: '2026-03-12T00:00-07:00',
    viewer: LA,
    // Tuesday has two bookings by LA date: 09:00 and 17:30 (which is already Wednesday in UTC).
    bookings: [
      ['2026-03-10T09:00-07:00', '2026-03-10T10:00-07:00'],
      ['2026-03-10T17:30-07:00', '2026-03-10T18:00-07:00'],
      ['2026-03-11T10:00-07:00', '2026-03-11T11:00-07:00'],
    ] as [string, string][],
  };
  const hourly = { durationMinutes: 60, slotStepMinutes: 60 };
  it.each<Case>([
    {
      name: 'limit 2: Tuesday is full (counted by LA date), Wednesday has room',
      rules: rules(LA, hours, { ...hourly, dailyLimit: 2 }),
      ...base,
      expected: ['2026-03-11T09:00-07:00', '2026-03-11T11:00-07:00'],
    },
    {
      name: 'limit 3: both days have room; bookings are still busy',
      rules: rules(LA, hours, { ...hourly, dailyLimit: 3 }),
      ...base,
      expected: ['2026-03-10T10:00-07:00', '2026-03-10T11:00-07:00', '2026-03-11T09:00-07:00', '2026-03-11T11:00-07:00'],
    },
    {
      name: 'limit 1 with a booking outside the window still counts for its date',
      rules: rules(LA, hours, { ...hourly, dailyLimit: 1 }),
      ...base,
      from: '2026-03-11T10:30-07:00',
      bookings: [['2026-03-11T08:00-07:00', '2026-03-11T08:30-07:00']],
      expected: [],
    },
    {
      name: 'limit 0 allows nothing',
      rules: rules(LA, hours, { ...hourly, dailyLimit: 0 }),
      ...base,
      bookings: [],
      expected: [],
    },
  ])('$name', check);
});

describe('buffers against busy time and bookings', () => {
  const L = 'Europe/London';
  const base = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', viewer: L };
  const hours: Hours = { [MON]: [['09:00', '13:00']] };
  it.each<Case>([
    {
      name: '15 before / 30 after around busy 10:00–11:00 (edges of working hours need no buffer)',
      rules: rules(L, hours, { bufferBeforeMinutes: 15, bufferAfterMinutes: 30, slotStepMinutes: 15 }),
      ...base,
      busy: [['2026-01-12T10:00Z', '2026-01-12T11:00Z']],
      expected: ['2026-01-12T09:00Z', '2026-01-12T11:15Z', '2026-01-12T11:30Z', '2026-01-12T11:45Z', '2026-01-12T12:00Z', '2026-01-12T12:15Z', '2026-01-12T12:30Z'],
    },
    {
      name: 'the same against a booking',
      rules: rules(L, hours, { bufferBeforeMinutes: 15, bufferAfterMinutes: 30, slotStepMinutes: 15 }),
      ...base,
      bookings: [['2026-01-12T10:00Z', '2026-01-12T11:00Z']],
      expected: ['2026-01-12T09:00Z', '2026-01-12T11:15Z', '2026-01-12T11:30Z', '2026-01-12T11:45Z', '2026-01-12T12:00Z', '2026-01-12T12:15Z', '2026-01-12T12:30Z'],
    },
    {
      name: 'before-buffer only: 30 min free before each meeting',
      rules: rules(L, hours, { bufferBeforeMinutes: 30 }),
      ...base,
      busy: [['2026-01-12T10:00Z', '2026-01-12T11:00Z']],
      expected: ['2026-01-12T09:00Z', '2026-01-12T09:30Z', '2026-01-12T11:30Z', '2026-01-12T12:00Z', '2026-01-12T12:30Z'],
    },
    {
      name: 'after-buffer only: 30 min free after each meeting',
      rules: rules(L, hours, { bufferAfterMinutes: 30 }),
      ...base,
      busy: [['2026-01-12T10:00Z', '2026-01-12T11:00Z']],
      expected: ['2026-01-12T09:00Z', '2026-01-12T11:00Z', '2026-01-12T11:30Z', '2026-01-12T12:00Z', '2026-01-12T12:30Z'],
    },
    {
      name: 'no buffers: busy that merely touches a slot does not block it; overlapping busy lists are fine',
      rules: rules(L, { [MON]: [['09:00', '12:00']] }, { durationMinutes: 60, slotStepMinutes: 60 }),
      ...base,
      busy: [
        ['2026-01-12T11:30Z', '2026-01-12T12:00Z'],
        ['2026-01-12T08:00Z', '2026-01-12T09:00Z'],
        ['2026-01-12T11:00Z', '2026-01-12T11:45Z'],
      ],
      expected: ['2026-01-12T09:00Z', '2026-01-12T10:00Z'],
    },
    {
      name: 'busy spanning several days blocks all of them',
      rules: rules(L, { [MON]: [['09:00', '12:00']], [TUE]: [['09:00', '12:00']], [WED]: [['09:00', '10:00']] }, { durationMinutes: 60, slotStepMinutes: 60 }),
      ...base,
      to: '2026-01-15T00:00Z',
      busy: [['2026-01-12T10:00Z', '2026-01-13T12:00Z']],
      expected: ['2026-01-12T09:00Z', '2026-01-14T09:00Z'],
    },
  ])('$name', check);
});

describe('overrides, blocked dates and several ranges a day', () => {
  const B = 'Europe/Berlin';
  const L = 'Europe/London';
  const hourly = { durationMinutes: 60, slotStepMinutes: 60 };
  const weekdays: Hours = { 1: [['09:00', '10:00']], 2: [['09:00', '10:00']], 3: [['09:00', '10:00']], 4: [['09:00', '10:00']], 5: [['09:00', '10:00']] };
  const monday = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', viewer: L };
  it.each<Case>([
    {
      name: 'override changes a day, [] closes one, adds a Saturday; blocked wins over an override',
      rules: rules(B, weekdays, {
        ...hourly,
        dateOverrides: {
          '2026-01-13': [{ start: '14:00', end: '15:00' }],
          '2026-01-14': [],
          '2026-01-16': [{ start: '12:00', end: '13:00' }],
          '2026-01-17': [{ start: '10:00', end: '11:00' }],
        },
        blockedDates: ['2026-01-15', '2026-01-16'],
      }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-12T00:00+01:00',
      to: '2026-01-19T00:00+01:00',
      viewer: B,
      expected: ['2026-01-12T09:00+01:00', '2026-01-13T14:00+01:00', '2026-01-17T10:00+01:00'],
    },
    {
      name: 'two ranges with a lunch break',
      rules: rules(L, { [MON]: [['09:00', '10:00'], ['13:00', '14:30']] }, { durationMinutes: 60 }),
      ...monday,
      expected: ['2026-01-12T09:00Z', '2026-01-12T13:00Z', '2026-01-12T13:30Z'],
    },
    {
      name: 'touching ranges of one date act as one range',
      rules: rules(L, { [MON]: [['10:00', '11:00'], ['09:00', '10:00']] }, { durationMinutes: 60 }),
      ...monday,
      expected: ['2026-01-12T09:00Z', '2026-01-12T09:30Z', '2026-01-12T10:00Z'],
    },
    {
      name: 'a blocked date wins over working hours',
      rules: rules(L, { [MON]: [['09:00', '17:00']] }, { blockedDates: ['2026-01-12'] }),
      ...monday,
      expected: [],
    },
  ])('$name', check);
});

describe('the grid, in the viewer zone', () => {
  const L = 'Europe/London';
  it.each<Case>([
    {
      name: 'step 20 from an odd range start',
      rules: rules(L, { [MON]: [['09:10', '10:30']] }, { slotStepMinutes: 20 }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-12T00:00Z',
      to: '2026-01-13T00:00Z',
      viewer: L,
      expected: ['2026-01-12T09:20Z', '2026-01-12T09:40Z', '2026-01-12T10:00Z'],
    },
    {
      name: 'the window cuts slots: only whole slots inside [from, to) on the grid',
      rules: rules(L, { [MON]: [['09:00', '12:00']] }, { durationMinutes: 60 }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-12T09:15Z',
      to: '2026-01-12T11:45Z',
      viewer: L,
      expected: ['2026-01-12T09:30Z', '2026-01-12T10:00Z', '2026-01-12T10:30Z'],
    },
    {
      name: 'step 45 follows New York wall time across spring-forward: 00:00, 00:45, 01:30, then 03:00',
      rules: rules('UTC', { [SUN]: [['05:00', '09:00']] }, { durationMinutes: 45, slotStepMinutes: 45 }),
      now: '2026-03-01T00:00Z',
      from: '2026-03-08T00:00Z',
      to: '2026-03-09T00:00Z',
      viewer: NY,
      expected: ['2026-03-08T00:00-05:00', '2026-03-08T00:45-05:00', '2026-03-08T01:30-05:00', '2026-03-08T03:00-04:00', '2026-03-08T03:45-04:00'],
    },
    {
      name: 'step 45 across New York fall-back: both 01:30s are on the grid',
      rules: rules('UTC', { [SUN]: [['04:00', '08:00']] }, { durationMinutes: 45, slotStepMinutes: 45 }),
      now: '2026-10-25T00:00Z',
      from: '2026-11-01T00:00Z',
      to: '2026-11-02T00:00Z',
      viewer: NY,
      expected: ['2026-11-01T00:00-04:00', '2026-11-01T00:45-04:00', '2026-11-01T01:30-04:00', '2026-11-01T01:30-05:00', '2026-11-01T02:15-05:00'],
    },
    {
      name: 'a step that does not divide a day restarts at each local midnight',
      rules: rules(L, { [MON]: [['23:00', '24:00']], [TUE]: [['00:00', '01:00']] }, { durationMinutes: 15, slotStepMinutes: 25 }),
      now: '2026-01-05T00:00Z',
      from: '2026-01-12T00:00Z',
      to: '2026-01-14T00:00Z',
      viewer: L,
      expected: ['2026-01-12T23:20Z', '2026-01-12T23:45Z', '2026-01-13T00:00Z', '2026-01-13T00:25Z'],
    },
  ])('$name', check);
});

describe('empty results', () => {
  const L = 'Europe/London';
  const r = rules(L, { [MON]: [['09:00', '17:00']] });
  const base = { rules: r, now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', viewer: L, expected: [] };
  it.each<Case>([
    { name: 'to before from', ...base, from: '2026-01-13T00:00Z', to: '2026-01-12T00:00Z' },
    { name: 'window shorter than the meeting', ...base, from: '2026-01-12T09:00Z', to: '2026-01-12T09:29Z' },
    { name: 'window in the past', ...base, now: '2026-01-20T00:00Z' },
    { name: 'every day off', ...base, rules: rules(L, {}) },
    { name: 'window beyond the horizon', ...base, rules: rules(L, { [MON]: [['09:00', '17:00']] }, { horizonDays: 6 }) },
    { name: 'busy all day', ...base, busy: [['2026-01-12T08:00Z', '2026-01-12T18:00Z']] },
    { name: 'notice pushes past the working day', ...base, rules: rules(L, { [MON]: [['09:00', '17:00']] }, { minimumNoticeMinutes: 60 * 24 * 8 }) },
  ])('$name', check);
});

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
