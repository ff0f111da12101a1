import ICAL from 'ical.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildIcs, ICS_PRODID, type IcsEvent } from '../../lib/ics';
import { parseIcsBusy } from '../../server/calendar/ics-import';

const baseEvent = (overrides: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: 'booking-42@parley',
  sequence: 0,
  start: new Date('2026-07-10T14:00:00Z'),
  end: new Date('2026-07-10T14:30:00Z'),
  timeZone: 'Europe/Berlin',
  summary: 'Interview: Ada Lovelace',
  description: 'Video: https://meet.jit.si/parley-42',
  location: 'https://meet.jit.si/parley-42',
  url: 'https://parley.test/b/tok123',
  organizer: { name: 'Rita Recruiter', email: 'rita@example.com' },
  attendees: [{ name: 'Ada Lovelace', email: 'ada@example.org' }, { email: 'panel@example.com' }],
  status: 'CONFIRMED',
  stamp: new Date('2026-07-01T08:00:00Z'),
  ...overrides,
});

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

/** Property lines after unfolding (RFC 5545 §3.1). */
function unfolded(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

describe('buildIcs', () => {
  afterEach(() => {
    vi.doUnmock('@touch4it/ical-timezones');
    vi.resetModules();
  });

  it.each([
    // zone, start, expected local DTSTART, a TZOFFSETTO the VTIMEZONE must define
    ['Europe/Berlin', '2026-07-10T14:00:00Z', '20260710T160000', '+0200'],
    ['Europe/Berlin', '2026-01-15T09:00:00Z', '20260115T100000', '+0100'],
    ['America/New_York', '2026-03-10T14:00:00Z', '20260310T100000', '-0400'],
    ['America/New_York', '2026-03-06T15:00:00Z', '20260306T100000', '-0500'],
    ['Asia/Kathmandu', '2026-07-10T04:15:00Z', '20260710T100000', '+0545'],
  ])('writes %s times with TZID and a matching VTIMEZONE (%s)', (timeZone, iso, local, offset) => {
    const start = new Date(iso);
    const end = new Date(start.getTime() + 45 * 60_000);
    const ics = buildIcs(baseEvent({ timeZone, start, end }), 'REQUEST');

    const lines = unfolded(ics);
    expect(lines).toContain(`DTSTART;TZID=${timeZone}:${local}`);
    expect(lines.some((line) => line.startsWith(`DTEND;TZID=${timeZone}:`))).toBe(true);
    expect(lines).toContain(`TZOFFSETTO:${offset}`);

    const { calendar, event } = parse(ics);
    const vtimezones = calendar.getAllSubcomponents('vtimezone');
    expect(vtimezones.map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual([timeZone]);
    // The instant a reader computes through the embedded VTIMEZONE is the booking's instant.
    expect(event.startDate.zone?.tzid).toBe(timeZone);
    expect(event.startDate.toUnixTime() * 1000).toBe(start.getTime());
    expect(event.endDate.toUnixTime() * 1000).toBe(end.getTime());
  });

  it.each([
    // @touch4it/ical-timezones has tzdata 2018g: Mexico dropped DST in 2022, Brazil in 2019,
    // and America/Ciudad_Juarez (2022) is missing. The instant must still be exact.
    ['America/Mexico_City', '2026-07-10T16:00:00Z', '20260710T100000'],
    ['America/Sao_Paulo', '2026-01-15T13:00:00Z', '20260115T100000'],
    ['America/Ciudad_Juarez', '2026-07-10T16:00:00Z', '20260710T100000'],
    ['Asia/Tehran', '2026-06-01T06:30:00Z', '20260601T100000'],
  ])('replaces a stale or missing library VTIMEZONE for %s', (timeZone, iso, local) => {
    const start = new Date(iso);
    const end = new Date(start.getTime() + 30 * 60_000);
    const ics = buildIcs(baseEvent({ timeZone, start, end }), 'REQUEST');
    expect(unfolded(ics)).toContain(`DTSTART;TZID=${timeZone}:${local}`);
    const { calendar, event } = parse(ics);
    expect(calendar.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual([timeZone]);
    expect(event.startDate.toUnixTime() * 1000).toBe(start.getTime());
    expect(event.endDate.toUnixTime() * 1000).toBe(end.getTime());
  });

  it('derives the VTIMEZONE from Intl when the library cannot read its files (browser)', async () => {
    vi.doMock('@touch4it/ical-timezones', () => ({
      getVtimezoneComponent: () => {
        throw new ReferenceError('__dirname is not defined');
      },
    }));
    vi.resetModules();
    const { buildIcs: buildInBrowser } = await import('../../lib/ics');
    const start = new Date('2026-10-20T08:00:00Z'); // before the EU switch on 25 October
    const end = new Date('2026-10-27T09:00:00Z'); // after it (a week-long event spans the change)
    const ics = buildInBrowser(baseEvent({ start, end }), 'REQUEST');
    expect(ics).not.toContain('tzurl.org'); // not the library's component
    const lines = unfolded(ics);
    expect(lines).toContain('DTSTART;TZID=Europe/Berlin:20261020T100000');
    expect(lines).toContain('DTEND;TZID=Europe/Berlin:20261027T100000');
    const { event } = parse(ics);
    expect(event.startDate.toUnixTime() * 1000).toBe(start.getTime());
    expect(event.endDate.toUnixTime() * 1000).toBe(end.getTime());
  });

  it.each([
    // 02:30 on 25 October 2026 happens twice in Berlin: 00:30Z (CEST) and 01:30Z (CET). A TZID
    // wall time names only the first (RFC 5545 §3.3.5) and ical.js picks the second, so neither
    // can be written with TZID safely.
    ['first', '2026-10-25T00:30:00Z', '20261025T003000Z'],
    ['second', '2026-10-25T01:30:00Z', '20261025T013000Z'],
  ])('falls back to UTC for a wall time that occurs twice (%s occurrence)', (_which, iso, utc) => {
    const start = new Date(iso);
    const ics = buildIcs(baseEvent({ start, end: new Date(start.getTime() + 3_600_000) }));
    const lines = unfolded(ics);
    expect(lines).toContain(`DTSTART:${utc}`);
    expect(ics).not.toContain('TZID=');
    expect(parse(ics).event.startDate.toUnixTime() * 1000).toBe(start.getTime());
  });

  it('does not depend on the process time zone', () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = buildIcs(baseEvent(), 'REQUEST');
      process.env.TZ = 'Pacific/Auckland';
      const inAuckland = buildIcs(baseEvent(), 'REQUEST');
      expect(new Date('2026-07-10T14:00:00Z').getHours()).toBe(2); // the switch took effect
      expect(inAuckland).toBe(inUtc);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('uses CRLF everywhere, folds at 75 octets and declares Parley as PRODID', () => {
    const description = `Agenda — ${'Vorstellung, Fragen; Rückfragen\n'.repeat(8)}Ende 🎉`;
    const ics = buildIcs(baseEvent({ description }), 'REQUEST');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(ics.split('\r\n').filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3);

    const lines = unfolded(ics);
    expect(lines.slice(0, 3)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${ICS_PRODID}`]);
    expect(ICS_PRODID).toContain('Parley');
    expect(lines).toContain('DTSTAMP:20260701T080000Z');
    expect(parse(ics).event.description).toBe(description);
  });

  it('writes a REQUEST with organizer, RSVP attendees, UID and SEQUENCE', () => {
    const ics = buildIcs(baseEvent({ sequence: 3 }), 'REQUEST');
    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('booking-42@parley');
    expect(event.sequence).toBe(3);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('url')).toBe('https://parley.test/b/tok123');
    expect(event.location).toBe('https://meet.jit.si/parley-42');
    const organizer = vevent.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:rita@example.com');
    expect(organizer?.getParameter('cn')).toBe('Rita Recruiter');
    const attendees = event.attendees.map((a) => ({
      value: String(a.getFirstValue()).toLowerCase(),
      cn: a.getParameter('cn'),
      rsvp: a.getParameter('rsvp'),
      partstat: a.getParameter('partstat'),
    }));
    expect(attendees).toEqual([
      { value: 'mailto:ada@example.org', cn: 'Ada Lovelace', rsvp: 'TRUE', partstat: 'NEEDS-ACTION' },
      { value: 'mailto:panel@example.com', cn: undefined, rsvp: 'TRUE', partstat: 'NEEDS-ACTION' },
    ]);
  });

  it('defaults to PUBLISH without attendees (RFC 5546)', () => {
    const ics = buildIcs(baseEvent());
    const { calendar, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(event.attendees).toHaveLength(0);
    expect(event.organizer).toBe('mailto:rita@example.com');
  });

  it('writes a CANCEL with the same UID, a higher SEQUENCE and STATUS:CANCELLED', () => {
    const request = parse(buildIcs(baseEvent({ sequence: 0 }), 'REQUEST'));
    const cancel = parse(buildIcs(baseEvent({ sequence: 1, status: 'CONFIRMED' }), 'CANCEL'));
    expect(cancel.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancel.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancel.event.uid).toBe(request.event.uid);
    expect(cancel.event.sequence).toBeGreaterThan(request.event.sequence);
    expect(cancel.event.attendees).toHaveLength(2);

    const published = parse(buildIcs(baseEvent({ status: 'CANCELLED' }), 'PUBLISH'));
    expect(published.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('escapes text and keeps hostile names from injecting parameters or lines', () => {
    const ics = buildIcs(
      baseEvent({
        summary: 'Interview, round 1; "final"\nDTSTART:19990101T000000Z',
        attendees: [{ name: 'Eve";ROLE=CHAIR;X="', email: 'eve@example.org' }],
        url: 'https://parley.test/b/tok;x=1,2',
      }),
      'REQUEST',
    );
    const { vevent, event } = parse(ics);
    expect(event.summary).toBe('Interview, round 1; "final"\nDTSTART:19990101T000000Z');
    expect(vevent.getAllProperties('dtstart')).toHaveLength(1);
    expect(event.startDate.toUnixTime() * 1000).toBe(Date.parse('2026-07-10T14:00:00Z'));
    const [attendee] = event.attendees;
    expect(event.attendees).toHaveLength(1);
    expect(attendee?.getParameter('role')).toBe('REQ-PARTICIPANT');
    expect(attendee?.getParameter('cn')).toBe("Eve';ROLE=CHAIR;X='");
    expect(vevent.getFirstPropertyValue('url')).toBe('https://parley.test/b/tok%3Bx=1%2C2');
  });

  it('rejects impossible input', () => {
    expect(() => buildIcs(baseEvent({ end: new Date('2026-07-10T14:00:00Z') }))).toThrow(/end must be after start/);
    expect(() => buildIcs(baseEvent({ timeZone: 'Mars/Olympus_Mons' }))).toThrow(/unknown time zone/);
    expect(() => buildIcs(baseEvent({ start: new Date(Number.NaN) }))).toThrow(RangeError);
    expect(() => buildIcs(baseEvent({ attendees: [{ email: 'a@b.c\r\nX-EVIL:1' }] }), 'REQUEST')).toThrow(/invalid email/);
  });

  it('round-trips through parseIcsBusy in every zone', () => {
    for (const timeZone of ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'America/Mexico_City']) {
      const start = new Date('2026-03-10T14:00:00Z');
      const end = new Date('2026-03-10T14:30:00Z');
      const ics = buildIcs(baseEvent({ timeZone, start, end }), 'REQUEST');
      // The reader's default zone must not matter: the file carries its own VTIMEZONE.
      const busy = parseIcsBusy(ics, { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-04-01T00:00:00Z') }, 'Pacific/Auckland');
      expect(busy, timeZone).toEqual([
        { uid: 'booking-42@parley', start: start.getTime(), end: end.getTime(), summary: 'Interview: Ada Lovelace', allDay: false },
      ]);
    }
  });

  it('a cancelled invitation is not busy after import', () => {
    const ics = buildIcs(baseEvent({ sequence: 1 }), 'CANCEL');
    expect(parseIcsBusy(ics, { from: Date.parse('2026-07-01T00:00:00Z'), to: Date.parse('2026-08-01T00:00:00Z') }, 'UTC')).toEqual([]);
  });
});
