import ky, { TimeoutError } from 'ky';
import { createHash } from 'node:crypto';
import { AtsError } from './types.js';
import { tokenCacheFor } from '../token-cache.js';

// How Parley talks to Harvest (greenhouse.ts): the two ways of signing in, one request with its deadline,
// and Harvest's refusals in the recruiter's words.

/** Credentials as a map key, never the secret itself. */
export const fingerprint = (parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

// -------------------------------------------------------------------- transports

export interface Io { timeoutMs: number; fetch?: typeof fetch }
export interface Answer { status: number; headers: Headers; body: unknown }

export interface Transport {
  /** Names the account for shared state (rate limit), without the secret. */
  readonly account: string;
  headers(write: boolean): Promise<Record<string, string>>;
  /** After a 401: new credentials, when that can help (true), or nothing to do (false). */
  renew(): Promise<boolean>;
  /** The first request of a list: filters and page size (later pages come whole from `Link`). */
  firstPage(filters: Record<string, string>): Record<string, string>;
}

/** Harvest's page size default; a few requests more for big lists, within the documented 1…500. */
export const PER_PAGE = '100';

export function basicTransport(auth: { apiKey: string }, onBehalfOf: string): Transport {
  const basic = `Basic ${Buffer.from(`${auth.apiKey}:`).toString('base64')}`;
  return {
    account: fingerprint(['v1', auth.apiKey]),
    headers: async (write) => ({ authorization: basic, ...(write ? { 'on-behalf-of': onBehalfOf } : {}) }),
    renew: async () => false,
    firstPage: (filters) => ({ ...filters, per_page: PER_PAGE, page: '1' }),
  };
}

export function clientCredentialsTransport(auth: { clientId: string; clientSecret: string; tokenUrl: string }, sub: string, io: Io): Transport {
  const cache = tokenCacheFor(fingerprint([auth.tokenUrl, auth.clientId, auth.clientSecret, sub]));
  let used: string | undefined;

  async function fetchToken(): Promise<{ token: string; expiresInS: number }> {
    const res = await send(auth.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}`, accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', sub }),
    }, io);
    const body = (res.body ?? {}) as { access_token?: unknown; expires_in?: unknown; expires_at?: unknown; error?: unknown; error_description?: unknown };
    if (res.status === 200 && typeof body.access_token === 'string' && body.access_token) {
      return { token: body.access_token, expiresInS: lifetime(body) };
    }
    if (res.status === 429 || res.status >= 500) throw refused(res, ENDPOINTS.token, 'v3', sub);
    const reason = [body.error, body.error_description].filter((x) => typeof x === 'string' && x).join(': ') || `HTTP ${res.status}`;
    throw new AtsError('greenhouse', 'auth',
      `Greenhouse refused Parley's Harvest v3 credentials (${reason}): check the client ID and secret in Dev Center → API Credentials, and that user ${sub} exists.`,
      { status: res.status });
  }

  return {
    account: fingerprint(['v3', auth.tokenUrl, auth.clientId, sub]),
    async headers() {
      used = await cache.get(fetchToken);
      return { authorization: `Bearer ${used}` };
    },
    async renew() {
      await cache.refresh(used, fetchToken);
      return true;
    },
    // Harvest v3 takes filters and per_page on the first request only; later pages are the Link's cursor URL alone.
    firstPage: (filters) => ({ ...filters, per_page: PER_PAGE }),
  };
}

/** `expires_in` (seconds, RFC 6749) or `expires_at` (a time); an hour when neither is given. */
export function lifetime(body: { expires_in?: unknown; expires_at?: unknown }): number {
  const inS = Number(body.expires_in);
  if (Number.isFinite(inS) && inS > 0) return inS;
  const at = typeof body.expires_at === 'number' ? body.expires_at * (body.expires_at < 1e12 ? 1000 : 1) : typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : NaN;
  if (Number.isFinite(at) && at > Date.now()) return (at - Date.now()) / 1000;
  return 3600;
}

