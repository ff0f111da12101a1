import { describe, expect, it } from 'vitest';
import {
  freeLoops,
  placeLoop,
  type LoopRules,
  type LoopSlot,
  type PanelInput,
  type PanelSession,
  type Person,
  type PersonRules,
} from '../../lib/availability';
import { at, read, spans, week, type Hours } from '../support/instants';

const weekdays = (start: string, end: string): Hours => Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [[start, end]]]));
const NINE_TO_FIVE = weekdays('09:00', '17:00');

function person(
  id: string,
  timeZone: string,
  hours: Hours,
  extra: Partial<PersonRules> & { busy?: [string, string][]; bookings?: [string, string][] } = {},
): Person {
  const { busy, bookings, ...rules } = extra;
  return {
    id,
    rules: { timeZone, workingHours: week(hours), dateOverrides: {}, blockedDates: [], bufferBeforeMinutes: 0, bufferAfterMinutes: 0, dailyLimit: null, ...rules },
    busy: spans(busy),
    bookings: spans(bookings),
  };
}
const session = (durationMinutes: number, required: string[], pool: string[] = []): PanelSession => ({ durationMinutes, required, pool });

interface Setup {
  now: string;
  from: string;
  to: string;
  viewer?: string;
  gapMinutes?: number;
  order?: 'fixed' | 'free';
  loop?: Partial<LoopRules>;
}
function panel(people: Person[], sessions: PanelSession[], s: Setup): PanelInput {
  return {
    people,
    sessions,
    gapMinutes: s.gapMinutes ?? 0,
    order: s.order ?? 'fixed',
    loop: { timeZone: 'UTC', minimumNoticeMinutes: 0, noSameDay: false, horizonDays: 60, slotStepMinutes: 15, ...s.loop },
    now: at(s.now),
    from: at(s.from),
    to: at(s.to),
    viewerTimeZone: s.viewer ?? 'UTC',
  };
}

/** freeLoops' starts read in `zone`; and placeLoop gives back each loop exactly. */
function starts(input: PanelInput, zone: string): string[] {
  const loops = freeLoops(input);
  for (const loop of loops) expect(placeLoop(input, loop.start)).toEqual(loop);
  return loops.map((l) => read(l.start, zone));
}
const readAll = (isos: string[], zone: string): string[] => isos.map((iso) => read(at(iso), zone));

/** An expected loop: sessions as [index, start, end, poolPick?], in time order. */
function loopOf(...sessions: [number, string, string, string?][]): LoopSlot {
  const placed = sessions.map(([k, s, e, pick]) => ({ session: k, start: at(s), end: at(e), ...(pick === undefined ? {} : { poolPick: pick }) }));
  return { start: placed[0]!.start, end: placed[placed.length - 1]!.end, sessions: placed };
}

const NY = 'America/New_York';
const LDN = 'Europe/London';
const ny = person('ny@example.com', NY, NINE_TO_FIVE);
const ldn = person('ldn@example.com', LDN, NINE_TO_FIVE);

