import type { Interval } from '../../../lib/availability/types.js';

/** One calendar event Parley writes for a booking; `key` makes every write idempotent. */
export interface CalendarEventInput {
  key: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  attendees: { name?: string; email: string }[];
}

/**
 * Every calendar — Parley's own (`local`), Google, Microsoft, CalDAV — answers these. `busy` must
 * throw CalendarUnavailableError rather than answer "free" when it could not read the calendar.
 */
export interface CalendarProvider {
  readonly id: 'local' | 'google' | 'microsoft' | 'caldav';
  busy(recruiterId: string, range: Interval): Promise<Interval[]>;
  upsertEvent(recruiterId: string, event: CalendarEventInput): Promise<void>;
  deleteEvent(recruiterId: string, key: string): Promise<void>;
}

export class CalendarUnavailableError extends Error {
  constructor(readonly provider: string, message: string) {
    super(message);
  }
}

/** Which calendars count for a recruiter's conflicts and which one receives new events. */
export interface CalendarDirectory {
  forRecruiter(recruiterId: string): Promise<{ conflicts: CalendarProvider[]; target: CalendarProvider }>;
}
