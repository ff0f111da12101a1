import { describe, it } from 'vitest';
import { MON, SUN, TUE } from '../support/instants';
import { type Case, check, NY, rules } from '../support/slot-cases';

// The one-to-one engine across zones: DST days in the US, the EU and Australia, +05:30 and +05:45,
// and the date line, each case pinned to UTC instants.

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