describe('together, New York and London while they disagree about DST', () => {
  const both = [ny.id, ldn.id];
  // 2026-03-09..13: New York on EDT (UTC−4), London still on GMT: 09:00–13:00 EDT = 13:00–17:00 London.
  const disagree = { now: '2026-03-01T12:00Z', from: '2026-03-09T00:00Z', to: '2026-03-14T00:00Z', viewer: LDN };
  const monToFri = (time: string, days: number[]) => days.map((d) => `2026-03-${String(d).padStart(2, '0')}T${time}`);

  it('a 4-hour meeting fits exactly once a day, at 09:00 EDT = 13:00 GMT', () => {
    expect(starts(panel([ny, ldn], [session(240, both)], disagree), NY)).toEqual(readAll(monToFri('09:00-04:00', [9, 10, 11, 12, 13]), NY));
  });

  it('4 h 15 min fits nowhere', () => {
    expect(freeLoops(panel([ny, ldn], [session(255, both)], disagree))).toEqual([]);
  });

  it('an hour on an hourly grid: 13:00–16:00 London each day', () => {
    const got = starts(panel([ny, ldn], [session(60, both)], { ...disagree, to: '2026-03-10T00:00Z', loop: { slotStepMinutes: 60 } }), LDN);
    expect(got).toEqual(readAll(['2026-03-09T13:00Z', '2026-03-09T14:00Z', '2026-03-09T15:00Z', '2026-03-09T16:00Z'], LDN));
  });

  it('the week before the US switch (both on winter time): 3 hours, 09:00–12:00 EST = 14:00–17:00 GMT', () => {
    const week = { now: '2026-02-20T12:00Z', from: '2026-03-02T00:00Z', to: '2026-03-07T00:00Z', viewer: LDN };
    expect(freeLoops(panel([ny, ldn], [session(181, both)], week))).toEqual([]);
    expect(starts(panel([ny, ldn], [session(180, both)], week), NY)).toEqual(readAll(monToFri('09:00-05:00', [2, 3, 4, 5, 6]), NY));
  });

  it('the week after the UK switch (2026-03-30, BST): 3 hours again, 09:00–12:00 EDT = 14:00–17:00 BST', () => {
    const week = { now: '2026-03-20T12:00Z', from: '2026-03-30T00:00+01:00', to: '2026-04-04T00:00+01:00', viewer: LDN };
    expect(freeLoops(panel([ny, ldn], [session(181, both)], week))).toEqual([]);
    const got = starts(panel([ny, ldn], [session(180, both)], week), LDN);
    expect(got).toEqual(readAll(['2026-03-30T14:00+01:00', '2026-03-31T14:00+01:00', '2026-04-01T14:00+01:00', '2026-04-02T14:00+01:00', '2026-04-03T14:00+01:00'], LDN));
  });
});

describe('back-to-back loops across New York and London', () => {
  // Tuesday 2026-03-10: New York works 13:00–21:00Z (EDT), London 09:00–17:00Z (GMT).
  const tuesday = { now: '2026-03-01T12:00Z', from: '2026-03-10T00:00Z', to: '2026-03-11T00:00Z', viewer: LDN, gapMinutes: 15 };

  it('fixed order 45 + 30 + 60 minutes, 15-minute gaps: London busy 15:00–15:15 leaves two starts', () => {
    const busyLdn = person(ldn.id, LDN, NINE_TO_FIVE, { busy: [['2026-03-10T15:00Z', '2026-03-10T15:15Z']] });
    const input = panel([ny, busyLdn], [session(45, [ny.id]), session(30, [ldn.id]), session(60, [ny.id, ldn.id])], tuesday);
    expect(freeLoops(input)).toEqual([
      loopOf([0, '2026-03-10T09:30-04:00', '2026-03-10T10:15-04:00'], [1, '2026-03-10T14:30Z', '2026-03-10T15:00Z'], [2, '2026-03-10T15:15Z', '2026-03-10T16:15Z']),
      loopOf([0, '2026-03-10T10:15-04:00', '2026-03-10T11:00-04:00'], [1, '2026-03-10T15:15Z', '2026-03-10T15:45Z'], [2, '2026-03-10T16:00Z', '2026-03-10T17:00Z']),
    ]);
    for (const loop of freeLoops(input)) expect(placeLoop(input, loop.start)).toEqual(loop);
  });

  describe('New York busy until 11:30 EDT, so its session must come last', () => {
    const lateNy = person(ny.id, NY, NINE_TO_FIVE, { busy: [['2026-03-10T09:00-04:00', '2026-03-10T11:30-04:00']] });
    const sessions = [session(45, [ny.id]), session(30, [ldn.id]), session(60, [ldn.id])];

    it('fixed order finds nothing', () => {
      expect(freeLoops(panel([lateNy, ldn], sessions, tuesday))).toEqual([]);
    });

    it('free order: 1, 2, 0 (the first order that works) from 13:30 to 15:15 London', () => {
      const input = panel([lateNy, ldn], sessions, { ...tuesday, order: 'free' });
      const loops = freeLoops(input);
      expect(loops.map((l) => read(l.start, LDN))).toEqual(
        readAll(['13:30', '13:45', '14:00', '14:15', '14:30', '14:45', '15:00', '15:15'].map((t) => `2026-03-10T${t}Z`), LDN),
      );
      for (const loop of loops) expect(loop.sessions.map((s) => s.session)).toEqual([1, 2, 0]);
      expect(loops[0]).toEqual(
        loopOf([1, '2026-03-10T13:30Z', '2026-03-10T14:00Z'], [2, '2026-03-10T14:15Z', '2026-03-10T15:15Z'], [0, '2026-03-10T11:30-04:00', '2026-03-10T12:15-04:00']),
      );
      // 14:15 also fits the order 2, 0, 1; 1, 2, 0 comes first.
      const reordered = panel([lateNy, ldn], [sessions[2]!, sessions[0]!, sessions[1]!], tuesday);
      expect(freeLoops(reordered).map((l) => read(l.start, LDN))).toEqual(readAll(['2026-03-10T14:15Z'], LDN));
      for (const loop of loops) expect(placeLoop(input, loop.start)).toEqual(loop);
    });
  });
});

