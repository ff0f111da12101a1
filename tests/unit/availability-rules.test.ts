import { describe, it } from 'vitest';
import { type Hours, MON, SUN, TUE, WED } from '../support/instants';
import { type Case, check, NY, rules } from '../support/slot-cases';

// The one-to-one engine's rules: notice, same day, horizon, daily limit, buffers, overrides, the
// viewer's grid and empty answers.

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
