import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * A faithful fake of the Google endpoints Parley uses, served over HTTP on 127.0.0.1:
 * - OAuth 2.0 (accounts.google.com / oauth2.googleapis.com shapes): authorize with PKCE S256,
 *   token (authorization_code, refresh_token), revoke, OpenID userinfo;
 * - Calendar API v3 under `/calendar/v3`: calendarList.list, freeBusy.query, events
 *   insert/get/list/patch/update/delete, with Google's error envelope, per-method scopes, client
 *   chosen event ids (base32hex, 5–1024, 409 on duplicates, deleted events kept as `cancelled`),
 *   the organizer rule and read-only calendars;
 * - Google Meet conferences on events (`conferenceData.createRequest` with `conferenceDataVersion=1`):
 *   `pending` at first, `success` (with `hangoutLink` and `entryPoints`) after `meetPendingPolls`
 *   reads of the event, or `failure` when `meetFailure` says so; a request id seen before is
 *   ignored; without `conferenceDataVersion=1` conferenceData in a request is ignored, and a
 *   change that does not mention conferenceData keeps the conference;
 * - faults Google really produces (expired token, missing scope, rate limits, 5xx, slow answers,
 *   "not a calendar user"), applied to matching requests a given number of times.
 */

const SCOPE = {
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
const ACCEPTS = {
  'calendarList.list': [SCOPE.calendar, SCOPE.readonly, SCOPE.calendarList, SCOPE.calendarListReadonly],
  'freebusy.query': [SCOPE.calendar, SCOPE.readonly, SCOPE.freebusy, SCOPE.eventsFreebusy],
  'events.read': [SCOPE.calendar, SCOPE.readonly, SCOPE.events, SCOPE.eventsReadonly, SCOPE.eventsOwned, SCOPE.eventsOwnedReadonly, SCOPE.appCreated],
  'events.write': [SCOPE.calendar, SCOPE.events, SCOPE.eventsOwned, SCOPE.appCreated],
} as const;
type Method = keyof typeof ACCEPTS;
const METHOD_NAMES: Record<Method, string> = {
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
interface Grant {
  email: string;
  clientId: string;
  scopes: string[];
  refreshToken?: string;
  revoked: boolean;
}
interface AccessToken {
  grant: Grant;
  expiresAt: number;
  expired: boolean;
}
interface AuthCode {
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

const HOLIDAYS_ID = 'en.usa#holiday@group.v.calendar.google.com';
const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 3600;

export async function startFakeGoogle(opts: { email?: string } = {}): Promise<FakeGoogle> {
  const defaultEmail = opts.email ?? 'recruiter@example.com';
  const clientId = '123456789012-parleytest.apps.googleusercontent.com';
  const clientSecret = 'GOCSPX-fake-secret';
  let counter = 0;
  const nextEtag = () => `"${Date.now()}${String(++counter).padStart(4, '0')}"`;
  const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

  const freshState = (): FakeGoogleState => ({
    users: new Map(), calendars: new Map(), events: new Map(), codes: new Map(), accessTokens: new Map(), refreshTokens: new Map(),
    maxPageSize: 250, redirectUris: undefined,
  });

  interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeFault }
  let faults: FaultEntry[] = [];

  const fake: FakeGoogle = {
    url: '',
    clientId,
    clientSecret,
    state: freshState(),
    account: { email: defaultEmail },
    grantedScopes: undefined,
    authorizeError: undefined,
    meetPendingPolls: 1,
    meetFailure: false,
    requests: [],
    fault(match, fault) {
      faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    addEvent(calendarId, e) {
      const cal = fake.state.calendars.get(calendarId);
      if (!cal) throw new Error(`fake google: no calendar ${calendarId}`);
      const id = `foreign${(++counter).toString(32)}${randomBytes(4).toString('hex')}`;
      const now = new Date().toISOString();
      eventsOf(calendarId).set(id, {
        id, calendarId, status: e.cancelled ? 'cancelled' : 'confirmed', transparency: e.transparent ? 'transparent' : 'opaque',
        summary: e.summary, start: e.start, end: e.end, startTimeZone: cal.timeZone, endTimeZone: cal.timeZone, attendees: [],
        reminders: { useDefault: true }, organizer: e.organizer ?? cal.primaryOf ?? calendarId, etag: nextEtag(), sequence: 0, created: now, updated: now,
      });
      return id;
    },
    events(calendarId) {
      return [...eventsOf(calendarId).values()].map((e) => ({
        id: e.id, summary: e.summary, status: e.status, start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString(),
        ...(e.description !== undefined ? { description: e.description } : {}),
        ...(e.conference ? { conference: e.conference.status, ...(meetLink(e) ? { hangoutLink: meetLink(e) } : {}) } : {}),
        ...(e.attendees.length ? { attendees: e.attendees.map((a) => a.email) } : {}),
      }));
    },
    addCalendar({ summary, role = 'owner', owner, id }) {
      const email = owner ?? fake.account.email;
      ensureUser(email);
      const calId = id ?? `c_${randomBytes(12).toString('hex')}@group.calendar.google.com`;
      fake.state.calendars.set(calId, { id: calId, summary, timeZone: 'Europe/Berlin', access: new Map([[email, role]]) });
      return calId;
    },
    primaryCalendarId(email) {
      return ensureUser(email ?? fake.account.email).email;
    },
    reset() {
      fake.state = freshState();
      fake.account = { email: defaultEmail };
      fake.grantedScopes = undefined;
      fake.authorizeError = undefined;
      fake.meetPendingPolls = 1;
      fake.meetFailure = false;
      fake.requests.length = 0;
      faults = [];
      ensureUser(defaultEmail);
    },
    close: async () => undefined,
  };

  function eventsOf(calendarId: string): Map<string, FakeEvent> {
    let m = fake.state.events.get(calendarId);
    if (!m) fake.state.events.set(calendarId, (m = new Map()));
    return m;
  }

  /** A user, created on first sight with a primary calendar and the (read-only) Holidays calendar. */
  function ensureUser(email: string): FakeUser {
    const key = email.toLowerCase();
    let user = fake.state.users.get(key);
    if (user) return user;
    user = { email: key, sub: String(100000000000000000000n + BigInt(fake.state.users.size + 1) * 7919n), calendarUser: true };
    fake.state.users.set(key, user);
    fake.state.calendars.set(key, { id: key, summary: key, timeZone: 'Europe/Berlin', access: new Map([[key, 'owner']]), primaryOf: key });
    let holidays = fake.state.calendars.get(HOLIDAYS_ID);
    if (!holidays) {
      holidays = { id: HOLIDAYS_ID, summary: 'Holidays in United States', timeZone: 'America/New_York', access: new Map() };
      fake.state.calendars.set(HOLIDAYS_ID, holidays);
    }
    holidays.access.set(key, 'reader');
    return user;
  }
  ensureUser(defaultEmail);

  // ---------------------------------------------------------------- envelopes
  const STATUS_NAMES: Record<number, string> = {
    400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 410: 'NOT_FOUND',
    412: 'FAILED_PRECONDITION', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
  };
  function apiError(c: Context, code: number, reason: string, message: string, extra: { domain?: string; details?: unknown[]; headers?: Record<string, string>; location?: string } = {}) {
    for (const [k, v] of Object.entries(extra.headers ?? {})) c.header(k, v);
    const item: Record<string, string> = { message, domain: extra.domain ?? 'global', reason };
    if (extra.location) Object.assign(item, { location: extra.location, locationType: 'parameter' });
    return c.json({
      error: { code, message, errors: [item], status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(extra.details ? { details: extra.details } : {}) },
    }, code as 400);
  }
  const unauthenticated = (c: Context) =>
    apiError(c, 401,
      'authError',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      { headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }, location: 'Authorization' });
  const insufficientScope = (c: Context, method: Method) =>
    apiError(c, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
      headers: { 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${ACCEPTS[method].join(' ')}"` },
      details: [{
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com',
        metadata: { service: 'calendar-json.googleapis.com', method: METHOD_NAMES[method] },
      }],
    });
  const notCalendarUser = (c: Context) => apiError(c, 403, 'notACalendarUser', 'The user must be signed up for Google Calendar.');
  const notFound = (c: Context) => apiError(c, 404, 'notFound', 'Not Found');
  const badRequest = (c: Context, message: string, reason = 'invalid', location?: string) =>
    apiError(c, 400, reason, message, location ? { location } : {});
  const oauthError = (c: Context, status: 400 | 401, error: string, description: string) =>
    c.json({ error, error_description: description }, status);

  // ---------------------------------------------------------------- app
  const app = new Hono();

  // Every request is logged, then the first matching fault (if any) decides its fate.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      const text = await c.req.raw.clone().text();
      const type = c.req.header('content-type') ?? '';
      if (type.includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
      else {
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
      }
    }
    fake.requests.push({ method: c.req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), ...(body !== undefined ? { body } : {}) });

    const i = faults.findIndex((f) => (!f.method || f.method === c.req.method) && f.path.test(url.pathname));
    if (i < 0) return next();
    const entry = faults[i]!;
    if (--entry.left <= 0) faults.splice(i, 1);
    const f = entry.fault;
    if (f === 'expired-token') {
      const presented = bearer(c);
      const t = presented && fake.state.accessTokens.get(presented);
      if (t) t.expired = true;
      return unauthenticated(c);
    }
    if (f === 'missing-scope') return insufficientScope(c, methodForPath(c.req.method, url.pathname));
    if (f === 'rate-limit-403') return apiError(c, 403, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    if (f === 'not-calendar-user') return notCalendarUser(c);
    if ('delayMs' in f) {
      // The request is carried out at once; only the answer is late (as when a client gives up).
      await next();
      await new Promise((r) => setTimeout(r, f.delayMs));
      return;
    }
    if (f.status === 429) {
      return apiError(c, 429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', headers: { 'retry-after': String(f.retryAfterSeconds) } });
    }
    if (f.status === 503) return apiError(c, 503, 'backendError', 'The service is currently unavailable.');
    return apiError(c, 500, 'backendError', 'Backend Error');
  });

  function methodForPath(method: string, path: string): Method {
    if (path.endsWith('/freeBusy')) return 'freebusy.query';
    if (path.includes('/calendarList')) return 'calendarList.list';
    return method === 'GET' ? 'events.read' : 'events.write';
  }

  function bearer(c: Context): string | undefined {
    const h = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m?.[1];
  }

  // ---------------------------------------------------------------- OAuth
  app.get('/o/oauth2/v2/auth', (c) => {
    const q = c.req.query();
    if (q.client_id !== clientId) {
      return c.text('Error 401: invalid_client\nThe OAuth client was not found.', 401);
    }
    const redirect = q.redirect_uri;
    if (!redirect || !/^https?:\/\//.test(redirect) || (fake.state.redirectUris && !fake.state.redirectUris.includes(redirect))) {
      return c.text(`Error 400: redirect_uri_mismatch\nYou can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.`, 400);
    }
    const back = (params: Record<string, string>) => {
      const u = new URL(redirect);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return c.redirect(u.toString(), 302);
    };
    const state: Record<string, string> = q.state !== undefined ? { state: q.state } : {};
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', ...state });
    if (!q.code_challenge || q.code_challenge_method !== 'S256') {
      return c.text('Error 400: invalid_request\nParley requires PKCE with code_challenge_method=S256.', 400);
    }
    const requested = (q.scope ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return c.text('Error 400: invalid_request\nMissing required parameter: scope', 400);
    if (fake.authorizeError) return back({ error: fake.authorizeError, ...state });
    const user = ensureUser(fake.account.email);
    const granted = fake.grantedScopes ? requested.filter((s) => fake.grantedScopes!.includes(s) || s === 'openid' || s === 'email') : requested;
    const scopes = [...new Set(granted.map((s) => (s === 'email' ? SCOPE.email : s)))];
    const code = token('4/0A');
    fake.state.codes.set(code, {
      grant: { email: user.email, clientId, scopes, revoked: false }, redirectUri: redirect, codeChallenge: q.code_challenge,
      offline: q.access_type === 'offline', nonce: q.nonce, expiresAt: Date.now() + CODE_TTL_MS,
    });
    return back({ ...state, code, scope: scopes.join(' '), authuser: '0', prompt: 'consent' });
  });

  function issueAccess(grant: Grant) {
    const access = token('ya29.');
    fake.state.accessTokens.set(access, { grant, expiresAt: Date.now() + TOKEN_TTL_S * 1000, expired: false });
    return access;
  }

  function idToken(grant: Grant, nonce?: string) {
    const user = ensureUser(grant.email);
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = enc({ alg: 'HS256', typ: 'JWT' });
    const claims = enc({
      iss: 'https://accounts.google.com', azp: grant.clientId, aud: grant.clientId, sub: user.sub, email: user.email, email_verified: true,
      iat: now, exp: now + TOKEN_TTL_S, ...(nonce ? { nonce } : {}),
    });
    const sig = createHmac('sha256', clientSecret).update(`${head}.${claims}`).digest('base64url');
    return `${head}.${claims}.${sig}`;
  }

  app.post('/token', async (c) => {
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    // Client credentials: in the body, or HTTP Basic.
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':');
    if (id !== clientId) return oauthError(c, 401, 'invalid_client', 'The OAuth client was not found.');
    if (secret !== clientSecret) return oauthError(c, 401, 'invalid_client', 'Unauthorized');

    if (form.grant_type === 'authorization_code') {
      const entry = form.code ? fake.state.codes.get(form.code) : undefined;
      if (!entry || entry.expiresAt < Date.now()) return oauthError(c, 400, 'invalid_grant', 'Malformed auth code.');
      fake.state.codes.delete(form.code!); // single use
      if (form.redirect_uri !== entry.redirectUri) return oauthError(c, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (!form.code_verifier) return oauthError(c, 400, 'invalid_grant', 'Missing code verifier.');
      const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== entry.codeChallenge) return oauthError(c, 400, 'invalid_grant', 'Invalid code verifier.');
      const grant = entry.grant;
      if (entry.offline) {
        grant.refreshToken = token('1//0g');
        fake.state.refreshTokens.set(grant.refreshToken, grant);
      }
      return c.json({
        access_token: issueAccess(grant),
        expires_in: TOKEN_TTL_S,
        ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        ...(grant.scopes.includes('openid') ? { id_token: idToken(grant, entry.nonce) } : {}),
      });
    }
    if (form.grant_type === 'refresh_token') {
      const grant = form.refresh_token ? fake.state.refreshTokens.get(form.refresh_token) : undefined;
      if (!grant || grant.revoked) return oauthError(c, 400, 'invalid_grant', 'Token has been expired or revoked.');
      if (grant.clientId !== id) return oauthError(c, 400, 'unauthorized_client', 'Unauthorized');
      return c.json({
        access_token: issueAccess(grant), expires_in: TOKEN_TTL_S, scope: grant.scopes.join(' '), token_type: 'Bearer',
        ...(grant.scopes.includes('openid') ? { id_token: idToken(grant) } : {}),
      });
    }
    return oauthError(c, 400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
  });

  app.post('/revoke', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const t = form.get('token') ?? c.req.query('token') ?? '';
    const grant = fake.state.refreshTokens.get(t) ?? fake.state.accessTokens.get(t)?.grant;
    if (!grant || grant.revoked) return oauthError(c, 400, 'invalid_token', 'Token expired or revoked');
    // Revoking either token ends the whole grant: its refresh token and every access token of it.
    grant.revoked = true;
    return c.json({});
  });

  /** The grant behind a valid bearer token, or an answer to send instead. */
  function authorise(c: Context): Grant | Response {
    const presented = bearer(c);
    const t = presented ? fake.state.accessTokens.get(presented) : undefined;
    if (!t || t.expired || t.grant.revoked || t.expiresAt < Date.now()) return unauthenticated(c);
    return t.grant;
  }

  app.get('/v1/userinfo', (c) => {
    const grant = authorise(c);
    if (grant instanceof Response) return grant;
    const user = ensureUser(grant.email);
    const email = grant.scopes.includes(SCOPE.email);
    return c.json({ sub: user.sub, ...(email ? { email: user.email, email_verified: true } : {}) });
  });

  // ---------------------------------------------------------------- Calendar API v3
  type ApiEnv = { Variables: { grant: Grant; user: FakeUser } };
  const api = new Hono<ApiEnv>();
  api.use('*', async (c, next) => {
    const grant = authorise(c);
    if (grant instanceof Response) return grant;
    const user = ensureUser(grant.email);
    if (!user.calendarUser) return notCalendarUser(c);
    c.set('grant', grant);
    c.set('user', user);
    await next();
  });
  const allowed = (c: Context<ApiEnv>, method: Method) =>
    ACCEPTS[method].some((s) => c.get('grant').scopes.includes(s));
  const roleOf = (cal: FakeCalendar | undefined, email: string) => cal?.access.get(email);
  /** Resolves "primary" and ids the user can see; undefined when the user has no access. */
  function calendarFor(id: string, email: string): FakeCalendar | undefined {
    const cal = fake.state.calendars.get(id === 'primary' ? email : id);
    return roleOf(cal, email) ? cal : undefined;
  }

  api.get('/users/me/calendarList', (c) => {
    if (!allowed(c, 'calendarList.list')) return insufficientScope(c, 'calendarList.list');
    const email = c.get('user').email;
    const mine = [...fake.state.calendars.values()].filter((cal) => cal.access.has(email));
    const max = Math.min(Number(c.req.query('maxResults') ?? 100) || 100, 250, fake.state.maxPageSize);
    const offset = Number(c.req.query('pageToken') ? Buffer.from(c.req.query('pageToken')!, 'base64url').toString() : 0);
    if (!Number.isInteger(offset) || offset < 0) return badRequest(c, 'Invalid page token value.', 'invalid', 'pageToken');
    const page = mine.slice(offset, offset + max);
    const more = offset + max < mine.length;
    return c.json({
      kind: 'calendar#calendarList',
      etag: nextEtag(),
      ...(more ? { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') } : { nextSyncToken: token('sync') }),
      items: page.map((cal) => {
        const role = cal.access.get(email)!;
        return {
          kind: 'calendar#calendarListEntry', etag: nextEtag(), id: cal.id, summary: cal.summary, timeZone: cal.timeZone,
          colorId: '14', backgroundColor: '#9fe1e7', foregroundColor: '#000000', selected: true, accessRole: role,
          defaultReminders: role === 'owner' || role === 'writer' ? [{ method: 'popup', minutes: 10 }] : [],
          ...(cal.primaryOf === email ? { primary: true } : {}),
        };
      }),
    });
  });

  api.post('/freeBusy', async (c) => {
    if (!allowed(c, 'freebusy.query')) return insufficientScope(c, 'freebusy.query');
    const body = (await c.req.json().catch(() => null)) as { timeMin?: string; timeMax?: string; items?: { id?: string }[] } | null;
    if (!body) return badRequest(c, 'Parse Error', 'parseError');
    if (!body.timeMin) return badRequest(c, 'Missing timeMin.', 'required', 'timeMin');
    if (!body.timeMax) return badRequest(c, 'Missing timeMax.', 'required', 'timeMax');
    const from = Date.parse(body.timeMin);
    const to = Date.parse(body.timeMax);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return badRequest(c, 'Bad Request', 'badRequest');
    if (to <= from) return badRequest(c, 'The specified time range is empty.', 'timeRangeEmpty', 'timeMax');
    const items = body.items ?? [];
    if (items.length > 50) return badRequest(c, 'The number of calendars requested is too large.', 'tooManyCalendarsRequested');
    const email = c.get('user').email;
    const calendars: Record<string, unknown> = {};
    for (const item of items) {
      const id = item.id ?? '';
      const cal = calendarFor(id, email);
      if (!cal) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      if (cal.freeBusyError) {
        calendars[id] = { errors: [{ domain: 'global', reason: cal.freeBusyError }], busy: [] };
        continue;
      }
      const spans = [...eventsOf(cal.id).values()]
        .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent' && e.start < to && e.end > from)
        .map((e) => ({ start: Math.max(e.start, from), end: Math.min(e.end, to) }))
        .sort((a, b) => a.start - b.start);
      const merged: { start: number; end: number }[] = [];
      for (const s of spans) {
        const last = merged[merged.length - 1];
        if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
        else merged.push({ ...s });
      }
      calendars[id] = { busy: merged.map((s) => ({ start: isoSeconds(s.start), end: isoSeconds(s.end) })) };
    }
    return c.json({ kind: 'calendar#freeBusy', timeMin: isoSeconds(from), timeMax: isoSeconds(to), calendars });
  });

  function eventResource(e: FakeEvent) {
    const cal = fake.state.calendars.get(e.calendarId);
    const zone = (tz?: string) => tz ?? cal?.timeZone ?? 'UTC';
    const when = (ms: number, tz?: string) => ({ dateTime: DateTime.fromMillis(ms, { zone: zone(tz) }).toISO({ suppressMilliseconds: true }), timeZone: zone(tz) });
    return {
      kind: 'calendar#event', etag: e.etag, id: e.id, status: e.status,
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${e.calendarId}`).toString('base64url')}`,
      created: e.created, updated: e.updated, summary: e.summary, ...(e.description !== undefined ? { description: e.description } : {}),
      creator: { email: e.organizer, ...(e.organizer === cal?.primaryOf ? { self: true } : {}) },
      organizer: { email: e.organizer, ...(e.organizer === cal?.primaryOf ? { self: true } : {}) },
      start: when(e.start, e.startTimeZone), end: when(e.end, e.endTimeZone),
      ...(e.transparency === 'transparent' ? { transparency: 'transparent' } : {}),
      iCalUID: `${e.id}@google.com`, sequence: e.sequence,
      ...(e.attendees.length ? { attendees: e.attendees } : {}),
      ...(e.extendedProperties ? { extendedProperties: e.extendedProperties } : {}),
      reminders: e.reminders, eventType: 'default',
      ...(meetLink(e) ? { hangoutLink: meetLink(e) } : {}),
      ...(e.conference ? { conferenceData: conferenceResource(e.conference) } : {}),
    };
  }

  // ---------------------------------------------------------------- Meet conferences
  const usedConferenceIds = new Set<string>();
  function newConferenceId(): string {
    const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
    for (;;) {
      const id = `${letters(3)}-${letters(4)}-${letters(3)}`;
      if (!usedConferenceIds.has(id)) {
        usedConferenceIds.add(id);
        return id;
      }
    }
  }

  /** The request's outcome, once it is no longer pending. */
  function settle(conf: FakeConference) {
    if (conf.status !== 'pending' || conf.pendingReads > 0) return;
    if (conf.willFail) {
      conf.status = 'failure';
      return;
    }
    const id = newConferenceId();
    const pin = String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000));
    conf.status = 'success';
    conf.conferenceId = id;
    conf.entryPoints = [
      { entryPointType: 'video', uri: `https://meet.google.com/${id}`, label: `meet.google.com/${id}` },
      { entryPointType: 'more', uri: `https://tel.meet/${id}?pin=${pin}`, pin },
      { entryPointType: 'phone', uri: 'tel:+1-347-555-0142', label: '+1 347-555-0142', pin, regionCode: 'US' },
    ];
  }

  function conferenceResource(conf: FakeConference) {
    return {
      ...(conf.requestId !== undefined
        ? { createRequest: { requestId: conf.requestId, conferenceSolutionKey: { type: conf.type }, status: { statusCode: conf.status } } }
        : {}),
      ...(conf.status === 'success' && conf.entryPoints ? { entryPoints: conf.entryPoints } : {}),
      conferenceSolution: {
        key: { type: conf.type }, name: 'Google Meet',
        iconUri: 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
      },
      ...(conf.status === 'success' && conf.conferenceId ? { conferenceId: conf.conferenceId } : {}),
    };
  }

  type ConferenceInput = {
    createRequest?: { requestId?: unknown; conferenceSolutionKey?: { type?: unknown } };
    entryPoints?: { entryPointType?: unknown; uri?: unknown }[];
    conferenceSolution?: { key?: { type?: unknown } };
    conferenceId?: unknown;
  } | null;

  /** conferenceDataVersion: 0 (the default: conferenceData ignored) or 1; anything else is refused. */
  function conferenceVersion(c: Context): 0 | 1 | string {
    const v = c.req.query('conferenceDataVersion');
    if (v === undefined || v === '0') return 0;
    if (v === '1') return 1;
    return 'Invalid value for: conferenceDataVersion. Allowed values: [0, 1].';
  }

  /** Applies a request's conferenceData (version 1 only); an error message if invalid. */
  function applyConference(e: FakeEvent, data: ConferenceInput | undefined, full: boolean): string | undefined {
    if (data === undefined) {
      // A full update that leaves conferenceData out removes the conference; a patch keeps it.
      if (full) e.conference = undefined;
      return undefined;
    }
    if (data === null || typeof data !== 'object') {
      e.conference = undefined;
      return undefined;
    }
    const request = data.createRequest;
    if (request) {
      if (typeof request.requestId !== 'string' || !request.requestId) return 'Invalid conference create request: missing requestId.';
      const type = request.conferenceSolutionKey?.type;
      if (type !== 'hangoutsMeet') return 'Invalid conference type value.';
      // A request id seen before on this event is ignored: the conference stays as it is.
      if (e.conference?.requestId === request.requestId) return undefined;
      let willFail = fake.meetFailure === true;
      if (typeof fake.meetFailure === 'number' && fake.meetFailure > 0) {
        willFail = true;
        fake.meetFailure -= 1;
      }
      e.conference = { requestId: request.requestId, type, status: 'pending', pendingReads: Math.max(0, fake.meetPendingPolls), willFail };
      settle(e.conference);
      return undefined;
    }
    // A conference copied in with its entry points (as from another event).
    const video = data.entryPoints?.find((p) => p?.entryPointType === 'video' && typeof p.uri === 'string');
    if (!video) return 'Invalid conference data: a conference needs an entry point or a create request.';
    const type = typeof data.conferenceSolution?.key?.type === 'string' ? data.conferenceSolution.key.type : 'hangoutsMeet';
    e.conference = {
      type, status: 'success', pendingReads: 0, willFail: false,
      ...(typeof data.conferenceId === 'string' ? { conferenceId: data.conferenceId } : {}),
      entryPoints: (data.entryPoints ?? [])
        .filter((p) => typeof p?.entryPointType === 'string' && typeof p.uri === 'string')
        .map((p) => ({ entryPointType: p.entryPointType as string, uri: p.uri as string })),
    };
    return undefined;
  }

  type TimeInput = { dateTime?: string; date?: string; timeZone?: string } | undefined;
  /** Google's rules for start/end: a dateTime with an offset or a timeZone, or an all-day date. */
  function parseTime(t: TimeInput, cal: FakeCalendar, field: 'start' | 'end'): number | string {
    if (!t || (!t.dateTime && !t.date)) return `Missing ${field} time.`;
    if (t.timeZone && !DateTime.local().setZone(t.timeZone).isValid) return `Invalid time zone definition for ${field} time.`;
    if (t.date) {
      const d = DateTime.fromISO(t.date, { zone: t.timeZone ?? cal.timeZone });
      return d.isValid ? d.toMillis() : `Invalid ${field} time.`;
    }
    const hasOffset = /(Z|[+-]\d\d:\d\d)$/i.test(t.dateTime!);
    if (!hasOffset && !t.timeZone) return `Missing time zone definition for ${field} time.`;
    const d = DateTime.fromISO(t.dateTime!, { zone: hasOffset ? undefined : t.timeZone, setZone: hasOffset });
    return d.isValid ? d.toMillis() : `Invalid ${field} time.`;
  }

  type EventBody = {
    id?: string; status?: string; summary?: string; description?: string; transparency?: string; start?: TimeInput; end?: TimeInput;
    attendees?: { email?: string; displayName?: string; responseStatus?: string }[]; reminders?: { useDefault?: boolean; overrides?: unknown[] };
    extendedProperties?: unknown; conferenceData?: ConferenceInput;
  };

  /** Applies a body to an event (all fields for insert/update; the given ones for patch); an error message if invalid. */
  function apply(e: FakeEvent, body: EventBody, cal: FakeCalendar, full: boolean): string | undefined {
    let start = e.start;
    let end = e.end;
    if (full || body.start !== undefined) {
      const s = parseTime(body.start, cal, 'start');
      if (typeof s === 'string') return s;
      start = s;
    }
    if (full || body.end !== undefined) {
      const s = parseTime(body.end, cal, 'end');
      if (typeof s === 'string') return s;
      end = s;
    }
    if (end < start) return 'The specified time range is empty.';
    if (body.status !== undefined && !['confirmed', 'tentative', 'cancelled'].includes(body.status)) return 'Invalid value for: status';
    if (body.attendees?.some((a) => !a.email || !/^[^@\s]+@[^@\s]+$/.test(a.email))) return 'Invalid attendee email.';
    if (start !== e.start || end !== e.end) e.sequence += 1;
    e.start = start;
    e.end = end;
    if (full || body.start !== undefined) e.startTimeZone = body.start?.timeZone;
    if (full || body.end !== undefined) e.endTimeZone = body.end?.timeZone;
    if (full || body.summary !== undefined) e.summary = body.summary ?? '';
    if (full || body.description !== undefined) e.description = body.description;
    if (full || body.transparency !== undefined) e.transparency = body.transparency === 'transparent' ? 'transparent' : 'opaque';
    if (full || body.attendees !== undefined) {
      e.attendees = (body.attendees ?? []).map((a) => ({
        email: a.email!.toLowerCase(), ...(a.displayName ? { displayName: a.displayName } : {}), responseStatus: a.responseStatus ?? 'needsAction',
      }));
    }
    if (full || body.reminders !== undefined) e.reminders = { useDefault: body.reminders?.useDefault ?? true, ...(body.reminders?.overrides ? { overrides: body.reminders.overrides } : {}) };
    if (full || body.extendedProperties !== undefined) e.extendedProperties = body.extendedProperties;
    if (body.status !== undefined) e.status = body.status as FakeEvent['status'];
    else if (full && e.status === 'cancelled') e.status = 'confirmed';
    e.etag = nextEtag();
    e.updated = new Date().toISOString();
    return undefined;
  }

  /** The calendar of an events call, checked for access (read or write) and scope. */
  function eventsCalendar(c: Context<ApiEnv>, write: boolean): FakeCalendar | Response {
    const method: Method = write ? 'events.write' : 'events.read';
    if (!allowed(c, method)) return insufficientScope(c, method);
    const email = c.get('user').email;
    const cal = calendarFor(c.req.param('calendarId') ?? '', email);
    if (!cal) return notFound(c);
    const role = roleOf(cal, email)!;
    if (!write && role === 'freeBusyReader') return notFound(c);
    if (write && role !== 'owner' && role !== 'writer') return apiError(c, 403, 'requiredAccessLevel', 'You need to have writer access to this calendar.');
    return cal;
  }

  api.get('/calendars/:calendarId/events', (c) => {
    const cal = eventsCalendar(c, false);
    if (cal instanceof Response) return cal;
    const q = c.req.query();
    const from = q.timeMin ? Date.parse(q.timeMin) : -Infinity;
    const to = q.timeMax ? Date.parse(q.timeMax) : Infinity;
    const items = [...eventsOf(cal.id).values()]
      .filter((e) => (q.showDeleted === 'true' || e.status !== 'cancelled') && e.end > from && e.start < to)
      .filter((e) => !q.iCalUID || `${e.id}@google.com` === q.iCalUID)
      .filter((e) => !q.q || `${e.summary} ${e.description ?? ''}`.toLowerCase().includes(q.q.toLowerCase()))
      .sort((a, b) => a.start - b.start);
    return c.json({
      kind: 'calendar#events', etag: nextEtag(), summary: cal.summary, updated: new Date().toISOString(), timeZone: cal.timeZone,
      accessRole: roleOf(cal, c.get('user').email), defaultReminders: [], nextSyncToken: token('sync'), items: items.map(eventResource),
    });
  });

  api.post('/calendars/:calendarId/events', async (c) => {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const version = conferenceVersion(c);
    if (typeof version === 'string') return badRequest(c, version, 'invalid', 'conferenceDataVersion');
    const body = (await c.req.json().catch(() => null)) as EventBody | null;
    if (!body || typeof body !== 'object') return badRequest(c, 'Parse Error', 'parseError');
    const events = eventsOf(cal.id);
    let id = body.id;
    if (id !== undefined) {
      if (typeof id !== 'string' || !/^[a-v0-9]{5,1024}$/.test(id)) return badRequest(c, 'Invalid resource id value.');
      if (events.has(id)) return apiError(c, 409, 'duplicate', 'The requested identifier already exists.');
    } else {
      id = createHash('sha256').update(randomBytes(16)).digest('hex').slice(0, 26).replace(/[w-z]/g, '0');
    }
    const now = new Date().toISOString();
    const e: FakeEvent = {
      id, calendarId: cal.id, status: 'confirmed', transparency: 'opaque', summary: '', start: 0, end: 0, attendees: [],
      reminders: { useDefault: true }, organizer: cal.primaryOf ?? cal.id, etag: '', sequence: 0, created: now, updated: now,
    };
    const problem = apply(e, body, cal, true) ?? (version === 1 ? applyConference(e, body.conferenceData, true) : undefined);
    if (problem) return badRequest(c, problem, problem.startsWith('The specified') ? 'timeRangeEmpty' : 'invalid');
    e.sequence = 0;
    events.set(id, e);
    return c.json(eventResource(e));
  });

  api.get('/calendars/:calendarId/events/:eventId', (c) => {
    const cal = eventsCalendar(c, false);
    if (cal instanceof Response) return cal;
    // Deleted events are still returned, with status "cancelled".
    const e = eventsOf(cal.id).get(c.req.param('eventId'));
    if (!e) return notFound(c);
    // Each read brings a pending conference closer to its outcome.
    if (e.conference?.status === 'pending') {
      e.conference.pendingReads -= 1;
      settle(e.conference);
    }
    return c.json(eventResource(e));
  });

  const SHARED = ['summary', 'description', 'start', 'end', 'attendees', 'status'] as const;
  async function change(c: Context<ApiEnv>, full: boolean) {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const e = eventsOf(cal.id).get(c.req.param('eventId') ?? '');
    if (!e) return notFound(c);
    const ifMatch = c.req.header('if-match');
    if (ifMatch && ifMatch !== e.etag && ifMatch !== '*') return apiError(c, 412, 'conditionNotMet', 'Precondition Failed', { location: 'If-Match' });
    const version = conferenceVersion(c);
    if (typeof version === 'string') return badRequest(c, version, 'invalid', 'conferenceDataVersion');
    const body = (await c.req.json().catch(() => null)) as EventBody | null;
    if (!body || typeof body !== 'object') return badRequest(c, 'Parse Error', 'parseError');
    if (e.organizer !== cal.primaryOf && cal.primaryOf && SHARED.some((k) => body[k] !== undefined)) {
      return apiError(c, 403, 'forbiddenForNonOrganizer', 'Shared properties can only be changed by the organizer of the event.', { domain: 'calendar' });
    }
    const copy = structuredClone(e);
    // Without conferenceDataVersion=1 Google ignores conferenceData in the body and keeps the conference.
    const problem = apply(copy, body, cal, full) ?? (version === 1 ? applyConference(copy, body.conferenceData, full) : undefined);
    if (problem) return badRequest(c, problem, problem.startsWith('The specified') ? 'timeRangeEmpty' : 'invalid');
    eventsOf(cal.id).set(e.id, copy);
    return c.json(eventResource(copy));
  }
  api.patch('/calendars/:calendarId/events/:eventId', (c) => change(c, false));
  api.put('/calendars/:calendarId/events/:eventId', (c) => change(c, true));

  api.delete('/calendars/:calendarId/events/:eventId', (c) => {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const e = eventsOf(cal.id).get(c.req.param('eventId'));
    if (!e) return notFound(c);
    if (e.status === 'cancelled') return apiError(c, 410, 'deleted', 'Resource has been deleted');
    e.status = 'cancelled';
    e.etag = nextEtag();
    e.updated = new Date().toISOString();
    return c.body(null, 204);
  });

  app.route('/calendar/v3', api);
  app.notFound((c) => notFound(c));
  app.onError((err, c) => apiError(c, 500, 'backendError', `Backend Error (${err.message})`));

  // ---------------------------------------------------------------- server
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      (server as Server).closeAllConnections?.();
      server.close(() => resolve());
    });
  return fake;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Meet link of an event whose Meet conference is ready (Google's `hangoutLink`). */
function meetLink(e: FakeEvent): string | undefined {
  const conf = e.conference;
  if (!conf || conf.status !== 'success' || conf.type !== 'hangoutsMeet' || !conf.conferenceId) return undefined;
  return `https://meet.google.com/${conf.conferenceId}`;
}