describe('+05:30 and +05:45 interviewers', () => {
  // Monday 2026-01-12: Kolkata 10:00–13:00 IST = 04:30–07:30Z, Kathmandu 10:00–13:00 NPT = 04:15–07:15Z.
  const kol = person('kol@example.com', 'Asia/Kolkata', weekdays('10:00', '13:00'));
  const ktm = person('ktm@example.com', 'Asia/Kathmandu', weekdays('10:00', '13:00'));
  const monday = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', loop: { slotStepMinutes: 30 } };
  const together = [session(60, [kol.id, ktm.id])];

  it.each([
    { viewer: 'UTC', expected: ['2026-01-12T04:30Z', '2026-01-12T05:00Z', '2026-01-12T05:30Z', '2026-01-12T06:00Z'] },
    { viewer: 'Asia/Kolkata', expected: ['2026-01-12T10:00+05:30', '2026-01-12T10:30+05:30', '2026-01-12T11:00+05:30', '2026-01-12T11:30+05:30'] },
    { viewer: 'Asia/Kathmandu', expected: ['2026-01-12T10:30+05:45', '2026-01-12T11:00+05:45', '2026-01-12T11:30+05:45', '2026-01-12T12:00+05:45'] },
  ])('viewer in $viewer: the overlap 04:30–07:15Z on that viewer’s :00/:30 grid', ({ viewer, expected }) => {
    expect(starts(panel([kol, ktm], together, { ...monday, viewer }), viewer)).toEqual(readAll(expected, viewer));
  });
});

