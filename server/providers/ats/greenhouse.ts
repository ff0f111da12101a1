import { AtsError, type AtsConnector, type AtsRecord, type Posting } from './types.js';
import { type Answer, basicTransport, clientCredentialsTransport, type Endpoint, ENDPOINTS, GiveUp, type Io, mayHaveHappened, refused, retryAfter, send, type Transport } from './greenhouse-http.js';
import { carries, type HarvestCandidate, type HarvestFeed, type HarvestJob, isProspect, marker, messageText, nextLink, personBody, subjectOf, toPosting, userId } from './greenhouse-harvest.js';
import { keyedSerializer } from '../serial.js';

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

// -------------------------------------------------------------------- shared state
// The server makes a connector per job, so tokens, the rate gate and per-key queues live at module level.



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
