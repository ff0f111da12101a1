import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { IcsParseError, MAX_INSTANCES, parseIcsBusy, type BusyEvent } from '../../server/calendar/ics-import';

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:20070311T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:20071104T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

function calendar(...blocks: (string | string[])[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Test//EN', ...blocks.flat(), 'END:VCALENDAR', ''].join('\r\n');
}

function vevent(...lines: string[]): string[] {
  return ['BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
}

const ms = (iso: string) => Date.parse(iso);
const window = (from: string, to: string) => ({ from: ms(from), to: ms(to) });
const MARCH_2026 = window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');

/** Busy intervals as readable UTC ISO strings. */
function iso(events: BusyEvent[]): string[] {
  return events.map((e) => `${new Date(e.start).toISOString()}/${new Date(e.end).toISOString()}`);
}

describe('parseIcsBusy', () => {
  it('expands a weekly series with EXDATE and a moved instance, across the EU DST change', () => {
    const ics = calendar(
      BERLIN,
      vevent(
        'UID:standup@example.com',
        'SUMMARY:Team sync',
        'DTSTART;TZID=Europe/Berlin:20260302T100000',
        'DTEND;TZID=Europe/Berlin:20260302T103000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260420T235959Z',
        'EXDATE;TZID=Europe/Berlin:20260316T100000',
      ),
      vevent(
        'UID:standup@example.com',
        'SUMMARY:Team sync (moved)',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260323T100000',
        'DTSTART;TZID=Europe/Berlin:20260324T140000',
        'DTEND;TZID=Europe/Berlin:20260324T150000',
      ),
    );
    const busy = parseIcsBusy(ics, MARCH_2026, 'UTC');
    expect(iso(busy)).toEqual([
      '2026-03-02T09:00:00.000Z/2026-03-02T09:30:00.000Z',
      '2026-03-09T09:00:00.000Z/2026-03-09T09:30:00.000Z',
      // 16 March excluded; 23 March moved to Tuesday 24 at 14:00 CET
      '2026-03-24T13:00:00.000Z/2026-03-24T14:00:00.000Z',
      // after 29 March Berlin is on CEST: 10:00 local is 08:00Z
      '2026-03-30T08:00:00.000Z/2026-03-30T08:30:00.000Z',
    ]);
    expect(busy.map((e) => e.summary)).toEqual(['Team sync', 'Team sync', 'Team sync (moved)', 'Team sync']);
    expect(busy.every((e) => e.uid === 'standup@example.com' && !e.allDay)).toBe(true);
  });

  it('counts an instance moved into the window from outside it, and drops a cancelled instance', () => {
    const ics = calendar(
      BERLIN,
      vevent(
        'UID:series@example.com',
        'DTSTART;TZID=Europe/Berlin:20260202T100000',
        'DTEND;TZID=Europe/Berlin:20260202T110000',
        'RRULE:FREQ=WEEKLY;COUNT=8',
      ),
      // 23 Feb (outside the window) moved to 3 March
      vevent(
        'UID:series@example.com',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260223T100000',
        'DTSTART;TZID=Europe/Berlin:20260303T160000',
        'DTEND;TZID=Europe/Berlin:20260303T170000',
      ),
      // 9 March cancelled
      vevent(
        'UID:series@example.com',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260309T100000',
        'DTSTART;TZID=Europe/Berlin:20260309T100000',
        'DTEND;TZID=Europe/Berlin:20260309T110000',
        'STATUS:CANCELLED',
      ),
    );
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'UTC'))).toEqual([
      '2026-03-02T09:00:00.000Z/2026-03-02T10:00:00.000Z',
      '2026-03-03T15:00:00.000Z/2026-03-03T16:00:00.000Z',
      '2026-03-16T09:00:00.000Z/2026-03-16T10:00:00.000Z',
      '2026-03-23T09:00:00.000Z/2026-03-23T10:00:00.000Z',
      // COUNT=8 from 2 Feb ends on 23 March
    ]);
  });

  it('follows a TZID across the US DST change', () => {
    const ics = calendar(
      NEW_YORK,
      vevent(
        'UID:daily@example.com',
        'DTSTART;TZID=America/New_York:20260305T090000',
        'DURATION:PT45M',
        'RRULE:FREQ=DAILY;COUNT=6',
      ),
    );
    // The file's VTIMEZONE wins over the (very different) default zone.
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'Asia/Tokyo'))).toEqual([
      '2026-03-05T14:00:00.000Z/2026-03-05T14:45:00.000Z',
      '2026-03-06T14:00:00.000Z/2026-03-06T14:45:00.000Z',
      '2026-03-07T14:00:00.000Z/2026-03-07T14:45:00.000Z',
      '2026-03-08T13:00:00.000Z/2026-03-08T13:45:00.000Z',
      '2026-03-09T13:00:00.000Z/2026-03-09T13:45:00.000Z',
      '2026-03-10T13:00:00.000Z/2026-03-10T13:45:00.000Z',
    ]);
  });

  it('honours the embedded VTIMEZONE even when it disagrees with the IANA zone of that name', () => {
    // An exporter that still thinks Mexico City observes DST: its file is authoritative.
    const ics = calendar(
      [
        'BEGIN:VTIMEZONE',
        'TZID:America/Mexico_City',
        'BEGIN:STANDARD',
        'TZOFFSETFROM:-0500',
        'TZOFFSETTO:-0500',
        'DTSTART:19700101T000000',
        'END:STANDARD',
        'END:VTIMEZONE',
      ],
      vevent('UID:mx@example.com', 'DTSTART;TZID=America/Mexico_City:20260310T100000', 'DTEND;TZID=America/Mexico_City:20260310T110000'),
    );
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'UTC'))).toEqual(['2026-03-10T15:00:00.000Z/2026-03-10T16:00:00.000Z']);
  });

  it('reads a TZID without VTIMEZONE as an IANA zone, and an unknown one in the default zone', () => {
    const ics = calendar(
      vevent('UID:tokyo@example.com', 'DTSTART;TZID=Asia/Tokyo:20260310T100000', 'DTEND;TZID=Asia/Tokyo:20260310T110000'),
      vevent('UID:win@example.com', 'DTSTART;TZID=Custom Zone:20260311T100000', 'DTEND;TZID=Custom Zone:20260311T110000'),
    );
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'Asia/Kolkata'))).toEqual([
      '2026-03-10T01:00:00.000Z/2026-03-10T02:00:00.000Z',
      '2026-03-11T04:30:00.000Z/2026-03-11T05:30:00.000Z',
    ]);
  });

  it('puts floating times in the default zone', () => {
    const ics = calendar(vevent('UID:float@example.com', 'DTSTART:20260310T090000', 'DTEND:20260310T093000'));
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'Asia/Kolkata'))).toEqual(['2026-03-10T03:30:00.000Z/2026-03-10T04:00:00.000Z']);
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'America/Los_Angeles'))).toEqual(['2026-03-10T16:00:00.000Z/2026-03-10T16:30:00.000Z']);
  });

  it('makes all-day events span whole local days in the default zone', () => {
    const ics = calendar(
      vevent('UID:offsite@example.com', 'SUMMARY:Offsite', 'DTSTART;VALUE=DATE:20260307', 'DTEND;VALUE=DATE:20260309'),
      vevent('UID:holiday@example.com', 'DTSTART;VALUE=DATE:20260320'),
    );
    const busy = parseIcsBusy(ics, MARCH_2026, 'America/New_York');
    expect(busy).toEqual([
      // 7 and 8 March in New York; the day of the DST change is 23 hours long
      {
        uid: 'offsite@example.com',
        start: DateTime.fromISO('2026-03-07T00:00', { zone: 'America/New_York' }).toMillis(),
        end: DateTime.fromISO('2026-03-09T00:00', { zone: 'America/New_York' }).toMillis(),
        summary: 'Offsite',
        allDay: true,
      },
      { uid: 'holiday@example.com', start: ms('2026-03-20T04:00:00Z'), end: ms('2026-03-21T04:00:00Z'), allDay: true },
    ]);
    expect(busy[0]!.end - busy[0]!.start).toBe(47 * 3_600_000);
  });

  it('expands an all-day yearly series', () => {
    const ics = calendar(vevent('UID:bday@example.com', 'DTSTART;VALUE=DATE:19900310', 'RRULE:FREQ=YEARLY'));
    expect(iso(parseIcsBusy(ics, MARCH_2026, 'Europe/Berlin'))).toEqual(['2026-03-09T23:00:00.000Z/2026-03-10T23:00:00.000Z']);
  });

  it('skips transparent, cancelled and free events, keeps tentative ones', () => {
    const ics = calendar(
      vevent('UID:t@example.com', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z', 'TRANSP:TRANSPARENT'),
      vevent('UID:c@example.com', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'STATUS:CANCELLED'),
      vevent('UID:f@example.com', 'DTSTART:20260310T110000Z', 'DTEND:20260310T120000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:FREE'),
      vevent('UID:cs@example.com', 'DTSTART:20260302T080000Z', 'DTEND:20260302T090000Z', 'RRULE:FREQ=DAILY', 'STATUS:CANCELLED'),
      vevent('UID:maybe@example.com', 'DTSTART:20260310T120000Z', 'DTEND:20260310T130000Z', 'STATUS:TENTATIVE', 'TRANSP:OPAQUE'),
    );
    expect(parseIcsBusy(ics, MARCH_2026, 'UTC').map((e) => e.uid)).toEqual(['maybe@example.com']);
  });

  it('clips events to the window and leaves out those outside it', () => {
    const ics = calendar(
      vevent('UID:straddle-start@example.com', 'DTSTART:20260309T220000Z', 'DTEND:20260310T020000Z'),
      vevent('UID:inside@example.com', 'DTSTART:20260310T120000Z', 'DTEND:20260310T130000Z'),
      vevent('UID:straddle-end@example.com', 'DTSTART:20260310T230000Z', 'DTEND:20260311T010000Z'),
      vevent('UID:before@example.com', 'DTSTART:20260309T220000Z', 'DTEND:20260310T000000Z'),
      vevent('UID:after@example.com', 'DTSTART:20260311T000000Z', 'DTEND:20260311T010000Z'),
      vevent('UID:zero@example.com', 'DTSTART:20260310T150000Z'),
    );
    const busy = parseIcsBusy(ics, window('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'), 'UTC');
    expect(busy.map((e) => [e.uid, new Date(e.start).toISOString(), new Date(e.end).toISOString()])).toEqual([
      ['straddle-start@example.com', '2026-03-10T00:00:00.000Z', '2026-03-10T02:00:00.000Z'],
      ['inside@example.com', '2026-03-10T12:00:00.000Z', '2026-03-10T13:00:00.000Z'],
      ['straddle-end@example.com', '2026-03-10T23:00:00.000Z', '2026-03-11T00:00:00.000Z'],
    ]);
  });

  it('fast-forwards long-running daily and weekly series to the window', () => {
    // Every other week on Tuesday and Thursday since 2001, one hour in Berlin's VTIMEZONE.
    const ics = calendar(
      BERLIN,
      vevent(
        'UID:old@example.com',
        'DTSTART;TZID=Europe/Berlin:20010102T170000',
        'DTEND;TZID=Europe/Berlin:20010102T180000',
        'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH',
      ),
      vevent('UID:daily@example.com', 'DTSTART:19950101T060000Z', 'DTEND:19950101T063000Z', 'RRULE:FREQ=DAILY;INTERVAL=3'),
    );
    const busy = parseIcsBusy(ics, MARCH_2026, 'UTC');

    // Expected, computed independently: the weeks (Monday-based) an even number of weeks after
    // the week of 2 January 2001, and every third day after 1 January 1995.
    const expected: string[] = [];
    const firstMonday = DateTime.fromISO('2001-01-01', { zone: 'Europe/Berlin' });
    for (let day = DateTime.fromISO('2026-02-28', { zone: 'Europe/Berlin' }); day < DateTime.fromISO('2026-04-02', { zone: 'Europe/Berlin' }); day = day.plus({ days: 1 })) {
      const weeks = Math.round(day.startOf('week').diff(firstMonday, 'days').days / 7);
      const startAt = day.set({ hour: 17 });
      if ((day.weekday === 2 || day.weekday === 4) && weeks % 2 === 0) {
        if (startAt.toMillis() >= MARCH_2026.from && startAt.toMillis() < MARCH_2026.to) expected.push(`old ${startAt.toUTC().toISO()}`);
      }
    }
    for (let t = ms('1995-01-01T06:00:00Z'); t < MARCH_2026.to; t += 3 * 86_400_000) {
      if (t >= MARCH_2026.from) expected.push(`daily ${new Date(t).toISOString()}`);
    }
    const actual = busy.map((e) => `${e.uid.split('@')[0]} ${new Date(e.start).toISOString()}`);
    expect(actual.filter((s) => s.startsWith('old'))).toEqual([
      'old 2026-03-10T16:00:00.000Z',
      'old 2026-03-12T16:00:00.000Z',
      'old 2026-03-24T16:00:00.000Z',
      'old 2026-03-26T16:00:00.000Z',
    ]);
    expect([...actual].sort()).toEqual([...expected].sort());
    for (const e of busy) expect(e.end - e.start).toBe(e.uid.startsWith('old') ? 3_600_000 : 1_800_000);

    // The same rules with a COUNT are walked from DTSTART (no fast-forward): same instances.
    const walked = parseIcsBusy(ics.replace(/BYDAY=TU,TH/, 'BYDAY=TU,TH;COUNT=100000').replace(/INTERVAL=3/, 'INTERVAL=3;COUNT=100000'), MARCH_2026, 'UTC');
    expect(walked).toEqual(busy);
  });

  it('does not spend the expansion budget walking old daily series', () => {
    // Walking these from 1900 would take ~46,000 steps each, over the file's budget.
    const ics = calendar(
      vevent('UID:a@example.com', 'DTSTART:19000101T090000Z', 'DTEND:19000101T100000Z', 'RRULE:FREQ=DAILY'),
      vevent('UID:b@example.com', 'DTSTART:19000101T110000Z', 'DTEND:19000101T120000Z', 'RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR'),
    );
    const busy = parseIcsBusy(ics, window('2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z'), 'UTC');
    expect(busy.filter((e) => e.uid === 'a@example.com')).toHaveLength(7);
    expect(iso(busy.filter((e) => e.uid === 'b@example.com'))).toEqual(
      ['09', '10', '11', '12', '13'].map((d) => `2026-03-${d}T11:00:00.000Z/2026-03-${d}T12:00:00.000Z`),
    );
  });

  it('reads several calendars concatenated in one file, and events without UID', () => {
    const one = calendar(vevent('DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z'));
    const two = calendar(vevent('UID:b@example.com', 'DTSTART:20260311T090000Z', 'DTEND:20260311T100000Z'));
    const busy = parseIcsBusy(one + two, MARCH_2026, 'UTC');
    expect(busy.map((e) => e.uid)).toEqual(['parley-import-0', 'b@example.com']);
  });

  it('rejects files that are not iCalendar with a readable IcsParseError', () => {
    const cases = [
      '',
      'hello world',
      '<!doctype html><html><body>Sign in</body></html>',
      'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEND:VCARD\r\n',
      'BEGIN:VCALENDAR\r\nthis line has no colon\r\nEND:VCALENDAR\r\n',
      calendar(vevent('UID:x', 'DTSTART:2026-03-10 nonsense', 'DTEND:20260310T100000Z')),
    ];
    for (const text of cases) {
      let error: unknown;
      try {
        parseIcsBusy(text, MARCH_2026, 'UTC');
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(text)).toBeInstanceOf(IcsParseError);
      expect((error as Error).message, JSON.stringify(text)).toMatch(/^This file is not a valid iCalendar \(\.ics\) file: \S/);
    }
  });

  it('caps the number of instances', () => {
    // Every 5 minutes for a month: 8,928 instances.
    const ics = calendar(vevent('UID:spam@example.com', 'DTSTART:20260301T000000Z', 'DURATION:PT1M', 'RRULE:FREQ=MINUTELY;INTERVAL=5'));
    expect(() => parseIcsBusy(ics, MARCH_2026, 'UTC')).toThrow(IcsParseError);
    expect(() => parseIcsBusy(ics, MARCH_2026, 'UTC')).toThrow(`more than ${MAX_INSTANCES.toLocaleString('en-US')} events`);
    // The same file is fine for a short window.
    expect(parseIcsBusy(ics, window('2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z'), 'UTC')).toHaveLength(12);
  });

  it('stops a series that would take too long to reach the window', () => {
    const ics = calendar(vevent('UID:hostile@example.com', 'DTSTART:19700101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY'));
    const started = Date.now();
    expect(() => parseIcsBusy(ics, MARCH_2026, 'UTC')).toThrow(/too complex to expand/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns nothing for an empty window and refuses an unknown default zone', () => {
    const ics = calendar(vevent('UID:x@example.com', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z'));
    expect(parseIcsBusy(ics, { from: MARCH_2026.to, to: MARCH_2026.from }, 'UTC')).toEqual([]);
    expect(() => parseIcsBusy(ics, MARCH_2026, 'Not/AZone')).toThrow(RangeError);
  });
});