describe('each person’s own rules', () => {
  const monday = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', viewer: LDN };

  it('buffers per person, against busy time and not against working hours', () => {
    const a = person('a', LDN, weekdays('09:00', '12:00'), { bufferAfterMinutes: 15, busy: [['2026-01-12T10:00Z', '2026-01-12T10:30Z']] });
    const b = person('b', LDN, weekdays('09:00', '12:00'), { bufferBeforeMinutes: 30, busy: [['2026-01-12T11:30Z', '2026-01-12T12:00Z']] });
    // a: s + 30 + 15 ≤ 10:00 or s ≥ 10:30; b: s + 30 ≤ 11:30.
    expect(starts(panel([a, b], [session(30, ['a', 'b'])], monday), LDN)).toEqual(
      readAll(['2026-01-12T09:00Z', '2026-01-12T09:15Z', '2026-01-12T10:30Z', '2026-01-12T10:45Z', '2026-01-12T11:00Z'], LDN),
    );
  });

  it.each<[string, [string, string][], string[]]>([
    ['busy until 10:05 blocks 10:15 through the 15-minute buffer before', [['2026-01-12T09:50Z', '2026-01-12T10:05Z']], []],
    ['busy from 11:20 blocks a meeting ending 11:15 through the buffer after', [['2026-01-12T11:20Z', '2026-01-12T11:30Z']], []],
    ['busy until 10:00 and from 11:30 leave 10:15 free', [['2026-01-12T09:45Z', '2026-01-12T10:00Z'], ['2026-01-12T11:30Z', '2026-01-12T11:45Z']], ['2026-01-12T10:15Z']],
  ])('buffers reach busy time outside [from, to) and outside the span placeLoop looks at: %s', (_, busy, expected) => {
    const a = person('a', LDN, weekdays('09:00', '12:00'), { bufferBeforeMinutes: 15, bufferAfterMinutes: 15, busy });
    const input = panel([a], [session(60, ['a'])], { ...monday, from: '2026-01-12T10:15Z', to: '2026-01-12T11:15Z' });
    expect(starts(input, LDN)).toEqual(readAll(expected, LDN));
    if (expected.length === 0) expect(placeLoop(input, at('2026-01-12T10:15Z'))).toBeUndefined();
  });

  describe('daily limit, counted in each person’s own zone', () => {
    // 2026-01-11T16:00Z is Sunday in London but already Monday 01:00 in Tokyo.
    const booking: [string, string][] = [['2026-01-11T16:00Z', '2026-01-11T17:00Z']];
    const london = person('london', LDN, weekdays('00:00', '12:00'), { dailyLimit: 1, bookings: booking });
    const tokyo = (dailyLimit: number) => person('tokyo', 'Asia/Tokyo', weekdays('09:00', '11:00'), { dailyLimit, bookings: booking });
    const days = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00+09:00', to: '2026-01-14T00:00+09:00', viewer: 'Asia/Tokyo', loop: { slotStepMinutes: 60 } };

    it('limit 1: Tokyo’s Monday is full, London’s Monday is not', () => {
      expect(starts(panel([london, tokyo(1)], [session(60, ['london', 'tokyo'])], days), 'Asia/Tokyo')).toEqual(
        readAll(['2026-01-13T09:00+09:00', '2026-01-13T10:00+09:00'], 'Asia/Tokyo'),
      );
    });

    it('limit 2: Monday is open too', () => {
      expect(starts(panel([london, tokyo(2)], [session(60, ['london', 'tokyo'])], days), 'Asia/Tokyo')).toEqual(
        readAll(['2026-01-12T09:00+09:00', '2026-01-12T10:00+09:00', '2026-01-13T09:00+09:00', '2026-01-13T10:00+09:00'], 'Asia/Tokyo'),
      );
    });
  });

  it('a blocked date is the person’s own local date (Sydney’s Tuesday is Monday in UTC)', () => {
    const syd = person('syd', 'Australia/Sydney', weekdays('09:00', '10:00'), { blockedDates: ['2026-01-13'] });
    const input = panel([syd], [session(60, ['syd'])], { now: '2026-01-01T00:00Z', from: '2026-01-12T00:00+11:00', to: '2026-01-15T00:00+11:00' });
    expect(starts(input, 'Australia/Sydney')).toEqual(readAll(['2026-01-12T09:00+11:00', '2026-01-14T09:00+11:00'], 'Australia/Sydney'));
  });

  it('no session spans a person’s local midnight, even where two dates’ hours touch', () => {
    const night = person('night', LDN, { 1: [['22:00', '24:00']], 2: [['00:00', '02:00']] });
    const input = panel([night], [session(120, ['night'])], { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-14T00:00Z', loop: { slotStepMinutes: 60 } });
    expect(starts(input, LDN)).toEqual(readAll(['2026-01-12T22:00Z', '2026-01-13T00:00Z'], LDN));
  });
});

describe('pools: any one of', () => {
  const monday = { now: '2026-01-05T00:00Z', from: '2026-01-12T00:00Z', to: '2026-01-13T00:00Z', viewer: LDN, loop: { slotStepMinutes: 60 } };
  const hours = weekdays('09:00', '12:00');
  const lastWeek = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`2026-01-0${5 + i}T09:00Z`, `2026-01-0${5 + i}T10:00Z`]);

  it('picks a free member, the one with the fewest bookings first', () => {
    const a = person('a', LDN, hours, { bookings: lastWeek(2) });
    const b = person('b', LDN, hours, { bookings: lastWeek(1), busy: [['2026-01-12T09:00Z', '2026-01-12T10:00Z']] });
    const c = person('c', LDN, hours, { busy: [['2026-01-12T09:00Z', '2026-01-12T11:00Z']] });
    const input = panel([a, b, c], [session(60, [], ['a', 'b', 'c'])], monday);
    expect(freeLoops(input)).toEqual([
      loopOf([0, '2026-01-12T09:00Z', '2026-01-12T10:00Z', 'a']), // only a is free
      loopOf([0, '2026-01-12T10:00Z', '2026-01-12T11:00Z', 'b']), // b (1 booking) before a (2)
      loopOf([0, '2026-01-12T11:00Z', '2026-01-12T12:00Z', 'c']), // c has none
    ]);
    for (const loop of freeLoops(input)) expect(placeLoop(input, loop.start)).toEqual(loop);
  });

  it('ties go to the member listed first', () => {
    const x = person('x', LDN, hours);
    const y = person('y', LDN, hours);
    const picks = (pool: string[]) => freeLoops(panel([x, y], [session(60, [], pool)], monday)).map((l) => l.sessions[0]!.poolPick);
    expect(picks(['x', 'y'])).toEqual(['x', 'x', 'x']);
    expect(picks(['y', 'x'])).toEqual(['y', 'y', 'y']);
  });

  it('a pool narrows a session with required people; no pool means no poolPick', () => {
    const x = person('x', LDN, hours, { busy: [['2026-01-12T09:00Z', '2026-01-12T11:00Z']] });
    const r = person('r', LDN, hours);
    const input = panel([x, r], [session(60, ['r'], ['x']), session(30, ['r'])], { ...monday, to: '2026-01-12T12:30Z' });
    expect(freeLoops({ ...input, sessions: [session(60, ['r'], ['x'])] })).toEqual([loopOf([0, '2026-01-12T11:00Z', '2026-01-12T12:00Z', 'x'])]);
    expect(freeLoops({ ...input, sessions: [session(60, ['r'])] }).map((l) => l.sessions[0])).toEqual([
      { session: 0, start: at('2026-01-12T09:00Z'), end: at('2026-01-12T10:00Z') },
      { session: 0, start: at('2026-01-12T10:00Z'), end: at('2026-01-12T11:00Z') },
      { session: 0, start: at('2026-01-12T11:00Z'), end: at('2026-01-12T12:00Z') },
    ]);
  });
});

