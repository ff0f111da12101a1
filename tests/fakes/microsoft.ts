import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { createHash, createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DateTime, IANAZone } from 'luxon';
import { findIana, findWindows } from 'windows-iana';

/**
 * A faithful fake of Microsoft Entra ID (OAuth 2.0 v2 endpoints, authorization code + PKCE,
 * refresh tokens) and of the Microsoft Graph v1.0 calendar API, served on 127.0.0.1.
 *
 * Shapes follow the real services: Entra's error JSON (`error`, `error_description` "AADSTS…",
 * `error_codes`, trace and correlation ids) and redirects with `?error=…`; Graph's
 * `{"error":{"code","message","innerError"}}` envelope, `@odata.nextLink` paging, `{dateTime,
 * timeZone}` times with seven fractional digits, `Prefer: outlook.timezone`, `transactionId`
 * de-duplication of creates, single-value extended properties with `$filter`/`$expand`, and the
 * per-mailbox concurrency limit (429 ApplicationThrottled "MailboxConcurrency" with Retry-After).
 *
 * Online meetings as the calendar API makes them: calendars list `allowedOnlineMeetingProviders`
 * (`teamsForBusiness` while `teamsAvailable`, none otherwise); `isOnlineMeeting: true` with
 * `onlineMeetingProvider: 'teamsForBusiness'` (or the calendar's default) gives the event an
 * `onlineMeeting.joinUrl` (after `teamsJoinUrlDelayGets` reads, if set); a provider the calendar
 * does not allow is silently ignored, as Graph does; once online, later changes to
 * `isOnlineMeeting` are ignored, so a PATCH without those fields (or with them) keeps the meeting.
 */
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

interface StoredEvent {
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

interface Calendar {
  id: string;
  name: string;
  isDefaultCalendar: boolean;
  canEdit: boolean;
  color: string;
  owner: { name: string; address: string };
}

type OnlineMeetingProvider = 'unknown' | 'skypeForBusiness' | 'skypeForConsumer' | 'teamsForBusiness';
const MEETING_PROVIDERS: readonly OnlineMeetingProvider[] = ['unknown', 'skypeForBusiness', 'skypeForConsumer', 'teamsForBusiness'];

const ALL_GRAPH_SCOPES = ['User.Read', 'Calendars.Read', 'Calendars.ReadWrite', 'Calendars.ReadBasic', 'OnlineMeetings.ReadWrite'];
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH_RESOURCE = 'https://graph.microsoft.com/';

// One RSA key for every fake in the process: generating one per fake costs more than the tests.
let sharedKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
function signingKey() {
  sharedKey ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: randomBytes(8).toString('hex') };
  return sharedKey;
}

