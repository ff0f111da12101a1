import ICAL from 'ical.js';
import { buildIcs } from '../../../lib/ics.js';
import { parseIcsBusy } from '../../calendar/ics-import.js';
import type { CalendarEventInput } from './types.js';

// The iCalendar objects Parley stores on a CalDAV server: one per booking key (see caldav.ts).

const DAY_MS = 86_400_000;

/** One calendar object per booking key. */
export function eventUid(key: string): string {
  if (!key) throw new RangeError('CalDAV events need a key');
  return `${key}@parley`;
}

/**
 * The stored VCALENDAR: `buildIcs` without METHOD (RFC 4791 §4.1 forbids it in a calendar
 * collection) and without ORGANIZER/ATTENDEE, so servers that schedule implicitly (RFC 6638)
 * do not mail invitations of their own: Parley sends those itself. Attendees are named in the
 * description instead.
 */
export function eventIcs(uid: string, event: CalendarEventInput, sequence: number): string {
  const missing = event.attendees.filter((a) => !event.description.toLowerCase().includes(a.email.toLowerCase()));
  const description = missing.length
    ? `${event.description}${event.description ? '\n\n' : ''}With: ${missing.map((a) => (a.name ? `${a.name} <${a.email}>` : a.email)).join(', ')}`
    : event.description;
  const ics = buildIcs(
    {
      uid,
      sequence,
      start: new Date(event.start),
      end: new Date(event.end),
      timeZone: event.timeZone,
      summary: event.summary,
      description,
      organizer: { name: 'Parley', email: 'calendar@parley.invalid' },
      attendees: [],
      status: 'CONFIRMED',
    },
    'PUBLISH',
  );
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  root.removeAllProperties('method');
  for (const vevent of root.getAllSubcomponents('vevent')) {
    vevent.removeAllProperties('organizer');
    vevent.removeAllProperties('attendee');
  }
  return `${root.toString()}\r\n`;
}

/** Does the stored object already hold exactly this booking's times (and count as busy)? */
export function hasTimes(ics: string, event: CalendarEventInput, defaultTimeZone: string): boolean {
  try {
    const found = parseIcsBusy(ics, { from: event.start - DAY_MS, to: event.end + DAY_MS }, defaultTimeZone);
    return found.length === 1 && found[0]!.start === event.start && found[0]!.end === event.end;
  } catch {
    return false;
  }
}

export function sequenceOf(ics: string): number {
  try {
    const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    const values = root.getAllSubcomponents('vevent').map((v) => Number(v.getFirstPropertyValue('sequence') ?? 0));
    const max = Math.max(0, ...values.filter(Number.isFinite));
    return Number.isInteger(max) ? max : 0;
  } catch {
    return 0;
  }
}
