/**
 * RFC 5545 invitations for bookings (pure: no I/O, runs in Node and in the browser).
 *
 * ical-generator writes the calendar; @touch4it/ical-timezones supplies the VTIMEZONE. Parley's
 * glue only decides *which* VTIMEZONE to trust:
 *
 * - The @touch4it data is tzdata 2018g. Zones whose rules changed since (Mexico, Brazil, Iran,
 *   Jordan, Egypt, Kazakhstan, Greenland, Yukon, Fiji, …) would make clients that honour the
 *   VTIMEZONE show the wrong hour, and some current names are missing. Every candidate VTIMEZONE
 *   is therefore checked against the runtime's own tz database at the event's instants.
 * - When it is missing or wrong (or when it cannot be loaded at all: the package reads files, so
 *   it fails in the browser), a VTIMEZONE is derived from `Intl` for the years around the event.
 * - A wall time that is ambiguous in the zone (the repeated hour when clocks go back) cannot be
 *   written with TZID without loss, so such an event is written in UTC instead: the instant is
 *   what must never be wrong.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

export interface IcsEvent {
  /** Stable per booking, e.g. "<bookingId>@parley". */
  uid: string;
  /** Bump on reschedule/cancel. */
  sequence: number;
  start: Date;
  end: Date;
  /** IANA zone the event is expressed in (DTSTART;TZID=… with a matching VTIMEZONE). */
  timeZone: string;
  summary: string;
  description: string;
  location?: string;
  url?: string;
  organizer: { name: string; email: string };
  attendees: { name?: string; email: string }[];
  status: 'CONFIRMED' | 'CANCELLED';
  /** DTSTAMP; defaults to the current time. Injected by tests for stable output. */
  stamp?: Date;
}

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export const ICS_PRODID = '-//Parley//Parley Scheduling//EN';

/**
 * Serialises one booking as a VCALENDAR.
 *
 * - `PUBLISH` (default): a file to import ("add to calendar"). RFC 5546 forbids ATTENDEE in
 *   PUBLISH, so attendees are left out.
 * - `REQUEST`: an invitation sent by mail; attendees are asked to RSVP.
 * - `CANCEL`: the same UID with STATUS:CANCELLED (forced, as RFC 5546 requires); send it with a
 *   higher `sequence` than the last REQUEST.
 */
export function buildIcs(event: IcsEvent, method: IcsMethod = 'PUBLISH'): string {
  const { start, end, timeZone } = event;
  if (!isValidDate(start) || !isValidDate(end)) throw new RangeError('buildIcs: start and end must be valid dates');
  if (end.getTime() <= start.getTime()) throw new RangeError('buildIcs: end must be after start');
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`buildIcs: unknown time zone "${timeZone}"`);
  if (!Number.isInteger(event.sequence) || event.sequence < 0) {
    throw new RangeError('buildIcs: sequence must be a non-negative integer');
  }

  const vtimezone = chooseVtimezone(timeZone, [start.getTime(), end.getTime()]);
  // ical-generator formats a plain Date in the *process* zone when a TZID is set; a luxon
  // DateTime is converted into the event's zone instead, which is what we need.
  const zone = vtimezone ? timeZone : 'utc';

  const calendar = ical({
    prodId: ICS_PRODID.slice(1), // the library prepends the leading "-"
    method: ICalCalendarMethod[method],
    // `name: null` keeps DTSTAMP in UTC and avoids X-WR-TIMEZONE; the generator only feeds the
    // VTIMEZONE of the event's own zone.
    timezone: { name: null, generator: (tz) => (tz === timeZone ? vtimezone : null) },
  });

  const cancelled = method === 'CANCEL' || event.status === 'CANCELLED';
  const organizerEmail = cleanEmail(event.organizer.email);
  calendar.createEvent({
    id: event.uid,
    sequence: event.sequence,
    stamp: event.stamp ?? new Date(),
    start: DateTime.fromJSDate(start, { zone }),
    end: DateTime.fromJSDate(end, { zone }),
    timezone: vtimezone ? timeZone : null,
    summary: event.summary,
    description: event.description,
    location: event.location ? event.location : null,
    url: event.url ? uriValue(event.url) : null,
    organizer: { name: paramText(event.organizer.name) || organizerEmail, email: organizerEmail },
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    attendees:
      method === 'PUBLISH'
        ? []
        : event.attendees.map((attendee) => {
            const name = attendee.name ? paramText(attendee.name) : '';
            return {
              email: cleanEmail(attendee.email),
              ...(name ? { name } : {}),
              role: ICalAttendeeRole.REQ,
              status: ICalAttendeeStatus.NEEDSACTION,
              rsvp: method === 'REQUEST',
            };
          }),
  });

  // ical-generator folds lines and uses CRLF but leaves the last line unterminated.
  return `${calendar.toString()}\r\n`;
}

function isValidDate(value: Date): boolean {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Parameter values (CN) are quoted strings: no DQUOTE or control characters allowed. */
function paramText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/"/g, "'").trim();
}

