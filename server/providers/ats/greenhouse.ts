import ky, { TimeoutError } from 'ky';
import { createHash } from 'node:crypto';
import { AtsError, type AtsConnector, type AtsMessage, type AtsRecord, type CandidateData, type Posting } from './types.js';
import { keyedSerializer } from '../serial.js';
import { tokenCacheFor } from '../token-cache.js';

/**
 * How Parley signs in to Greenhouse's Harvest API.
 * - `v1`: a Harvest v1/v2 API key (Configure → Dev Center → API Credential Management), sent as the
 *   user name of HTTP Basic auth with an empty password.
 * - `v3`: Harvest v3 OAuth credentials of a custom integration (client credentials grant); the
 *   token endpoint is https://auth.greenhouse.io/token.
 */
export type GreenhouseAuth =
  | { version: 'v1'; apiKey: string }
  | { version: 'v3'; clientId: string; clientSecret: string; tokenUrl: string };

export interface GreenhouseOptions {
  auth: GreenhouseAuth;
  /**
   * The Greenhouse user id Parley acts as: v1 sends it as `On-Behalf-Of` on every write (and as the
   * `user_id` of notes and emails); v3 puts it into the token request as `sub`.
   */
  onBehalfOf: string;
  /** Default https://harvest.greenhouse.io/v1 (v3: https://harvest.greenhouse.io/v3). */
  baseUrl?: string;
  /** Where people open in the browser. Default https://app.greenhouse.io */
  appUrl?: string;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first one when Greenhouse is rate-limiting, failing (5xx) or slow. Default 3. */
  retries?: number;
  /** Longest wait between attempts (full jitter below it); a longer Retry-After is left to the job queue. Default 30 s. */
  maxDelayMs?: number;
  /**
   * How long a candidate that answers 404 is asked again before Parley gives up with `not-found`:
   * Greenhouse documents that a just-created candidate or prospect may answer 404 for a while. Default 30 s.
   */
  notFoundRetryMs?: number;
  fetch?: typeof fetch;
}

/**
 * Greenhouse through the Harvest API, in two layers:
 *
 * - a **transport** per API generation: how a request is authenticated (v1: Basic with the API key
 *   and `On-Behalf-Of` on writes; v3: a bearer token from the client-credentials grant, cached until
 *   shortly before it expires and fetched again once after a 401) and how a list is paged (v1:
 *   `page`/`per_page`, and the RFC 5988 `Link` header's `rel="next"`; v3: filters and `per_page` on
 *   the first request only, then the opaque `cursor` URL of the `Link` header, as it comes);
 * - the **connector** on top, which speaks Harvest's resources: jobs, candidates, prospects and the
 *   activity feed. It is complete for v1; with v3 credentials it lists jobs (the resource routes
 *   of v3's writes differ and are not mapped yet), and the other operations say so.
 *
 * Every request has a timeout; 429 (Retry-After honoured), 5xx and timeouts are tried again with
 * full jitter, up to `retries` times; and when `X-RateLimit-Remaining` reaches 0 the next request to
 * the same account waits for the 10-second window to pass instead of running into a 429.
 *
 * Idempotency: Harvest has no idempotency keys. Every note and email Parley writes ends with a
 * marker line `— Parley #<key>`, and `addNote`/`addMessage` first read the candidate's activity feed
 * and skip an entry whose marker is already there, so pushing the same note twice (or retrying after
 * a lost answer) writes it once. A create whose answer was lost (timeout, 500/502/504) is not simply
 * sent again: Parley first looks the person up by email and adopts the record Greenhouse did make.
 *
 * Greenhouse may answer 404 for a candidate it has just created (its documented delay before the
 * full record exists); reads and writes on a candidate are therefore asked again for up to
 * `notFoundRetryMs` before the 404 counts.
 */