/** One HTTP exchange, never retried here; network failures and timeouts become AtsErrors. */
export async function send(url: string, init: { method: string; headers: Record<string, string>; json?: unknown; body?: URLSearchParams }, io: Io): Promise<Answer> {
  let res: Response;
  try {
    res = await ky(url, { ...init, timeout: io.timeoutMs, retry: 0, throwHttpErrors: false, ...(io.fetch ? { fetch: io.fetch } : {}) });
  } catch (err) {
    if (err instanceof TimeoutError) throw new AtsError('greenhouse', 'timeout', `Greenhouse did not answer within ${Math.round(io.timeoutMs / 100) / 10} s.`);
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new AtsError('greenhouse', 'unavailable', `Parley could not reach Greenhouse (${cause}).`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body };
}

// -------------------------------------------------------------------- errors

export interface Endpoint { path: string; permission: string }
/** The API key permissions (Dev Center → API Credential Management → Manage permissions) each call needs. */
export const ENDPOINTS = {
  listJobs: { path: 'GET /jobs', permission: 'Jobs → GET: List Jobs' },
  listCandidates: { path: 'GET /candidates', permission: 'Candidates → GET: List Candidates' },
  addCandidate: { path: 'POST /candidates', permission: 'Candidates → POST: Add Candidate' },
  addProspect: { path: 'POST /prospects', permission: 'Prospects → POST: Add Prospect' },
  activityFeed: { path: 'GET /candidates/{id}/activity_feed', permission: 'Activity Feed → GET: Retrieve Activity Feed' },
  addNote: { path: 'POST /candidates/{id}/activity_feed/notes', permission: 'Candidates → POST: Add Note' },
  addEmail: { path: 'POST /candidates/{id}/activity_feed/emails', permission: 'Candidates → POST: Add E-mail' },
  token: { path: 'POST token', permission: 'Harvest V3 (OAuth) credentials' },
} satisfies Record<string, Endpoint>;

export interface HarvestErrorBody { message?: unknown; error?: unknown; errors?: { message?: unknown; field?: unknown }[] }

/** An error answer in Parley's terms: what went wrong and what a person can do about it. */
export function refused(res: Answer, what: Endpoint, version: 'v1' | 'v3', onBehalfOf: string): AtsError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as HarvestErrorBody;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const said = [typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : '', ...errors.map((e) => (typeof e?.message === 'string' ? e.message : ''))]
    .filter(Boolean).join('; ');
  const quoted = said ? ` ("${said}")` : '';
  const status = res.status;
  if (status === 401) {
    return new AtsError('greenhouse', 'auth', version === 'v1'
      ? `Greenhouse no longer accepts Parley's Harvest API key${quoted}: reconnect Greenhouse with a valid key.`
      : `Greenhouse no longer accepts Parley's Harvest v3 access${quoted}: reconnect Greenhouse.`, { status });
  }
  if (status === 403) {
    const actingUser = /on-behalf-of|user/i.test(said) && !/api key/i.test(said);
    const message = actingUser
      ? `Greenhouse does not let user ${onBehalfOf}, whom Parley acts as (On-Behalf-Of), do this${quoted}: pick a Greenhouse user with access to these candidates and jobs in Parley's Greenhouse settings.`
      : version === 'v1'
        ? `The Harvest API key lacks the permission "${what.permission}" for ${what.path}${quoted}: a Greenhouse admin can grant it in Configure → Dev Center → API Credential Management → Manage permissions.`
        : `Parley's Harvest v3 credentials lack the scope for ${what.path}${quoted}: a Greenhouse admin can add it in Dev Center → API Credentials → Manage scopes.`;
    return new AtsError('greenhouse', 'permission', message, { status });
  }
  if (status === 404) return new AtsError('greenhouse', 'not-found', `Greenhouse could not find it (${what.path})${quoted}.`, { status });
  if (status === 429) {
    const retryAfterMs = retryAfter(res.headers);
    return new AtsError('greenhouse', 'rate-limit', `Greenhouse asked Parley to slow down${quoted}: the export continues shortly.`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  if (status >= 500) {
    const retryAfterMs = retryAfter(res.headers);
    return new AtsError('greenhouse', 'unavailable', `Greenhouse is having problems (HTTP ${status}): the export continues when it is back.`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  const fields = [...new Set(errors.map((e) => (typeof e?.field === 'string' ? e.field : '')).filter(Boolean))];
  return new AtsError('greenhouse', 'invalid', `Greenhouse refused the data${quoted}${fields.length ? ` (${fields.join(', ')})` : ''}.`, { status, ...(fields.length ? { fields } : {}) });
}

/** Retry-After in seconds or as a date; else X-RateLimit-Reset (a Unix time). */
export function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(value);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
}

/** A write that failed this way may still have been carried out (the answer was lost, or the server broke after it). */
export function mayHaveHappened(e: AtsError): boolean {
  return e.kind === 'timeout' || (e.kind === 'unavailable' && (e.details.status === undefined || [500, 502, 504].includes(e.details.status)));
}

/** Thrown inside a retried step: stop now with this error. */
export class GiveUp {
  constructor(readonly error: AtsError) {}
}