function cleanEmail(value: string): string {
  const email = value.trim();
  if (!email || /[\s"<>]/.test(email)) throw new RangeError(`buildIcs: invalid email address "${value}"`);
  return email;
}

/** The library backslash-escapes ";" and "," as if URL were TEXT; percent-encoding keeps the URI intact. */
function uriValue(url: string): string {
  return url.replace(/;/g, '%3B').replace(/,/g, '%2C');
}

// ---------------------------------------------------------------------------------------------
// VTIMEZONE selection

const DAY_MS = 86_400_000;

/** The VTIMEZONE to embed for `timeZone`, or null when the event must be written in UTC. */
function chooseVtimezone(timeZone: string, instants: number[]): string | null {
  if (instants.some((instant) => isAmbiguousWallTime(timeZone, instant))) return null;
  for (const candidate of [libraryVtimezone(timeZone), intlVtimezone(timeZone, instants)]) {
    if (candidate && vtimezoneAgrees(candidate, timeZone, instants)) return candidate;
  }
  return null;
}

function libraryVtimezone(timeZone: string): string | null {
  try {
    return getVtimezoneComponent(timeZone);
  } catch {
    return null; // no file system (browser bundle)
  }
}

/** Does a reader resolving our TZID wall times through `vtimezone` land on the same instants? */
function vtimezoneAgrees(vtimezone: string, timeZone: string, instants: number[]): boolean {
  try {
    const root = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${vtimezone.trim()}\r\nEND:VCALENDAR\r\n`));
    const component = root.getFirstSubcomponent('vtimezone');
    if (!component || component.getFirstPropertyValue('tzid') !== timeZone) return false;
    const zone = new ICAL.Timezone({ component, tzid: timeZone });
    return instants.every((instant) => {
      const wall = DateTime.fromMillis(instant, { zone: timeZone });
      const time = ICAL.Time.fromData(
        { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second },
        zone,
      );
      return time.toUnixTime() * 1000 === Math.floor(instant / 1000) * 1000;
    });
  } catch {
    return false;
  }
}

/** True when the wall time of `instant` in `timeZone` also names a different instant. */
function isAmbiguousWallTime(timeZone: string, instant: number): boolean {
  const zone = IANAZone.create(timeZone);
  const wallAsUtc = instant + zone.offset(instant) * 60_000;
  const offsets = new Set([zone.offset(instant - DAY_MS), zone.offset(instant), zone.offset(instant + DAY_MS)]);
  for (const offset of offsets) {
    const other = wallAsUtc - offset * 60_000;
    if (other !== instant && zone.offset(other) === offset) return true;
  }
  return false;
}

/**
 * A VTIMEZONE derived from the runtime's tz database: one observance per offset change from a
 * year before the event to a year after it, each with its exact onset (no RRULE to go stale).
 */
function intlVtimezone(timeZone: string, instants: number[]): string | null {
  const zone = IANAZone.create(timeZone);
  const from = Math.min(...instants) - 366 * DAY_MS;
  const to = Math.max(...instants) + 366 * DAY_MS;

  const transitions: { at: number; offsetFrom: number; offsetTo: number }[] = [];
  let previous = zone.offset(from);
  for (let t = from + DAY_MS; t <= to; t += DAY_MS) {
    const offset = zone.offset(t);
    if (offset === previous) continue;
    // Binary search to the minute (all modern transitions fall on whole minutes).
    let lo = t - DAY_MS;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (zone.offset(mid) === previous) lo = mid;
      else hi = mid;
    }
    transitions.push({ at: hi, offsetFrom: previous, offsetTo: offset });
    previous = offset;
  }

  const standardOffset = Math.min(zone.offset(from), ...transitions.map((tr) => tr.offsetTo));
  const observance = (at: number, offsetFrom: number, offsetTo: number): string => {
    const kind = offsetTo > standardOffset ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART of an observance is the local time of the onset in the offset *before* it.
    const onset = DateTime.fromMillis(at + offsetFrom * 60_000, { zone: 'utc' }).toFormat("yyyyLLdd'T'HHmmss");
    const name = DateTime.fromMillis(at, { zone: timeZone }).toFormat('ZZZZ', { locale: 'en-US' });
    return [
      `BEGIN:${kind}`,
      `TZOFFSETFROM:${formatOffset(offsetFrom)}`,
      `TZOFFSETTO:${formatOffset(offsetTo)}`,
      `TZNAME:${name}`,
      `DTSTART:${onset}`,
      `END:${kind}`,
    ].join('\r\n');
  };

  const first = zone.offset(from);
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    `X-LIC-LOCATION:${timeZone}`,
    observance(from, first, first),
    ...transitions.map((tr) => observance(tr.at, tr.offsetFrom, tr.offsetTo)),
    'END:VTIMEZONE',
  ].join('\r\n');
}

/** Minutes east of UTC → "+0545" / "-0300". */
function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}
