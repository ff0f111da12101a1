/** The fake's data model and Google's fixed values (scopes, token lifetimes, well-known ids). */

export const SCOPE = {
  calendar: 'https://www.googleapis.com/auth/calendar',
  readonly: 'https://www.googleapis.com/auth/calendar.readonly',
  events: 'https://www.googleapis.com/auth/calendar.events',
  eventsReadonly: 'https://www.googleapis.com/auth/calendar.events.readonly',
  eventsOwned: 'https://www.googleapis.com/auth/calendar.events.owned',
  eventsOwnedReadonly: 'https://www.googleapis.com/auth/calendar.events.owned.readonly',
  eventsFreebusy: 'https://www.googleapis.com/auth/calendar.events.freebusy',
  freebusy: 'https://www.googleapis.com/auth/calendar.freebusy',
  appCreated: 'https://www.googleapis.com/auth/calendar.app.created',
  calendarList: 'https://www.googleapis.com/auth/calendar.calendarlist',
  calendarListReadonly: 'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
  email: 'https://www.googleapis.com/auth/userinfo.email',
} as const;

/** Which scopes each method accepts (any one of them), as in the API reference. */
export const ACCEPTS = {
  'calendarList.list': [SCOPE.calendar, SCOPE.readonly, SCOPE.calendarList, SCOPE.calendarListReadonly],
  'freebusy.query': [SCOPE.calendar, SCOPE.readonly, SCOPE.freebusy, SCOPE.eventsFreebusy],
  'events.read': [SCOPE.calendar, SCOPE.readonly, SCOPE.events, SCOPE.eventsReadonly, SCOPE.eventsOwned, SCOPE.eventsOwnedReadonly, SCOPE.appCreated],
  'events.write': [SCOPE.calendar, SCOPE.events, SCOPE.eventsOwned, SCOPE.appCreated],
} as const;
export type Method = keyof typeof ACCEPTS;
export const METHOD_NAMES: Record<Method, string> = {
  'calendarList.list': 'calendar.v3.CalendarList.List',
  'freebusy.query': 'calendar.v3.Freebusy.Query',
  'events.read': 'calendar.v3.Events.Get',
  'events.write': 'calendar.v3.Events.Insert',
};

export type AccessRole = 'owner' | 'writer' | 'reader' | 'freeBusyReader';

export interface FakeUser {
  email: string;
  sub: string;
  /** False: the account has no Google Calendar (every calendar call answers 403 notACalendarUser). */
  calendarUser: boolean;
}
export interface FakeCalendar {
  id: string;
  summary: string;
  timeZone: string;
  /** Who sees it in their calendar list, and with which role. */
  access: Map<string, AccessRole>;
  /** The email whose primary calendar this is. */
  primaryOf?: string;
  /** When set, freeBusy reports this reason in the calendar's `errors` instead of busy time. */
  freeBusyError?: string;
}
export interface FakeEvent {
  id: string;
  calendarId: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  transparency: 'opaque' | 'transparent';
  summary: string;
  description?: string;
  /** Epoch ms. */
  start: number;
  end: number;
  startTimeZone?: string;
  endTimeZone?: string;
  attendees: { email: string; displayName?: string; responseStatus: string }[];
  reminders: { useDefault: boolean; overrides?: unknown[] };
  organizer: string;
  extendedProperties?: unknown;
  /** The event's conference (Google Meet), if one was asked for. */
  conference?: FakeConference;
  etag: string;
  sequence: number;
  created: string;
  updated: string;
}
export interface Grant {
  email: string;
  clientId: string;
  scopes: string[];
  refreshToken?: string;
  revoked: boolean;
}
export interface AccessToken {
  grant: Grant;
  expiresAt: number;
  expired: boolean;
}
export interface AuthCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge: string;
  offline: boolean;
  nonce?: string;
  expiresAt: number;
}

export interface FakeGoogleState {
  users: Map<string, FakeUser>;
  calendars: Map<string, FakeCalendar>;
  /** calendarId → eventId → event (deleted events stay, `status: 'cancelled'`, as at Google). */
  events: Map<string, Map<string, FakeEvent>>;
  codes: Map<string, AuthCode>;
  accessTokens: Map<string, AccessToken>;
  refreshTokens: Map<string, Grant>;
  /** Largest calendarList page the fake sends (Google: ≤ 250, and pages may be shorter). */
  maxPageSize: number;
  /** Redirect URIs the OAuth client has registered; undefined: any http(s) URI. */
  redirectUris: string[] | undefined;
}

export type FakeFault =
  | 'expired-token'
  | 'missing-scope'
  | 'rate-limit-403'
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number }
  | 'not-calendar-user';

export interface FakeConference {
  /** The createRequest's id (absent for a conference copied in with its entry points). */
  requestId?: string;
  type: string;
  status: 'pending' | 'success' | 'failure';
  /** Reads of the event still answered `pending`. */
  pendingReads: number;
  /** Decided when asked: the request ends in `failure`. */
  willFail: boolean;
  /** e.g. abc-defg-hij, once `success`. */
  conferenceId?: string;
  entryPoints?: { entryPointType: string; uri: string; label?: string; pin?: string; regionCode?: string }[];
}

export interface FakeGoogle {
  url: string;
  clientId: string;
  clientSecret: string;
  state: FakeGoogleState;
  account: { email: string };
  grantedScopes: string[] | undefined;
  authorizeError: string | undefined;
  /** Reads (events.get) of an event a Meet conference stays `pending` for; 0: `success` at once. Default 1. */
  meetPendingPolls: number;
  /** Conference requests end in `failure`: true for all, a number for that many of the next ones. Default false. */
  meetFailure: boolean | number;
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeFault): void;
  requests: { method: string; path: string; query: Record<string, string>; body?: unknown }[];
  addEvent(calendarId: string, e: { start: number; end: number; summary: string; transparent?: boolean; cancelled?: boolean; organizer?: string }): string;
  events(calendarId: string): {
    id: string; summary: string; status: string; start: string; end: string; description?: string;
    /** Only for an event with a conference: its status and (once ready) its Meet link. */
    conference?: 'pending' | 'success' | 'failure'; hangoutLink?: string; attendees?: string[];
  }[];
  /** A secondary calendar the signed-in user (or `opts.owner`) sees with `role`; returns its id. */
  addCalendar(opts: { summary: string; role?: AccessRole; owner?: string; id?: string }): string;
  /** The signed-in user's primary calendar id (their email, as at Google). */
  primaryCalendarId(email?: string): string;
  /** Back to a fresh state: no events, faults, grants or logs; default account and scopes. */
  reset(): void;
  close(): Promise<void>;
}

export const HOLIDAYS_ID = 'en.usa#holiday@group.v.calendar.google.com';
export const CODE_TTL_MS = 10 * 60_000;
export const TOKEN_TTL_S = 3600;