export async function startFakeMicrosoft(opts: { email?: string; displayName?: string } = {}): Promise<FakeMicrosoft> {
  const email = opts.email ?? 'rita.recruiter@contoso.onmicrosoft.com';
  const { privateKey, publicKey, kid } = signingKey();
  const userId = randomUUID();

  const calendars = new Map<string, Calendar>();
  const events = new Map<string, StoredEvent>();
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scopes: string[]; nonce?: string; expiresAt: number; used: boolean }>();
  const accessTokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  const refreshTokens = new Map<string, { scopes: string[]; revoked: boolean }>();
  const faults: { method?: string; path: RegExp; remaining: number; fault: FakeFault }[] = [];
  let inFlight = 0;

  const graphId = (prefix = 'AAMkAD') => `${prefix}${randomBytes(30).toString('base64').replace(/\//g, '-').replace(/\+/g, '_')}=`;
  const addCalendar = (c: Omit<Calendar, 'id' | 'color' | 'owner'> & { owner?: Calendar['owner'] }) => {
    const id = graphId('AAMkAGI2');
    calendars.set(id, { id, color: 'auto', owner: { name: opts.displayName ?? 'Rita Recruiter', address: email }, ...c });
    return id;
  };
  const defaultCalendarId = addCalendar({ name: 'Calendar', isDefaultCalendar: true, canEdit: true });
  const secondaryCalendarId = addCalendar({ name: 'Recruiting', isDefaultCalendar: false, canEdit: true });
  const sharedCalendarId = addCalendar({
    name: 'Dana Hiring-Manager',
    isDefaultCalendar: false,
    canEdit: false,
    owner: { name: 'Dana Hiring-Manager', address: 'dana@contoso.onmicrosoft.com' },
  });
  addCalendar({ name: 'Birthdays', isDefaultCalendar: false, canEdit: false });

  const app = new Hono();
  let url = '';

  // ---------------------------------------------------------------------------------------
  // Recording, concurrency, faults.
  app.use('*', async (c, next) => {
    const u = new URL(c.req.url);
    let body: unknown;
    const type = c.req.header('content-type') ?? '';
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      if (type.includes('application/json')) body = await c.req.json().catch(() => undefined);
      else if (type.includes('application/x-www-form-urlencoded')) body = await c.req.parseBody().catch(() => undefined);
    }
    const record: FakeRequest = {
      method: c.req.method,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      ...(body !== undefined ? { body } : {}),
      at: Date.now(),
    };
    fake.requests.push(record);
    const answer = await respond();
    record.status = answer ? answer.status : c.res.status;
    return answer;

    async function respond(): Promise<Response | undefined> {
      const mailboxCall = u.pathname.startsWith('/v1.0/me/');
      if (mailboxCall && inFlight >= fake.maxConcurrentPerMailbox) {
        fake.throttled++;
        c.header('Retry-After', '1');
        return graphError(c, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
      }
      if (mailboxCall) {
        inFlight++;
        fake.peakConcurrency = Math.max(fake.peakConcurrency, inFlight);
      }
      try {
        const f = takeFault(c.req.method, u.pathname);
        if (f !== undefined) {
          if (typeof f === 'object' && 'delayMs' in f) {
            // The request is still carried out afterwards, even if the client gave up waiting.
            await new Promise((r) => setTimeout(r, f.delayMs));
          } else if (f === 'expired-token') {
            return graphError(c, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
          } else if (f === 'missing-scope') {
            return graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
          } else if (f.status === 429) {
            c.header('Retry-After', String(f.retryAfterSeconds));
            return graphError(c, 429, 'TooManyRequests', 'Too many requests.');
          } else if (f.status === 503) {
            return graphError(c, 503, 'ServiceNotAvailable', 'Service unavailable.');
          } else {
            return graphError(c, 500, 'UnknownError', 'An internal server error occurred.');
          }
        }
        await next();
        return undefined;
      } finally {
        if (mailboxCall) inFlight--;
      }
    }
  });

  function takeFault(method: string, path: string): FakeFault | undefined {
    for (const f of faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!f.path.test(path)) continue;
      f.remaining--;
      return f.fault;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Entra ID.
  const entraError = (c: Context, status: 400 | 401, error: string, aadsts: number, text: string) => {
    const trace = randomUUID();
    const correlation = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return c.json(
      {
        error,
        error_description: `AADSTS${aadsts}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
        error_codes: [aadsts],
        timestamp,
        trace_id: trace,
        correlation_id: correlation,
        error_uri: `${url}/error?code=${aadsts}`,
      },
      status,
    );
  };

  const normaliseScope = (s: string) => (s.toLowerCase().startsWith(GRAPH_RESOURCE) ? s.slice(GRAPH_RESOURCE.length) : s);
  /**
   * What a token carries: the OIDC scopes asked for, and the Graph scopes consent covers — with
   * `grantedScopes` set, exactly those (Entra puts every consented permission of the resource in
   * the token, asked for or not, and leaves out what was not consented).
   */
  const grant = (requested: string[]) => {
    const out = new Set<string>();
    for (const s of requested.map(normaliseScope)) {
      if (OIDC_SCOPES.includes(s)) out.add(s);
      else if (fake.grantedScopes === undefined) for (const g of s === '.default' ? ALL_GRAPH_SCOPES : [s]) out.add(g);
    }
    for (const g of fake.grantedScopes ?? []) out.add(g);
    return [...out];
  };

  app.get('/:tenant/oauth2/v2.0/authorize', (c) => {
    const q = c.req.query();
    if (q.client_id !== fake.clientId) {
      return c.text(`AADSTS700016: Application with identifier '${q.client_id ?? ''}' was not found in the directory.`, 400);
    }
    const redirect = q.redirect_uri;
    if (!redirect || !/^https?:\/\//.test(redirect) || (fake.redirectUris && !fake.redirectUris.includes(redirect))) {
      return c.text(`AADSTS50011: The redirect URI '${redirect ?? ''}' specified in the request does not match the redirect URIs configured for the application.`, 400);
    }
    const back = (params: Record<string, string | undefined>) => {
      const to = new URL(redirect);
      for (const [k, v] of Object.entries(params)) if (v !== undefined) to.searchParams.set(k, v);
      return c.redirect(to.toString(), 302);
    };
    const fail = (error: string, description: string) => back({ error, error_description: description, error_uri: `${url}/error`, state: q.state });
    if (fake.authorizeError) return fail(fake.authorizeError.error, fake.authorizeError.description);
    if (q.response_type !== 'code') return fail('unsupported_response_type', `AADSTS700054: response_type '${q.response_type ?? ''}' is not enabled for the application.`);
    if (!q.scope) return fail('invalid_request', "AADSTS900144: The request body must contain the following parameter: 'scope'.");
    if (!q.code_challenge) return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
    if (q.code_challenge_method !== 'S256') return fail('invalid_request', "AADSTS501491: Invalid code_challenge_method: only 'S256' is accepted.");
    const code = `0.A${randomBytes(48).toString('base64url')}`;
    codes.set(code, {
      clientId: q.client_id,
      redirectUri: redirect,
      challenge: q.code_challenge,
      scopes: grant(q.scope.split(/\s+/).filter(Boolean)),
      ...(q.nonce ? { nonce: q.nonce } : {}),
      expiresAt: Date.now() + 10 * 60_000,
      used: false,
    });
    return back({ code, state: q.state, session_state: randomUUID() });
  });

  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    let clientId = form.client_id;
    let secret = form.client_secret;
    const basic = c.req.header('authorization');
    if (basic?.startsWith('Basic ')) {
      const [id, s] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(s ?? '');
    }
    if (clientId !== fake.clientId) return entraError(c, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    if (!secret) return entraError(c, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== fake.clientSecret) return entraError(c, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');

    if (form.grant_type === 'authorization_code') {
      const entry = form.code ? codes.get(form.code) : undefined;
      if (!entry) return entraError(c, 400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
      if (entry.used) return entraError(c, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      if (entry.expiresAt < Date.now()) return entraError(c, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
      if (entry.redirectUri !== form.redirect_uri) return entraError(c, 400, 'invalid_grant', 70000, "The provided value for the 'redirect_uri' is not valid: it must match the redirect URI used to obtain the authorization code.");
      if (!form.code_verifier) return entraError(c, 400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.');
      const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== entry.challenge) return entraError(c, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      entry.used = true;
      return c.json(tokenResponse(entry.scopes, entry.nonce));
    }
    if (form.grant_type === 'refresh_token') {
      const entry = form.refresh_token ? refreshTokens.get(form.refresh_token) : undefined;
      if (!entry) return entraError(c, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (entry.revoked) return entraError(c, 400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
      const asked = form.scope ? grant(form.scope.split(/\s+/).filter(Boolean)) : entry.scopes;
      const extra = asked.filter((s) => !entry.scopes.includes(s) && !OIDC_SCOPES.includes(s));
      if (extra.length) return entraError(c, 400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${fake.clientId}'. Send an interactive authorization request for this user and resource.`);
      return c.json(tokenResponse(asked.length ? asked : entry.scopes));
    }
    return entraError(c, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
  });

  app.get('/:tenant/discovery/v2.0/keys', (c) => c.json({ keys: [{ kty: 'RSA', use: 'sig', kid, ...(publicKey.export({ format: 'jwk' }) as object) }] }));
  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const t = c.req.param('tenant');
    return c.json({
      issuer: `${url}/${fake.tenantId}/v2.0`,
      authorization_endpoint: `${url}/${t}/oauth2/v2.0/authorize`,
      token_endpoint: `${url}/${t}/oauth2/v2.0/token`,
      jwks_uri: `${url}/${t}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  function jwt(claims: Record<string, unknown>, key: KeyObject): string {
    const head = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
    return `${head}.${body}.${sig}`;
  }

  function issueAccess(scopes: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const graphScopes = scopes.filter((s) => !OIDC_SCOPES.includes(s));
    const token = jwt(
      { aud: '00000003-0000-0000-c000-000000000000', iss: `https://sts.windows.net/${fake.tenantId}/`, iat: now, nbf: now, exp: now + 3600, appid: fake.clientId, oid: userId, tid: fake.tenantId, upn: fake.account.email, scp: graphScopes.join(' '), uti: randomBytes(8).toString('base64url') },
      privateKey,
    );
    accessTokens.set(token, { scopes: graphScopes, expiresAt: Date.now() + 3600_000 });
    return token;
  }

  function tokenResponse(scopes: string[], nonce?: string) {
    const now = Math.floor(Date.now() / 1000);
    const response: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: scopes.filter((s) => s !== 'offline_access').join(' '),
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: issueAccess(scopes),
    };
    if (scopes.includes('offline_access')) {
      const refresh = `1.A${randomBytes(64).toString('base64url')}`;
      refreshTokens.set(refresh, { scopes, revoked: false });
      response.refresh_token = refresh;
    }
    if (scopes.includes('openid')) {
      response.id_token = jwt(
        {
          aud: fake.clientId,
          iss: `${url}/${fake.tenantId}/v2.0`,
          iat: now,
          nbf: now,
          exp: now + 3600,
          sub: createHash('sha256').update(`${userId}:${fake.clientId}`).digest('base64url'),
          oid: userId,
          tid: fake.tenantId,
          ver: '2.0',
          ...(nonce ? { nonce } : {}),
          ...(scopes.includes('email') ? { email: fake.account.email } : {}),
          ...(scopes.includes('profile') ? { name: fake.account.displayName, preferred_username: fake.account.email } : {}),
        },
        privateKey,
      );
    }
    return response;
  }

  // ---------------------------------------------------------------------------------------
  // Graph.
  function graphError(c: Context, status: number, code: string, message: string) {
    const requestId = randomUUID();
    c.header('request-id', requestId);
    c.header('client-request-id', c.req.header('client-request-id') ?? requestId);
    return c.json({ error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': requestId } } }, status as ContentfulStatusCode);
  }

  /** Auth, scopes and mailbox checks shared by the calendar routes; a Response when refused. */
  function guard(c: Context, need: 'read' | 'write' | 'schedule' | 'user'): Response | undefined {
    const auth = c.req.header('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token) return graphError(c, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const t = accessTokens.get(token);
    if (!t) return graphError(c, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).');
    if (t.expiresAt <= Date.now()) return graphError(c, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    const has = (...s: string[]) => s.some((x) => t.scopes.includes(x));
    const allowed =
      need === 'user'
        ? has('User.Read', 'User.ReadBasic.All')
        : need === 'write'
          ? has('Calendars.ReadWrite')
          : need === 'schedule'
            ? has('Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite')
            : has('Calendars.Read', 'Calendars.ReadWrite');
    if (!allowed) return graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    if (need === 'user') return undefined;
    switch (fake.mailboxState) {
      case 'on-premise':
        return graphError(c, 404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.');
      case 'inactive':
        return graphError(c, 404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
      case 'no-mailbox':
        return graphError(c, 404, 'ErrorMailboxNotFound', 'Mailbox does not exist.');
      default:
        return undefined;
    }
  }

  const notFound = (c: Context) => graphError(c, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  const accessDenied = (c: Context) => graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

  function toIanaZone(name: string): string | undefined {
    const n = name.replace(/^tzone:\/\/Microsoft\//i, '');
    if (/^utc$/i.test(n)) return 'UTC';
    const w = findIana(n).find((z) => IANAZone.isValidZone(z));
    if (w) return w;
    return IANAZone.isValidZone(n) ? n : undefined;
  }

  /** Seven fractional digits, as Graph writes them. */
  function graphTime(ms: number, zone: string, label: string) {
    return { dateTime: `${DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`, timeZone: label };
  }

  /** The zone answers are written in: Windows names in that mode (Prefer ignored), else Prefer, else UTC. */
  function outputZone(c: Context, e: { zone: string }): { zone: string; label: string } {
    if (fake.windowsTimeZones) {
      const label = findWindows(e.zone)[0] ?? e.zone;
      return { zone: e.zone, label };
    }
    const prefer = /outlook\.timezone="([^"]+)"/i.exec(c.req.header('prefer') ?? '');
    if (prefer?.[1]) {
      const zone = toIanaZone(prefer[1]);
      if (zone) return { zone, label: prefer[1] };
    }
    return { zone: 'UTC', label: 'UTC' };
  }

  function parseGraphTime(t: unknown): { ms: number; zone: string } | { error: string } {
    if (!t || typeof t !== 'object') return { error: 'missing' };
    const { dateTime, timeZone } = t as { dateTime?: unknown; timeZone?: unknown };
    if (typeof dateTime !== 'string' || typeof timeZone !== 'string') return { error: 'missing' };
    const zone = toIanaZone(timeZone);
    if (!zone) return { error: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${timeZone}'.` };
    const dt = DateTime.fromISO(dateTime.replace(/(\.\d{3})\d+/, '$1'), { zone });
    if (!dt.isValid) return { error: `Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTimeOffset'.` };
    return { ms: dt.toMillis(), zone };
  }

  function eventJson(c: Context, e: StoredEvent, expandProps?: string) {
    const { zone, label } = outputZone(c, e);
    const full: Record<string, unknown> = {
      '@odata.etag': `W/"${e.changeKey}"`,
      id: e.id,
      createdDateTime: new Date(e.created).toISOString(),
      lastModifiedDateTime: new Date(e.modified).toISOString(),
      changeKey: e.changeKey,
      transactionId: e.transactionId ?? null,
      originalStartTimeZone: findWindows(e.zone)[0] ?? e.zone,
      originalEndTimeZone: findWindows(e.zone)[0] ?? e.zone,
      iCalUId: `040000008200E00074C5B7101A82E008${createHash('md5').update(e.id).digest('hex').toUpperCase()}`,
      subject: e.subject,
      bodyPreview: e.body.content.slice(0, 255),
      body: e.body,
      isAllDay: false,
      isCancelled: e.isCancelled,
      isOrganizer: true,
      showAs: e.showAs,
      type: 'singleInstance',
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
      start: graphTime(e.start, zone, label),
      end: graphTime(e.end, zone, label),
      attendees: e.attendees.map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } })),
      organizer: { emailAddress: { name: fake.account.displayName, address: fake.account.email } },
      isOnlineMeeting: e.isOnlineMeeting,
      onlineMeetingProvider: e.onlineMeetingProvider,
      onlineMeeting: e.onlineMeeting && e.onlineMeetingHiddenReads <= 0
        ? { joinUrl: e.onlineMeeting.joinUrl, conferenceId: e.onlineMeeting.conferenceId, tollNumber: e.onlineMeeting.tollNumber }
        : null,
      onlineMeetingUrl: null,
    };
    const select = c.req.query('$select');
    let out = full;
    if (select) {
      const keep = new Set(select.split(',').map((s) => s.trim()));
      out = Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || k === '@odata.etag' || keep.has(k)));
    }
    if (expandProps !== undefined) {
      out.singleValueExtendedProperties = e.props.filter((p) => p.id.toLowerCase() === expandProps.toLowerCase());
    }
    return out;
  }

  function page<T>(c: Context, items: T[]) {
    const skip = Math.max(0, Number(c.req.query('$skip') ?? 0) || 0);
    const top = Math.min(fake.pageSize, Number(c.req.query('$top') ?? fake.pageSize) || fake.pageSize);
    const slice = items.slice(skip, skip + top);
    const body: Record<string, unknown> = { '@odata.context': `${url}/v1.0/$metadata#Collection`, value: slice };
    if (skip + top < items.length) {
      const next = new URL(c.req.path, url);
      for (const [k, v] of new URL(c.req.url).searchParams) next.searchParams.set(k, v);
      next.searchParams.set('$skip', String(skip + top));
      body['@odata.nextLink'] = next.toString();
    }
    return body;
  }

  const calendarJson = (cal: Calendar) => ({
    id: cal.id,
    name: cal.name,
    color: cal.color,
    hexColor: '',
    isDefaultCalendar: cal.isDefaultCalendar,
    changeKey: createHash('md5').update(cal.id).digest('base64'),
    canShare: cal.canEdit,
    canViewPrivateItems: cal.canEdit,
    canEdit: cal.canEdit,
    allowedOnlineMeetingProviders: allowedProviders(),
    defaultOnlineMeetingProvider: allowedProviders()[0] ?? 'unknown',
    isTallyingResponses: true,
    isRemovable: !cal.isDefaultCalendar,
    owner: cal.owner,
  });

  const allowedProviders = (): OnlineMeetingProvider[] => (fake.teamsAvailable ? ['teamsForBusiness'] : []);

  /** The online-meeting fields of a request: an error message when a value is not one Graph knows. */
  function readOnline(body: Record<string, unknown>): { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider } | string {
    const out: { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider } = {};
    if (body.isOnlineMeeting !== undefined) {
      if (typeof body.isOnlineMeeting !== 'boolean') return "Cannot convert the literal to the expected type 'Edm.Boolean'.";
      out.isOnlineMeeting = body.isOnlineMeeting;
    }
    if (body.onlineMeetingProvider !== undefined) {
      const p = MEETING_PROVIDERS.find((x) => x === body.onlineMeetingProvider);
      if (!p) return `Requested value '${String(body.onlineMeetingProvider)}' was not found.`;
      out.provider = p;
    }
    return out;
  }

  /**
   * Turns the event into an online meeting when asked for with a provider the calendar allows.
   * Anything else is ignored without an error (as Graph does), and so is every change once the
   * event is online: the meeting and its join URL stay.
   */
  function applyOnline(e: StoredEvent, o: { isOnlineMeeting?: boolean; provider?: OnlineMeetingProvider }) {
    if (e.isOnlineMeeting || o.isOnlineMeeting !== true) return;
    const provider = o.provider ?? allowedProviders()[0] ?? 'unknown';
    if (provider === 'unknown' || !allowedProviders().includes(provider)) return;
    const thread = `19:meeting_${randomBytes(36).toString('base64url')}@thread.v2`;
    const context = JSON.stringify({ Tid: fake.tenantId, Oid: userId });
    e.isOnlineMeeting = true;
    e.onlineMeetingProvider = provider;
    e.onlineMeeting = {
      joinUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=${encodeURIComponent(context)}`,
      conferenceId: String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)),
      tollNumber: '+1 323-555-0166',
    };
    e.onlineMeetingHiddenReads = Math.max(0, fake.teamsJoinUrlDelayGets);
  }

  const resolveCalendar = (id: string) => (id === 'calendar' ? calendars.get(defaultCalendarId) : calendars.get(id));
  const ordered = (calendarId: string) => [...events.values()].filter((e) => e.calendarId === calendarId).sort((a, b) => a.start - b.start || a.created - b.created);

  app.get('/v1.0/me', (c) => {
    const refused = guard(c, 'user');
    if (refused) return refused;
    return c.json({
      '@odata.context': `${url}/v1.0/$metadata#users/$entity`,
      id: userId,
      displayName: fake.account.displayName,
      mail: fake.mailboxState === 'no-mailbox' ? null : fake.account.email,
      userPrincipalName: fake.account.email,
      givenName: fake.account.displayName.split(' ')[0] ?? null,
      surname: fake.account.displayName.split(' ').slice(1).join(' ') || null,
      preferredLanguage: 'en-US',
    });
  });

  app.get('/v1.0/me/calendars', (c) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    return c.json(page(c, [...calendars.values()].map(calendarJson)));
  });

  app.get('/v1.0/me/calendar', (c) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    const cal = calendars.get(defaultCalendarId)!;
    const json = calendarJson(cal);
    const select = c.req.query('$select');
    return c.json(select ? Object.fromEntries(Object.entries(json).filter(([k]) => k === 'id' || select.split(',').includes(k))) : json);
  });

  app.get('/v1.0/me/calendars/:id', (c) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    const cal = calendars.get(c.req.param('id'));
    return cal ? c.json(calendarJson(cal)) : notFound(c);
  });

  app.post('/v1.0/me/calendar/getSchedule', async (c) => {
    const refused = guard(c, 'schedule');
    if (refused) return refused;
    const body = (await c.req.json().catch(() => null)) as { schedules?: unknown; startTime?: unknown; endTime?: unknown; availabilityViewInterval?: unknown } | null;
    if (!body || !Array.isArray(body.schedules) || body.schedules.length === 0) {
      return graphError(c, 400, 'ErrorInvalidParameter', "The parameter 'Schedules' is missing or empty.");
    }
    const start = parseGraphTime(body.startTime);
    const end = parseGraphTime(body.endTime);
    if ('error' in start || 'error' in end) return graphError(c, 400, 'ErrorInvalidParameter', "The parameters 'StartTime' and 'EndTime' must be valid dateTimeTimeZone values.");
    if (end.ms <= start.ms) return graphError(c, 400, 'ErrorInvalidParameter', 'The EndTime must be after the StartTime.');
    if (end.ms - start.ms > 62 * 86_400_000) return graphError(c, 400, 'ErrorInvalidParameter', 'The requested time duration exceeds the permissible limit (62 days).');
    const interval = Number(body.availabilityViewInterval ?? 30);
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) return graphError(c, 400, 'ErrorInvalidParameter', 'availabilityViewInterval must be between 5 and 1440.');
    const codeOf: Record<ShowAs, string> = { free: '0', tentative: '1', busy: '2', oof: '3', workingElsewhere: '4', unknown: '2' };
    const value = (body.schedules as unknown[]).map((address) => {
      if (typeof address !== 'string' || address.toLowerCase() !== fake.account.email.toLowerCase()) {
        return {
          scheduleId: String(address),
          availabilityView: '',
          error: { message: `The recipient '${String(address)}' could not be found. Mailbox does not exist.`, responseCode: 'ErrorMailRecipientNotFound' },
        };
      }
      const items = ordered(defaultCalendarId).filter((e) => !e.isCancelled && e.start < end.ms && e.end > start.ms);
      let view = '';
      for (let t = start.ms; t < end.ms; t += interval * 60_000) {
        const slot = items.filter((e) => e.start < t + interval * 60_000 && e.end > t && e.showAs !== 'free');
        view += slot.length ? String(Math.max(...slot.map((e) => Number(codeOf[e.showAs])))) : '0';
      }
      return {
        scheduleId: address,
        availabilityView: view,
        scheduleItems: items.map((e) => {
          const { zone, label } = outputZone(c, e);
          return { isPrivate: false, status: e.showAs, subject: e.subject, location: '', isMeeting: e.attendees.length > 0, isRecurring: false, isException: false, isReminderSet: true, start: graphTime(e.start, zone, label), end: graphTime(e.end, zone, label) };
        }),
        workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'W. Europe Standard Time' } },
      };
    });
    return c.json({ '@odata.context': `${url}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value });
  });

  const calendarView = (c: Context) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    const cal = resolveCalendar(c.req.param('id') ?? 'calendar');
    if (!cal) return notFound(c);
    const s = c.req.query('startDateTime');
    const e = c.req.query('endDateTime');
    if (!s || !e) return graphError(c, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    const from = DateTime.fromISO(s, { zone: 'utc' });
    const to = DateTime.fromISO(e, { zone: 'utc' });
    if (!from.isValid || !to.isValid) return graphError(c, 400, 'ErrorInvalidParameter', "The parameter 'StartDateTime' or 'EndDateTime' is not a valid date and time.");
    const hits = ordered(cal.id).filter((x) => x.start < to.toMillis() && x.end > from.toMillis());
    return c.json(page(c, hits.map((x) => eventJson(c, x))));
  };
  app.get('/v1.0/me/calendarView', calendarView);
  app.get('/v1.0/me/calendar/calendarView', calendarView);
  app.get('/v1.0/me/calendars/:id/calendarView', calendarView);

  const FILTER = /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)$/i;
  const EXPAND = /^singleValueExtendedProperties\(\$filter=id\s+eq\s+'((?:[^']|'')*)'\)$/i;
  const unquote = (s: string) => s.replace(/''/g, "'");

  /** Events of one calendar ('param' / 'default') or of the whole mailbox, with the extended-property $filter and $expand. */
  const listEvents = (scope: 'mailbox' | 'default' | 'param') => (c: Context) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    let list: StoredEvent[];
    if (scope === 'mailbox') list = [...events.values()].sort((a, b) => a.start - b.start || a.created - b.created);
    else {
      const cal = resolveCalendar(scope === 'default' ? 'calendar' : (c.req.param('id') ?? ''));
      if (!cal) return notFound(c);
      list = ordered(cal.id);
    }
    const filter = c.req.query('$filter');
    if (filter) {
      const m = FILTER.exec(filter.trim());
      if (!m) return graphError(c, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      const propId = unquote(m[2]!);
      const value = unquote(m[3]!).toLowerCase(); // Graph compares the value case-insensitively
      list = list.filter((e) => e.props.some((p) => p.id === propId && p.value.toLowerCase() === value));
    }
    const expand = c.req.query('$expand');
    let expandId: string | undefined;
    if (expand) {
      const m = EXPAND.exec(expand.trim());
      if (!m) return graphError(c, 400, 'BadRequest', `Parsing OData Select and Expand failed: could not find a property named '${expand}'.`);
      expandId = unquote(m[1]!);
    }
    return c.json(page(c, list.map((e) => eventJson(c, e, expandId))));
  };
  app.get('/v1.0/me/events', listEvents('mailbox'));
  app.get('/v1.0/me/calendar/events', listEvents('default'));
  app.get('/v1.0/me/calendars/:id/events', listEvents('param'));

  const PROPERTY_ID = /^(String|Integer|Boolean|SystemTime|Double|Binary|Guid) (\{[0-9a-f-]{36}\} (Name \S.*|Id 0x[0-9a-f]+)|0x[0-9a-f]+)$/i;

  const createEvent = async (c: Context) => {
    const refused = guard(c, 'write');
    if (refused) return refused;
    const cal = resolveCalendar(c.req.param('id') ?? 'calendar');
    if (!cal) return notFound(c);
    if (!cal.canEdit) return accessDenied(c);
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return graphError(c, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
    const start = parseGraphTime(body.start);
    const end = parseGraphTime(body.end);
    if ('error' in start) return graphError(c, 400, start.error === 'missing' ? 'ErrorInvalidRequest' : 'TimeZoneNotSupportedException', start.error === 'missing' ? 'Your request can\'t be completed. An event needs a start.' : start.error);
    if ('error' in end) return graphError(c, 400, end.error === 'missing' ? 'ErrorInvalidRequest' : 'TimeZoneNotSupportedException', end.error === 'missing' ? 'Your request can\'t be completed. An event needs an end.' : end.error);
    if (end.ms < start.ms) return graphError(c, 400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    const props = Array.isArray(body.singleValueExtendedProperties) ? (body.singleValueExtendedProperties as { id?: unknown; value?: unknown }[]) : [];
    for (const p of props) {
      if (typeof p.id !== 'string' || !PROPERTY_ID.test(p.id) || typeof p.value !== 'string') {
        return graphError(c, 400, 'ErrorInvalidExtendedPropertyValue', 'The extended property id or value is not valid.');
      }
    }
    const onlineFields = readOnline(body);
    if (typeof onlineFields === 'string') return graphError(c, 400, 'BadRequest', onlineFields);
    const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
    if (transactionId && fake.honourTransactionId) {
      const same = [...events.values()].find((e) => e.transactionId === transactionId);
      if (same) return c.json(eventJson(c, same), 201);
    }
    const now = Date.now();
    const e: StoredEvent = {
      id: graphId(),
      calendarId: cal.id,
      subject: typeof body.subject === 'string' ? body.subject : '',
      body: readBody(body.body),
      start: start.ms,
      end: end.ms,
      zone: start.zone,
      showAs: readShowAs(body.showAs) ?? 'busy',
      isCancelled: false,
      ...(transactionId ? { transactionId } : {}),
      props: props.map((p) => ({ id: p.id as string, value: p.value as string })),
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeetingHiddenReads: 0,
      attendees: readAttendees(body.attendees),
      changeKey: randomBytes(12).toString('base64'),
      created: now,
      modified: now,
    };
    applyOnline(e, onlineFields);
    events.set(e.id, e);
    return c.json(eventJson(c, e), 201);
  };
  app.post('/v1.0/me/events', createEvent);
  app.post('/v1.0/me/calendar/events', createEvent);
  app.post('/v1.0/me/calendars/:id/events', createEvent);

  app.get('/v1.0/me/events/:id', (c) => {
    const refused = guard(c, 'read');
    if (refused) return refused;
    const e = events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (e.onlineMeetingHiddenReads > 0) e.onlineMeetingHiddenReads -= 1;
    const expand = c.req.query('$expand');
    const m = expand ? EXPAND.exec(expand.trim()) : null;
    return c.json(eventJson(c, e, m ? unquote(m[1]!) : undefined));
  });

  app.patch('/v1.0/me/events/:id', async (c) => {
    const refused = guard(c, 'write');
    if (refused) return refused;
    const e = events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (!calendars.get(e.calendarId)?.canEdit) return accessDenied(c);
    const ifMatch = c.req.header('if-match');
    if (ifMatch && ifMatch !== `W/"${e.changeKey}"` && ifMatch !== e.changeKey) {
      return graphError(c, 412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
    }
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return graphError(c, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
    if (body.transactionId !== undefined && body.transactionId !== e.transactionId) {
      return graphError(c, 400, 'ErrorInvalidPropertyUpdateSentAsSetOperation', 'The transactionId of an event cannot be changed.');
    }
    const start = body.start !== undefined ? parseGraphTime(body.start) : { ms: e.start, zone: e.zone };
    const end = body.end !== undefined ? parseGraphTime(body.end) : { ms: e.end, zone: e.zone };
    if ('error' in start) return graphError(c, 400, 'TimeZoneNotSupportedException', start.error);
    if ('error' in end) return graphError(c, 400, 'TimeZoneNotSupportedException', end.error);
    if (end.ms < start.ms) return graphError(c, 400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    const onlineFields = readOnline(body);
    if (typeof onlineFields === 'string') return graphError(c, 400, 'BadRequest', onlineFields);
    applyOnline(e, onlineFields);
    e.start = start.ms;
    e.end = end.ms;
    e.zone = start.zone;
    if (typeof body.subject === 'string') e.subject = body.subject;
    if (body.body !== undefined) e.body = readBody(body.body);
    if (body.attendees !== undefined) e.attendees = readAttendees(body.attendees);
    const showAs = readShowAs(body.showAs);
    if (showAs) e.showAs = showAs;
    if (Array.isArray(body.singleValueExtendedProperties)) {
      for (const p of body.singleValueExtendedProperties as { id: string; value: string }[]) {
        e.props = [...e.props.filter((x) => x.id !== p.id), { id: p.id, value: p.value }];
      }
    }
    e.changeKey = randomBytes(12).toString('base64');
    e.modified = Date.now();
    return c.json(eventJson(c, e));
  });

  app.delete('/v1.0/me/events/:id', (c) => {
    const refused = guard(c, 'write');
    if (refused) return refused;
    const e = events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (!calendars.get(e.calendarId)?.canEdit) return accessDenied(c);
    events.delete(e.id);
    return c.body(null, 204);
  });

  app.all('/v1.0/*', (c) => {
    const segment = c.req.path.split('/').filter(Boolean).pop() ?? '';
    return graphError(c, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  });

  function readBody(b: unknown): StoredEvent['body'] {
    if (b && typeof b === 'object') {
      const { contentType, content } = b as { contentType?: unknown; content?: unknown };
      return { contentType: contentType === 'html' || contentType === 'HTML' ? 'html' : 'text', content: typeof content === 'string' ? content : '' };
    }
    return { contentType: 'text', content: '' };
  }
  function readShowAs(s: unknown): ShowAs | undefined {
    return (['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const).find((x) => x === s);
  }
  function readAttendees(a: unknown): StoredEvent['attendees'] {
    if (!Array.isArray(a)) return [];
    return a
      .filter((x): x is { type?: string; emailAddress: { address: string; name?: string } } => typeof x?.emailAddress?.address === 'string')
      .map((x) => ({ type: x.type ?? 'required', emailAddress: { address: x.emailAddress.address, ...(x.emailAddress.name ? { name: x.emailAddress.name } : {}) } }));
  }

  // ---------------------------------------------------------------------------------------
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeMicrosoft = {
    url,
    clientId: randomUUID(),
    clientSecret: randomBytes(30).toString('base64url'),
    tenantId: randomUUID(),
    account: { email, displayName: opts.displayName ?? 'Rita Recruiter' },
    grantedScopes: undefined,
    authorizeError: undefined,
    redirectUris: undefined,
    mailboxState: 'ok',
    windowsTimeZones: false,
    honourTransactionId: true,
    teamsAvailable: true,
    teamsJoinUrlDelayGets: 0,
    pageSize: 10,
    maxConcurrentPerMailbox: 4,
    peakConcurrency: 0,
    throttled: 0,
    fault(match, fault) {
      faults.push({ ...(match.method ? { method: match.method } : {}), path: match.path, remaining: match.times ?? Number.POSITIVE_INFINITY, fault });
    },
    clearFaults() {
      faults.length = 0;
    },
    requests: [],
    calendars: () => [...calendars.values()].map(({ id, name, isDefaultCalendar, canEdit }) => ({ id, name, isDefaultCalendar, canEdit })),
    defaultCalendarId,
    secondaryCalendarId,
    sharedCalendarId,
    addEvent(calendarId, e) {
      if (!calendars.has(calendarId)) throw new Error(`fake Microsoft: no calendar ${calendarId}`);
      const zone = e.timeZone ? toIanaZone(e.timeZone) : 'Europe/Berlin';
      if (!zone) throw new Error(`fake Microsoft: unknown zone ${e.timeZone}`);
      const now = Date.now();
      const id = graphId();
      events.set(id, {
        id,
        calendarId,
        subject: e.summary,
        body: { contentType: 'text', content: '' },
        start: e.start,
        end: e.end,
        zone,
        showAs: e.showAs ?? (e.transparent ? 'free' : 'busy'),
        isCancelled: e.cancelled ?? false,
        props: [],
        isOnlineMeeting: false,
        onlineMeetingProvider: 'unknown',
        onlineMeetingHiddenReads: 0,
        attendees: [],
        changeKey: randomBytes(12).toString('base64'),
        created: now,
        modified: now,
      });
      return id;
    },
    events: (calendarId) =>
      ordered(calendarId).map((e) => ({
        id: e.id,
        subject: e.subject,
        start: new Date(e.start).toISOString(),
        end: new Date(e.end).toISOString(),
        showAs: e.showAs,
        isCancelled: e.isCancelled,
        ...(e.transactionId ? { transactionId: e.transactionId } : {}),
        ...(e.onlineMeeting ? { joinUrl: e.onlineMeeting.joinUrl } : {}),
        ...(e.attendees.length ? { attendees: e.attendees.map((a) => a.emailAddress.address) } : {}),
      })),
    expireAccessTokens() {
      for (const t of accessTokens.values()) t.expiresAt = 0;
    },
    revokeRefreshTokens() {
      for (const t of refreshTokens.values()) t.revoked = true;
    },
    issueAccessToken: (scopes = ['User.Read', 'Calendars.ReadWrite']) => issueAccess(scopes),
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  return fake;
}