export function greenhouseConnector(opts: GreenhouseOptions): AtsConnector {
  const version = opts.auth.version;
  const baseUrl = (opts.baseUrl ?? `https://harvest.greenhouse.io/${version}`).replace(/\/+$/, '');
  const appUrl = (opts.appUrl ?? 'https://app.greenhouse.io').replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = Math.max(0, opts.retries ?? 3);
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const notFoundRetryMs = Math.max(0, opts.notFoundRetryMs ?? 30_000);
  const io: Io = { timeoutMs, fetch: opts.fetch };
  const transport: Transport = opts.auth.version === 'v1' ? basicTransport(opts.auth, opts.onBehalfOf) : clientCredentialsTransport(opts.auth, opts.onBehalfOf, io);
  const gate = rateGateFor(`${baseUrl}\u0000${transport.account}`);

  // ------------------------------------------------------------------ HTTP

  /** One call of the API: paced by the rate gate, authenticated, answered or turned into an AtsError. */
  async function call(method: 'GET' | 'POST', target: string, o: { query?: Record<string, string>; json?: unknown; what: Endpoint }): Promise<Answer> {
    const url = resolve(target, o.query);
    for (let renewed = false; ; renewed = true) {
      await gate.wait(maxDelayMs);
      const res = await send(url, { method, headers: { accept: 'application/json', ...(await transport.headers(method !== 'GET')) }, ...(o.json !== undefined ? { json: o.json } : {}) }, io);
      gate.observe(res);
      if (res.status === 401 && !renewed && (await transport.renew())) continue;
      if (res.status >= 400) throw refused(res, o.what, version, opts.onBehalfOf);
      return res;
    }
  }

  /** A path below the base URL, or a `Link` URL Greenhouse sent: only ever to Greenhouse's own origin. */
  function resolve(target: string, query?: Record<string, string>): string {
    const url = /^https?:\/\//i.test(target) ? new URL(target) : new URL(`${baseUrl}${target}`);
    if (url.origin !== new URL(baseUrl).origin) {
      throw new AtsError('greenhouse', 'unavailable', `Greenhouse sent Parley a page link to another host (${url.origin}); Parley did not follow it.`);
    }
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  }

  /** Runs a step again after temporary failures: full jitter, Retry-After honoured up to `maxDelayMs`. */
  async function retrying<T>(step: () => Promise<T>, o: { awaitNew?: string } = {}): Promise<T> {
    let notFoundSince: number | undefined;
    let poll = 250;
    for (let attempt = 0; ; ) {
      try {
        return await step();
      } catch (err) {
        if (err instanceof GiveUp) throw err.error;
        const e = err instanceof AtsError ? err : new AtsError('greenhouse', 'unavailable', `Greenhouse answered in a way Parley did not expect (${err instanceof Error ? err.message : String(err)}).`);
        if (e.kind === 'not-found' && o.awaitNew) {
          // Greenhouse's delay before a new candidate's record exists: ask again, for a bounded time.
          notFoundSince ??= Date.now();
          const left = notFoundSince + notFoundRetryMs - Date.now();
          if (left > 0) {
            await sleep(Math.min(poll, left));
            poll = Math.min(poll * 2, 5_000);
            continue;
          }
          throw new AtsError('greenhouse', 'not-found',
            `Greenhouse has no candidate ${o.awaitNew} (still not there after ${Math.round(notFoundRetryMs / 1000)} s): it may have been deleted or merged into another.`, e.details);
        }
        if (!e.temporary || attempt >= retries) throw e;
        const after = e.details.retryAfterMs;
        if (after !== undefined && after > maxDelayMs) throw e; // e.g. a long throttle: the job queue waits, not this process
        await sleep(after ?? Math.random() * Math.min(maxDelayMs, 250 * 2 ** attempt));
        attempt++;
      }
    }
  }

  /** Every page of a list, following `Link: <…>; rel="next"` (page numbers in v1, a cursor in v3). */
  async function everyPage<T>(path: string, query: Record<string, string>, what: Endpoint): Promise<T[]> {
    const all: T[] = [];
    const seen = new Set<string>();
    let target: string | undefined = path;
    let first = true;
    while (target) {
      const from: string = target;
      const res = await retrying(() => call('GET', from, { ...(first ? { query: transport.firstPage(query) } : {}), what }));
      if (!Array.isArray(res.body)) throw new AtsError('greenhouse', 'unavailable', `Greenhouse answered ${what.path} without a list.`);
      all.push(...(res.body as T[]));
      const next = nextLink(res.headers.get('link'));
      if (next && seen.has(next)) break; // a server that links a page to itself would loop forever
      if (next) seen.add(next);
      target = next;
      first = false;
      if (seen.size > 10_000) break;
    }
    return all;
  }

  function requireV1(what: string): void {
    if (version !== 'v1') {
      throw new AtsError('greenhouse', 'permission',
        `Parley uses Harvest v3 credentials only to list jobs so far; to ${what}, connect Greenhouse with a Harvest v1/v2 API key (Configure → Dev Center → API Credential Management).`);
    }
  }

  // ------------------------------------------------------------------ people

  const personUrl = (id: string | number) => `${appUrl}/people/${id}`;
  const candidatePath = (id: string) => `/candidates/${encodeURIComponent(id)}`;

  function toRecord(c: HarvestCandidate & { id: number | string }): AtsRecord {
    return { id: String(c.id), url: personUrl(c.id), kind: isProspect(c) ? 'prospect' : 'candidate' };
  }

  async function lookUp(email: string): Promise<AtsRecord | undefined> {
    const wanted = email.trim();
    if (!wanted) return undefined;
    const res = await retrying(() => call('GET', '/candidates', { query: { email: wanted, per_page: '100' }, what: ENDPOINTS.listCandidates }));
    const people = (Array.isArray(res.body) ? (res.body as HarvestCandidate[]) : []).filter((c): c is HarvestCandidate & { id: number | string } => c?.id !== undefined && c.id !== null);
    // Harvest matches addresses itself; prefer someone with an application to a job over a prospect.
    const match = people.find((c) => !isProspect(c)) ?? people[0];
    return match ? toRecord(match) : undefined;
  }

  /** Adds one activity-feed entry unless one with its marker is there already. */
  async function addOnce(record: AtsRecord, kind: 'note' | 'email', key: string, post: (body: string) => { path: string; json: Record<string, unknown>; what: Endpoint }, text: string) {
    const tag = marker(key);
    const body = `${text.trimEnd()}\n\n${tag}`;
    await oneAtATime(`${baseUrl}\u0000${record.id}\u0000${kind}\u0000${key}`, () =>
      retrying(async () => {
        const feed = await call('GET', `${candidatePath(record.id)}/activity_feed`, { what: ENDPOINTS.activityFeed });
        const entries = (feed.body as HarvestFeed | null)?.[kind];
        if (Array.isArray(entries) && entries.some((e) => typeof e?.body === 'string' && carries(e.body, tag))) return;
        const p = post(body);
        await call('POST', p.path, { json: p.json, what: p.what });
      }, { awaitNew: record.id }),
    );
  }

  return {
    id: 'greenhouse',

    async listPostings(): Promise<Posting[]> {
      const jobs = await everyPage<HarvestJob>('/jobs', { status: 'open' }, ENDPOINTS.listJobs);
      return jobs.filter((j) => j && j.id !== undefined && (j.status ?? 'open') === 'open').map(toPosting);
    },

    async findByEmail(email) {
      requireV1('look people up');
      return lookUp(email);
    },

    async createCandidate(data, { postingId }) {
      requireV1('export candidates');
      const jobId = postingId === undefined ? undefined : Number(postingId);
      if (jobId !== undefined && !(Number.isSafeInteger(jobId) && jobId > 0)) {
        throw new AtsError('greenhouse', 'invalid', `"${postingId}" is not a Greenhouse job id.`, { fields: ['job_id'] });
      }
      const path = jobId === undefined ? '/prospects' : '/candidates';
      const json = personBody(data, jobId);
      const what = jobId === undefined ? ENDPOINTS.addProspect : ENDPOINTS.addCandidate;
      const emails = data.emails.map((e) => e.trim()).filter(Boolean);
      let lost = false;
      return retrying(async () => {
        if (lost) {
          // The last POST may have been carried out: adopt that person rather than make a second one.
          for (const email of emails) {
            const found = await lookUp(email);
            if (found) return found;
          }
        }
        try {
          const res = await call('POST', path, { json, what });
          const id = (res.body as HarvestCandidate | null)?.id;
          if (id === undefined || id === null) throw new AtsError('greenhouse', 'unavailable', 'Greenhouse answered the create without an id.');
          return { id: String(id), url: personUrl(id), kind: jobId === undefined ? 'prospect' : 'candidate' } satisfies AtsRecord;
        } catch (err) {
          if (err instanceof AtsError && mayHaveHappened(err)) {
            // Without an address to look for, another POST could make a duplicate: the caller decides.
            if (!emails.length) throw new GiveUp(err);
            lost = true;
          }
          throw err;
        }
      });
    },

    async addNote(record, note) {
      requireV1('add notes');
      await addOnce(record, 'note', note.key, (body) => ({
        path: `${candidatePath(record.id)}/activity_feed/notes`,
        json: { user_id: userId(opts.onBehalfOf), body, visibility: 'public' },
        what: ENDPOINTS.addNote,
      }), note.text);
    },

    async addMessage(record, message) {
      requireV1('add messages');
      await addOnce(record, 'email', message.key, (body) => ({
        path: `${candidatePath(record.id)}/activity_feed/emails`,
        json: { user_id: userId(opts.onBehalfOf), to: message.to, from: message.from, subject: subjectOf(message), body },
        what: ENDPOINTS.addEmail,
      }), messageText(message));
    },
  };
}