describe('loop rules, judged in loop.timeZone', () => {
  // Tuesday 20:00 in Los Angeles is already Wednesday 03:00 UTC and 12:00 in Tokyo.
  const LA = 'America/Los_Angeles';
  // The interviewer works 06:00–10:00 UTC every day = 23:00–03:00 PDT.
  const allWeek = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['06:00', '10:00']]])) as Hours;
  const utc = person('utc', 'UTC', allWeek);
  const base = {
    now: '2026-03-10T20:00-07:00',
    from: '2026-03-10T00:00-07:00',
    to: '2026-03-14T00:00-07:00',
    viewer: 'Asia/Tokyo',
    loop: { timeZone: LA, noSameDay: true, horizonDays: 1, slotStepMinutes: 60 },
  };

  it('no same day and a 1-day horizon: Wednesday in Los Angeles only', () => {
    expect(starts(panel([utc], [session(60, ['utc'])], base), LA)).toEqual(
      readAll(['2026-03-11T00:00-07:00', '2026-03-11T01:00-07:00', '2026-03-11T02:00-07:00', '2026-03-11T23:00-07:00'], LA),
    );
  });

  it('without no-same-day Tuesday 23:00 is offered too', () => {
    const got = starts(panel([utc], [session(60, ['utc'])], { ...base, loop: { ...base.loop, noSameDay: false } }), LA);
    expect(got[0]).toBe(read(at('2026-03-10T23:00-07:00'), LA));
    expect(got).toHaveLength(5);
  });

  it('only the start’s date counts: a 2-hour loop from Wednesday 23:00 runs into Thursday', () => {
    const got = starts(panel([utc], [session(60, ['utc']), session(60, ['utc'])], base), LA);
    expect(got).toEqual(readAll(['2026-03-11T00:00-07:00', '2026-03-11T01:00-07:00', '2026-03-11T23:00-07:00'], LA));
  });

  it('minimum notice in real minutes: 10 hours after Tuesday 20:00 PDT is Wednesday 06:00 PDT', () => {
    const input = panel([utc], [session(60, ['utc'])], { ...base, loop: { ...base.loop, minimumNoticeMinutes: 600 } });
    expect(starts(input, LA)).toEqual(readAll(['2026-03-11T23:00-07:00'], LA));
  });
});

