import type { Interval } from '../../../lib/availability/types.js';

/** One calendar event Parley writes for a booking; `key` makes every write idempotent. */
export interface CalendarEventInput {
  /** Stable per booking, e.g. "parley-<bookingId>": the same key never makes a second event. */
  key: string;
  start: number;
  end: number;
  /** The zone the event is shown in (the recruiter's), IANA. */
  timeZone: string;
  summary: string;
  description: string;
  attendees: { name?: string; email: string }[];
}

/** A reference to an event a provider created, kept to update or delete it later. */
export interface ExternalEvent {
  externalId: string;
  etag?: string;
}

export interface ProviderCalendar {
  id: string;
  name: string;
  primary: boolean;
  /** The recruiter cannot write to it (e.g. a shared or subscribed calendar). */
  readOnly: boolean;
}

/**
 * A connected account's calendars at Google, Microsoft or a CalDAV server. One instance per
 * connection; it holds no state beyond its credentials. Failures are ProviderErrors.
 */
export interface CalendarApi {
  listCalendars(): Promise<ProviderCalendar[]>;
  /** Busy time of the given calendars, merged or not, in [range.start, range.end). Never "free" on failure: it throws. */
  busy(calendarIds: string[], range: Interval): Promise<Interval[]>;
  /** Creates the event, or adopts the one this key already made (a retried create never makes a second event). */
  createEvent(calendarId: string, event: CalendarEventInput): Promise<ExternalEvent>;
  updateEvent(calendarId: string, ref: ExternalEvent, event: CalendarEventInput): Promise<ExternalEvent>;
  /** Deleting an event that is already gone succeeds. */
  deleteEvent(calendarId: string, ref: ExternalEvent): Promise<void>;
  /**
   * A short text that changes whenever anything in these calendars changes (Google's calendar
   * `updated` time, a CalDAV collection's sync-token or CTag): one cheap request per calendar that
   * tells a busy-time cache whether to read again. Absent where the provider has no such marker.
   */
  changeMark?(calendarIds: string[]): Promise<string>;
}

/**
 * Why a provider call failed, in terms Parley acts on:
 * - `auth`: the grant is gone (revoked, expired, password changed): the connection needs reconnecting.
 * - `scope`: a permission was not granted (`missing` names it).
 * - `rate-limit`, `unavailable`, `timeout`: temporary; jobs retry later.
 * - `not-found`, `conflict`, `invalid`: the request itself.
 * - `account`: the account cannot be used (no mailbox, on-premise, not a calendar user…); `reason` names which.
 */
export type ProviderErrorKind = 'auth' | 'scope' | 'rate-limit' | 'unavailable' | 'timeout' | 'not-found' | 'conflict' | 'invalid' | 'account';

export class ProviderError extends Error {
  constructor(
    readonly provider: 'google' | 'microsoft' | 'caldav' | 'local',
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; reason?: string; missing?: string[]; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get temporary() {
    return this.kind === 'rate-limit' || this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

/** Google and Microsoft access tokens: `get` may serve a cached one; `refresh` always asks the token endpoint. */
export interface AccessTokenSource {
  get(): Promise<string>;
  refresh(): Promise<string>;
}

/** The built-in calendar's shape (and what the booking service needs from any set of calendars). */
export interface CalendarProvider {
  readonly id: 'local' | 'google' | 'microsoft' | 'caldav';
  busy(recruiterId: string, range: Interval): Promise<Interval[]>;
  /** See CalendarApi.changeMark; undefined when the provider has no change marker. */
  changeMark?(recruiterId: string): Promise<string | undefined>;
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
  /** Parley's own calendar, which always counts for conflicts (read from the database). */
  readonly local: CalendarProvider;
  forRecruiter(recruiterId: string): Promise<{ conflicts: CalendarProvider[]; target: CalendarProvider }>;
}
