/** The fake's public types (re-exported by index.ts) and the shapes of what it stores. */

export type FakeFault =
  | 'expired-token'
  | 'missing-scope'
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number };

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface FakeRequest {
  method: string;
  /** Path only, e.g. /v1.0/me/calendars/AAMk…/calendarView */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** Date.now() when it arrived. */
  at: number;
  /** The status answered, once the fake has answered (also when the client gave up waiting). */
  status?: number;
}

export interface FakeMicrosoft {
  url: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  account: { email: string; displayName: string };
  /** Consent grants only these (OIDC scopes are always granted); undefined = everything asked for. */
  grantedScopes: string[] | undefined;
  /** Answer the authorize endpoint with this error (redirected to the client, as Entra does). */
  authorizeError: { error: string; description: string } | undefined;
  /** Redirect URIs registered for the app; undefined = any http(s) URI. */
  redirectUris: string[] | undefined;
  mailboxState: 'ok' | 'on-premise' | 'inactive' | 'no-mailbox';
  /** Event times are answered with Windows zone names and `Prefer: outlook.timezone` is ignored. */
  windowsTimeZones: boolean;
  /** Graph drops a create whose transactionId it has seen; false = it does not (the id was forgotten). */
  honourTransactionId: boolean;
  /** Calendars allow Teams meetings (a work account with a Teams licence). False: they allow none, and `isOnlineMeeting` is ignored. */
  teamsAvailable: boolean;
  /** Reads (GET of the event) during which Graph has not filled in `onlineMeeting` yet; default 0. */
  teamsJoinUrlDelayGets: number;
  /** Items per page in collections (Graph's own cap; `$top` cannot raise it). */
  pageSize: number;
  maxConcurrentPerMailbox: number;
  /** Highest number of Graph requests to the mailbox in flight at once so far. */
  peakConcurrency: number;
  /** How many requests were refused for the concurrency limit. */
  throttled: number;
  /** `times` defaults to unlimited. Faults are checked in the order added. */
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeFault): void;
  clearFaults(): void;
  requests: FakeRequest[];
  calendars(): { id: string; name: string; isDefaultCalendar: boolean; canEdit: boolean }[];
  defaultCalendarId: string;
  /** A second writable calendar, and a read-only shared one. */
  secondaryCalendarId: string;
  sharedCalendarId: string;
  addEvent(
    calendarId: string,
    e: { start: number; end: number; summary: string; transparent?: boolean; cancelled?: boolean; showAs?: ShowAs; timeZone?: string },
  ): string;
  events(calendarId: string): {
    id: string; subject: string; start: string; end: string; transactionId?: string; showAs: ShowAs; isCancelled: boolean;
    /** Only for an online meeting: its join URL (also while Graph has not shown it yet). */
    joinUrl?: string; attendees?: string[];
  }[];
  /** Every access token issued so far stops working (as after their hour is up). */
  expireAccessTokens(): void;
  /** Every refresh token stops working (password change, admin revocation). */
  revokeRefreshTokens(): void;
  /** A token for the account without the OAuth dance, with the given scopes. */
  issueAccessToken(scopes?: string[]): string;
  close(): Promise<void>;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  subject: string;
  body: { contentType: string; content: string };
  start: number;
  end: number;
  /** The zone the event was created in (IANA). */
  zone: string;
  showAs: ShowAs;
  isCancelled: boolean;
  transactionId?: string;
  props: { id: string; value: string }[];
  isOnlineMeeting: boolean;
  onlineMeetingProvider: OnlineMeetingProvider;
  onlineMeeting?: { joinUrl: string; conferenceId: string; tollNumber: string };
  /** Reads left before `onlineMeeting` shows. */
  onlineMeetingHiddenReads: number;
  attendees: { type: string; emailAddress: { address: string; name?: string } }[];
  changeKey: string;
  created: number;
  modified: number;
}

export interface Calendar {
  id: string;
  name: string;
  isDefaultCalendar: boolean;
  canEdit: boolean;
  color: string;
  owner: { name: string; address: string };
}

export type OnlineMeetingProvider = 'unknown' | 'skypeForBusiness' | 'skypeForConsumer' | 'teamsForBusiness';