describe('placeLoop', () => {
  const kol = person('kol', 'Asia/Kolkata', weekdays('10:00', '13:00'));
  const ktm = person('ktm', 'Asia/Kathmandu', weekdays('10:00', '13:00'));
  const input = panel([kol, ktm], [session(30, ['kol']), session(30, ['ktm'])], {
    now: '2026-01-05T00:00Z',
    from: '2026-01-12T00:00Z',
    to: '2026-01-13T00:00Z',
    viewer: 'Asia/Kathmandu',
    gapMinutes: 15,
    order: 'free',
    loop: { slotStepMinutes: 30 },
  });
  const loops = freeLoops(input);

  it('gives back every loop freeLoops offers, with the same sessions and picks', () => {
    expect(loops.length).toBeGreaterThan(3);
    for (const loop of loops) expect(placeLoop(input, loop.start)).toEqual(loop);
  });

  it('refuses a free start off the viewer grid', () => {
    // 04:30Z = 10:00 IST fits kol then ktm, but is 10:15 in Kathmandu.
    const offGrid = at('2026-01-12T04:30Z');
    expect(placeLoop({ ...input, viewerTimeZone: 'UTC' }, offGrid)).toBeDefined();
    expect(placeLoop(input, offGrid)).toBeUndefined();
  });

  it('refuses a start 7 minutes after an offered one', () => {
    for (const loop of loops) expect(placeLoop(input, loop.start + 7 * 60_000)).toBeUndefined();
  });

  it('refuses a start whose loop is not inside [from, to)', () => {
    const loop = loops[0]!;
    expect(placeLoop({ ...input, from: loop.start + 1 }, loop.start)).toBeUndefined();
    expect(placeLoop({ ...input, to: loop.end - 1 }, loop.start)).toBeUndefined();
    expect(placeLoop({ ...input, to: loop.end }, loop.start)).toEqual(loop);
  });

  it('still counts bookings outside the loop’s span toward the daily limit', () => {
    const full = { ...kol, rules: { ...kol.rules, dailyLimit: 1 }, bookings: spans([['2026-01-12T12:00+05:30', '2026-01-12T12:30+05:30']]) };
    const limited = { ...input, people: [full, ktm] };
    expect(freeLoops(limited)).toEqual([]);
    expect(placeLoop(limited, loops[0]!.start)).toBeUndefined();
  });
});

describe('validation', () => {
  const input = panel([ny, ldn], [session(60, [ny.id]), session(30, [], [ldn.id])], { now: '2026-03-01T00:00Z', from: '2026-03-09T00:00Z', to: '2026-03-10T00:00Z' });
  const many = Array.from({ length: 7 }, () => session(15, [ny.id]));
  it.each<[string, PanelInput, RegExp]>([
    ['an unknown person zone', { ...input, people: [ny, { ...ldn, rules: { ...ldn.rules, timeZone: 'Europe/Londres' } }] }, /ldn@example\.com.*Unknown IANA time zone "Europe\/Londres"/],
    ['an unknown loop zone', { ...input, loop: { ...input.loop, timeZone: 'Mars/Olympus' } }, /loop\.timeZone.*Unknown IANA time zone/],
    ['an unknown viewer zone', { ...input, viewerTimeZone: 'Nowhere' }, /viewerTimeZone.*Unknown IANA time zone/],
    ['a zero duration', { ...input, sessions: [session(0, [ny.id])] }, /sessions\[0\]\.durationMinutes must be a positive integer, got 0/],
    ['a negative duration', { ...input, sessions: [session(60, [ny.id]), session(-30, [ny.id])] }, /sessions\[1\]\.durationMinutes must be a positive integer/],
    ['a negative gap', { ...input, gapMinutes: -5 }, /gapMinutes must be a non-negative integer, got -5/],
    ['a person missing from people', { ...input, sessions: [session(60, [ny.id], ['who@example.com'])] }, /sessions\[0\] refers to person "who@example\.com"/],
    ['more than 6 sessions in free order', { ...input, order: 'free', sessions: many }, /at most 6 sessions \(got 7\)/],
    ['a session with nobody', { ...input, sessions: [session(60, [], [])] }, /sessions\[0\] needs at least one required person or a pool/],
    ['no sessions', { ...input, sessions: [] }, /at least one session/],
    ['a person listed twice', { ...input, people: [ny, ny] }, /listed twice/],
    ['a negative buffer', { ...input, people: [ny, { ...ldn, rules: { ...ldn.rules, bufferAfterMinutes: -1 } }] }, /ldn@example\.com.*bufferAfterMinutes/],
    ['a zero grid step', { ...input, loop: { ...input.loop, slotStepMinutes: 0 } }, /loop\.slotStepMinutes must be a positive integer/],
  ])('%s throws a RangeError', (_, bad, message) => {
    expect(() => freeLoops(bad)).toThrow(RangeError);
    expect(() => freeLoops(bad)).toThrow(message);
    expect(() => placeLoop(bad, at('2026-03-09T14:00Z'))).toThrow(message);
  });

  it('seven sessions in fixed order are fine', () => {
    expect(() => freeLoops({ ...input, sessions: many })).not.toThrow();
  });
});