// -------------------------------------------------------------------- transports

interface Io { timeoutMs: number; fetch?: typeof fetch }
interface Answer { status: number; headers: Headers; body: unknown }

interface Transport {
  /** Names the account for shared state (rate limit), without the secret. */
  readonly account: string;
  headers(write: boolean): Promise<Record<string, string>>;
  /** After a 401: new credentials, when that can help (true), or nothing to do (false). */
  renew(): Promise<boolean>;
  /** The first request of a list: filters and page size (later pages come whole from `Link`). */
  firstPage(filters: Record<string, string>): Record<string, string>;
}

/** Harvest's page size default; a few requests more for big lists, within the documented 1…500. */
const PER_PAGE = '100';

function basicTransport(auth: { apiKey: string }, onBehalfOf: string): Transport {
  const basic = `Basic ${Buffer.from(`${auth.apiKey}:`).toString('base64')}`;
  return {
    account: fingerprint(['v1', auth.apiKey]),
    headers: async (write) => ({ authorization: basic, ...(write ? { 'on-behalf-of': onBehalfOf } : {}) }),
    renew: async () => false,
    firstPage: (filters) => ({ ...filters, per_page: PER_PAGE, page: '1' }),
  };
}

function clientCredentialsTransport(auth: { clientId: string; clientSecret: string; tokenUrl: string }, sub: string, io: Io): Transport {
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
function lifetime(body: { expires_in?: unknown; expires_at?: unknown }): number {
  const inS = Number(body.expires_in);
  if (Number.isFinite(inS) && inS > 0) return inS;
  const at = typeof body.expires_at === 'number' ? body.expires_at * (body.expires_at < 1e12 ? 1000 : 1) : typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : NaN;
  if (Number.isFinite(at) && at > Date.now()) return (at - Date.now()) / 1000;
  return 3600;
}

/** One HTTP exchange, never retried here; network failures and timeouts become AtsErrors. */
async function send(url: string, init: { method: string; headers: Record<string, string>; json?: unknown; body?: URLSearchParams }, io: Io): Promise<Answer> {
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

interface Endpoint { path: string; permission: string }
/** The API key permissions (Dev Center → API Credential Management → Manage permissions) each call needs. */
const ENDPOINTS = {
  listJobs: { path: 'GET /jobs', permission: 'Jobs → GET: List Jobs' },
  listCandidates: { path: 'GET /candidates', permission: 'Candidates → GET: List Candidates' },
  addCandidate: { path: 'POST /candidates', permission: 'Candidates → POST: Add Candidate' },
  addProspect: { path: 'POST /prospects', permission: 'Prospects → POST: Add Prospect' },
  activityFeed: { path: 'GET /candidates/{id}/activity_feed', permission: 'Activity Feed → GET: Retrieve Activity Feed' },
  addNote: { path: 'POST /candidates/{id}/activity_feed/notes', permission: 'Candidates → POST: Add Note' },
  addEmail: { path: 'POST /candidates/{id}/activity_feed/emails', permission: 'Candidates → POST: Add E-mail' },
  token: { path: 'POST token', permission: 'Harvest V3 (OAuth) credentials' },
} satisfies Record<string, Endpoint>;

interface HarvestErrorBody { message?: unknown; error?: unknown; errors?: { message?: unknown; field?: unknown }[] }

/** An error answer in Parley's terms: what went wrong and what a person can do about it. */
function refused(res: Answer, what: Endpoint, version: 'v1' | 'v3', onBehalfOf: string): AtsError {
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
function retryAfter(headers: Headers): number | undefined {
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
function mayHaveHappened(e: AtsError): boolean {
  return e.kind === 'timeout' || (e.kind === 'unavailable' && (e.details.status === undefined || [500, 502, 504].includes(e.details.status)));
}

/** Thrown inside a retried step: stop now with this error. */
class GiveUp {
  constructor(readonly error: AtsError) {}
}

// -------------------------------------------------------------------- Harvest shapes

interface HarvestJob {
  id?: number | string;
  name?: string;
  status?: string;
  offices?: { name?: string; location?: { name?: string } | null }[];
  departments?: { name?: string }[];
}
interface HarvestCandidate {
  id?: number | string;
  is_prospect?: boolean;
  applications?: { prospect?: boolean }[];
}
type HarvestFeed = Partial<Record<'note' | 'email', { body?: unknown }[]>>;

function toPosting(j: HarvestJob): Posting {
  const places = [...new Set((j.offices ?? []).map((o) => o?.location?.name || o?.name).filter((x): x is string => !!x))];
  const team = j.departments?.[0]?.name;
  return {
    id: String(j.id),
    title: j.name ?? `Job ${j.id}`,
    ...(places.length ? { location: places.join(' · ') } : {}),
    ...(team ? { team } : {}),
    state: j.status ?? 'open',
  };
}

/** A prospect has only prospect applications (a jobless prospect has one with no job). */
function isProspect(c: HarvestCandidate): boolean {
  if (typeof c.is_prospect === 'boolean') return c.is_prospect;
  const apps = Array.isArray(c.applications) ? c.applications : [];
  return apps.length > 0 && apps.every((a) => a?.prospect === true);
}

/** Profiles that belong in Greenhouse's social media addresses; any other link is a website. */
const SOCIAL_HOSTS = /(^|\.)(linkedin\.com|talent\.io|twitter\.com|x\.com)$/i;
function isSocial(link: string): boolean {
  try {
    return SOCIAL_HOSTS.test(new URL(link).hostname);
  } catch {
    return /^(https?:\/\/)?([\w-]+\.)*(linkedin\.com|talent\.io)\b/i.test(link);
  }
}

function personBody(d: CandidateData, jobId: number | undefined): Record<string, unknown> {
  const links = [...new Set(d.links.map((l) => l.trim()).filter(Boolean))];
  const title = d.title?.trim() || d.headline?.trim();
  return {
    first_name: d.firstName.trim(),
    last_name: d.lastName.trim(),
    ...(d.company?.trim() ? { company: d.company.trim() } : {}),
    ...(title ? { title } : {}),
    email_addresses: [...new Set(d.emails.map((e) => e.trim()).filter(Boolean))].map((value) => ({ value, type: 'personal' })),
    phone_numbers: [...new Set(d.phones.map((p) => p.trim()).filter(Boolean))].map((value) => ({ value, type: 'other' })),
    social_media_addresses: links.filter(isSocial).map((value) => ({ value })),
    website_addresses: links.filter((l) => !isSocial(l)).map((value) => ({ value, type: 'other' })),
    ...(d.location?.trim() ? { addresses: [{ value: d.location.trim(), type: 'other' }] } : {}),
    tags: ['Parley'],
    ...(jobId !== undefined ? { applications: [{ job_id: jobId }] } : {}),
  };
}

/** Harvest's `user_id` is an integer; a non-numeric id is sent as it is, for Greenhouse to refuse. */
const userId = (id: string): number | string => (/^\d+$/.test(id.trim()) ? Number(id.trim()) : id);

/** The same marker line Parley's Lever connector writes, so one key reads the same in either ATS. */
const marker = (key: string) => `— Parley #${key.replace(/\s+/g, ' ').trim()}`;
/** The marker as a whole line, so key "a1" is not mistaken for "a12". */
const carries = (body: string, tag: string) => body.split(/\r?\n/).some((line) => line.trim() === tag);

function subjectOf(m: AtsMessage): string {
  if (m.subject?.trim()) return m.subject.trim();
  return m.direction === 'received' ? `Message from ${m.from}` : `Message to ${m.to}`;
}
function messageText(m: AtsMessage): string {
  const when = Number.isFinite(m.at) ? new Date(m.at).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
  return `${m.text.trimEnd()}\n\n(${m.direction === 'received' ? 'Received' : 'Sent'}${when ? ` ${when}` : ''}, recorded by Parley)`;
}

/** `<url>; rel="next"` from an RFC 5988 Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/s.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]!)) return m[1]!;
  }
  return undefined;
}

// -------------------------------------------------------------------- shared state
// The server makes a connector per job, so tokens, the rate gate and per-key queues live at module level.

const fingerprint = (parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');


/** Harvest counts requests per 10-second window; at `X-RateLimit-Remaining: 0` the next request waits it out. */
const RATE_WINDOW_MS = 10_000;
interface RateGate {
  wait(maxDelayMs: number): Promise<void>;
  observe(res: Answer): void;
}
const rateGates = new Map<string, { notBefore: number }>();

function rateGateFor(id: string): RateGate {
  let state = rateGates.get(id);
  if (!state) rateGates.set(id, (state = { notBefore: 0 }));
  const s = state;
  return {
    async wait(maxDelayMs) {
      const ms = s.notBefore - Date.now();
      if (ms > 0) await sleep(Math.min(ms, maxDelayMs));
    },
    observe(res) {
      if (res.status === 429) {
        const after = retryAfter(res.headers);
        s.notBefore = Math.max(s.notBefore, Date.now() + (after ?? 1_000));
        return;
      }
      const remaining = res.headers.get('x-ratelimit-remaining');
      if (remaining === null || !Number.isFinite(Number(remaining))) return;
      if (Number(remaining) > 0) s.notBefore = 0; // a new window has begun
      else s.notBefore = Math.max(s.notBefore, Date.now() + (retryAfter(res.headers) ?? RATE_WINDOW_MS));
    },
  };
}

/** Within this process, pushes of one entry run one after another. */
const oneAtATime = keyedSerializer();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
