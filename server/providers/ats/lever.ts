import ky, { TimeoutError } from 'ky';
import { createHash } from 'node:crypto';
import { AtsError, type AtsConnector, type AtsMessage, type AtsRecord, type CandidateData, type Posting } from './types.js';
import { keyedSerializer } from '../serial.js';

export interface LeverOptions {
  /** A Lever API key (Settings → Integrations and API → API Credentials); sent as the Basic-auth user name. */
  apiKey: string;
  /** The Lever user id every write is made on behalf of (`perform_as`): notes and opportunities show them as author/owner. */
  performAs: string;
  /** Default https://api.lever.co/v1 (sandbox: https://api.sandbox.lever.co/v1). */
  baseUrl?: string;
  /** Where people open in Lever's web app. Default https://hire.lever.co (sandbox: https://hire.sandbox.lever.co). */
  appUrl?: string;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first when Lever is rate-limiting, failing (5xx) or slow. Default 3. */
  retries?: number;
  /** Longest wait between attempts (full jitter below it); a longer Retry-After is left to the job queue. Default 30 s. */
  maxDelayMs?: number;
  /**
   * Lever allows 10 requests per second per API key and answers 429 beyond it; within this process
   * Parley keeps every connector of one key under this many per second. Default 10; 0 turns it off.
   */
  requestsPerSecond?: number;
  fetch?: typeof fetch;
}

/**
 * Lever through its Data API (v1), with an API key.
 *
 * - A person is a Lever *opportunity* (Lever keeps one contact per person and deduplicates contacts by
 *   email itself, but every POST /opportunities makes a new opportunity: callers look up first).
 *   The record's URL is `${appUrl}/candidates/<opportunity id>`, the shape of Lever's own `urls.show`.
 * - Every request has a timeout; 429 and 5xx answers and timeouts are tried again up to `retries`
 *   times with full jitter, honouring Retry-After up to `maxDelayMs` (beyond it the error goes back
 *   with `retryAfterMs` for the job queue). Requests are paced under Lever's 10 per second.
 * - Creates carry a `createdAt` chosen once per call. When a create's answer is lost (timeout, 5xx),
 *   the next attempt first looks the email up and adopts the opportunity with that exact `createdAt`
 *   instead of posting again; without an email there is nothing to look up, so such a create is not
 *   retried here (the error is temporary: the caller looks up and tries later).
 * - Lever notes have no idempotency key, so each note Parley writes ends with a marker line
 *   `— Parley #<key>`. `addNote`/`addMessage` first read the opportunity's notes (every page) and
 *   skip the write when one already carries the marker; every retry repeats that read. Within this
 *   process, notes for one opportunity are written one after another.
 */
export function leverConnector(opts: LeverOptions): AtsConnector {
  const baseUrl = (opts.baseUrl ?? 'https://api.lever.co/v1').replace(/\/+$/, '');
  const appUrl = (opts.appUrl ?? 'https://hire.lever.co').replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = Math.max(0, opts.retries ?? 3);
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const authorization = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
  const pace = pacerFor(baseUrl, opts.apiKey, opts.requestsPerSecond ?? 10);

  function requireConfig(write: boolean) {
    if (!opts.apiKey?.trim()) {
      throw new AtsError('lever', 'auth', 'Lever is not connected: this Parley workspace has no Lever API key. Ask your Parley admin to add one (Lever → Settings → Integrations and API → API Credentials).');
    }
    if (write && !opts.performAs?.trim()) {
      throw new AtsError('lever', 'invalid', 'Parley does not know which Lever user to write as (perform_as): ask your Parley admin to choose one in the Lever settings.', { fields: ['perform_as'] });
    }
  }

  // ------------------------------------------------------------------ HTTP
  /** One attempt. Throws AtsError for timeouts, unreachable Lever and answers other than 2xx. */
  async function request(method: 'GET' | 'POST', path: string, what: string, query: Record<string, string | undefined> = {}, json?: unknown): Promise<LeverBody> {
    const url = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    await pace();
    let res: Response;
    try {
      res = await ky(url, {
        method, headers: { authorization, accept: 'application/json' }, ...(json !== undefined ? { json } : {}),
        timeout: timeoutMs, retry: 0, throwHttpErrors: false, ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new AtsError('lever', 'timeout', `Lever did not answer within ${Math.round(timeoutMs / 100) / 10} s (${what}): Parley will try again.`);
      }
      const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new AtsError('lever', 'unavailable', `Parley could not reach Lever (${why}): Parley will try again.`);
    }
    const text = await res.text().catch(() => '');
    let body: LeverBody = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as LeverBody;
    } catch {
      body = {};
    }
    if (res.status >= 200 && res.status < 300) return body;
    throw refused(res.status, res.headers, body, what);
  }

  /** Lever's error answer as an AtsError, in words a recruiter or admin can act on. */
  function refused(status: number, headers: Headers, body: LeverBody, what: string): AtsError {
    const said = typeof body.message === 'string' && body.message ? ` ("${body.message}")` : '';
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    const details = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    if (status === 401) {
      return new AtsError('lever', 'auth',
        `Lever refused the API key${said}: it may have been revoked or mistyped. Ask your Parley admin to paste a current key (Lever → Settings → Integrations and API → API Credentials).`, details);
    }
    if (status === 403) {
      const actingUser = /perform_as|deactivated|user/i.test(String(body.message ?? '')) && !/api key/i.test(String(body.message ?? ''));
      return new AtsError('lever', 'permission', actingUser
        ? `Lever does not let the Lever user Parley writes as (perform_as ${opts.performAs}) do this${said}. Ask your Parley admin to choose an active Lever user in the Lever settings.`
        : `Lever's API key lacks the permission for ${what}${said}. Ask your Lever admin to enable this endpoint for the key Parley uses.`, details);
    }
    if (status === 404) return new AtsError('lever', 'not-found', `Lever could not find ${what}${said}.`, details);
    if (status === 429) return new AtsError('lever', 'rate-limit', `Lever asked Parley to slow down${said}: Parley will try again.`, details);
    if (status >= 500) return new AtsError('lever', 'unavailable', `Lever is having temporary problems (HTTP ${status})${said}: Parley will try again.`, details);
    const fields = fieldsIn(String(body.message ?? ''));
    if (fields.includes('perform_as')) {
      return new AtsError('lever', 'invalid',
        `Lever does not accept the Lever user Parley writes as (perform_as ${opts.performAs || 'missing'})${said}. Ask your Parley admin to choose an active Lever user in the Lever settings.`,
        { ...details, fields });
    }
    return new AtsError('lever', 'invalid', `Lever refused ${what}${said}.`, { ...details, ...(fields.length ? { fields } : {}) });
  }

  /** Runs a whole step again after temporary failures: full jitter, Retry-After honoured up to `maxDelayMs`. */
  async function retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        if (err instanceof GiveUp) throw err.error;
        const e = err instanceof AtsError ? err : new AtsError('lever', 'unavailable', `Lever answered in a way Parley did not expect (${err instanceof Error ? err.message : String(err)}): Parley will try again.`);
        if (!e.temporary || attempt >= retries) throw e;
        const after = e.details.retryAfterMs;
        if (after !== undefined && after > maxDelayMs) throw e; // e.g. a long pause: the job queue waits, not this process
        await sleep(after ?? Math.random() * Math.min(maxDelayMs, 250 * 2 ** attempt));
      }
    }
  }

  /** Every page of a list (`limit` 100, `offset` = the previous page's `next`); each page retried on its own when `retry`. */
  async function allPages<T>(path: string, what: string, query: Record<string, string>, retry: boolean): Promise<T[]> {
    const items: T[] = [];
    let offset: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const get = () => request('GET', path, what, { ...query, limit: '100', offset });
      const body = retry ? await retrying(get) : await get();
      if (!Array.isArray(body.data)) throw new AtsError('lever', 'unavailable', `Lever answered without a list (${what}): Parley will try again.`);
      items.push(...(body.data as T[]));
      if (body.hasNext !== true || typeof body.next !== 'string' || !body.next) return items;
      offset = body.next;
    }
    return items;
  }

  // ------------------------------------------------------------------ records
  const recordOf = (o: LeverOpportunity): AtsRecord => ({ id: o.id!, url: `${appUrl}/candidates/${encodeURIComponent(o.id!)}`, kind: 'opportunity' });
  const oppPath = (id: string) => `/opportunities/${encodeURIComponent(id)}`;

  async function opportunitiesFor(email: string, retry: boolean): Promise<LeverOpportunity[]> {
    const all = await allPages<LeverOpportunity>('/opportunities', 'the look-up by email', { email }, retry);
    return all.filter((o) => typeof o?.id === 'string' && o.id);
  }

  function createBody(data: CandidateData, postingId: string | undefined, createdAt: number) {
    const name = [data.firstName, data.lastName].map((s) => s?.trim()).filter(Boolean).join(' ');
    const headline = data.headline?.trim() || [data.title?.trim(), data.company?.trim()].filter(Boolean).join(' at ') || undefined;
    return {
      name,
      ...(headline ? { headline } : {}),
      ...(data.location?.trim() ? { location: data.location.trim() } : {}),
      emails: unique(data.emails.map((e) => e.trim()).filter(Boolean), (e) => e.toLowerCase()),
      phones: unique(data.phones.map((p) => p.trim()).filter(Boolean), (p) => p.replace(/[^\d+]/g, '')).map((value) => ({ value, type: 'other' })),
      // The canonical profile URL stays first: Lever shows links in the order given.
      links: unique(data.links.map((l) => l.trim()).filter(Boolean), (l) => l),
      sources: data.source?.trim() ? [data.source.trim()] : [],
      origin: 'sourced',
      ...(postingId ? { postings: [postingId] } : {}),
      tags: [PARLEY_TAG],
      createdAt,
    };
  }

  // ------------------------------------------------------------------ notes
  const queueKey = (id: string) => `${baseUrl}\u0000${id}`;

  async function addMarkedNote(record: AtsRecord, key: string, text: string): Promise<void> {
    requireConfig(true);
    const marker = markerFor(key);
    const value = `${text.trimEnd()}\n\n${marker}`;
    const what = `the notes of opportunity ${record.id}`;
    await oneAtATime(queueKey(record.id), () =>
      retrying(async () => {
        const notes = await allPages<LeverNote>(`${oppPath(record.id)}/notes`, what, {}, false);
        if (notes.some((n) => carries(n, marker))) return; // written before (maybe by an attempt whose answer was lost)
        await request('POST', `${oppPath(record.id)}/notes`, `a note on opportunity ${record.id}`, { perform_as: opts.performAs }, { value });
      }),
    );
  }

  return {
    id: 'lever',

    async listPostings(): Promise<Posting[]> {
      requireConfig(false);
      const all = await allPages<LeverPosting>('/postings', 'the list of postings', { state: 'published' }, true);
      const seen = new Set<string>();
      const postings: Posting[] = [];
      for (const p of all) {
        if (typeof p?.id !== 'string' || !p.id || seen.has(p.id) || (p.state !== undefined && p.state !== 'published')) continue;
        seen.add(p.id);
        postings.push({
          id: p.id,
          title: typeof p.text === 'string' ? p.text : '',
          ...(p.categories?.location ? { location: p.categories.location } : {}),
          ...(p.categories?.team ? { team: p.categories.team } : {}),
          state: p.state ?? 'published',
        });
      }
      return postings;
    },

    async findByEmail(email: string): Promise<AtsRecord | undefined> {
      requireConfig(false);
      const wanted = email.trim();
      if (!wanted) return undefined;
      const found = await opportunitiesFor(wanted, true);
      let latest: LeverOpportunity | undefined;
      for (const o of found) if (!latest || (o.createdAt ?? 0) > (latest.createdAt ?? 0)) latest = o;
      return latest ? recordOf(latest) : undefined;
    },

    async createCandidate(data: CandidateData, { postingId }: { postingId?: string }): Promise<AtsRecord> {
      requireConfig(true);
      // A few seconds back, so a Lever clock slightly behind Parley's never sees it in the future.
      const createdAt = Date.now() - CREATED_AT_LEAD_MS;
      const body = createBody(data, postingId, createdAt);
      const lookupEmail = body.emails[0];
      let maybeMade = false;
      const made = await retrying(async () => {
        if (maybeMade && lookupEmail) {
          const mine = (await opportunitiesFor(lookupEmail, false)).find((o) => o.createdAt === createdAt);
          if (mine) return mine;
        }
        try {
          const answer = await request('POST', '/opportunities', 'the new opportunity', { perform_as: opts.performAs }, body);
          const o = answer.data as LeverOpportunity | undefined;
          if (!o || typeof o.id !== 'string' || !o.id) throw new AtsError('lever', 'unavailable', 'Lever answered the create without an opportunity id: Parley will try again.');
          return o;
        } catch (err) {
          if (err instanceof AtsError && (err.kind === 'timeout' || err.kind === 'unavailable')) {
            // Lever may have made it. With an email Parley can find it again; without one it cannot tell.
            if (!lookupEmail) {
              throw new GiveUp(new AtsError('lever', err.kind, `${err.message} Lever may have created the candidate anyway: look for ${body.name || 'them'} in Lever before exporting again.`, err.details));
            }
            maybeMade = true;
          }
          throw err;
        }
      });
      return recordOf(made);
    },

    addNote: (record, note) => addMarkedNote(record, note.key, note.text),

    addMessage: (record: AtsRecord, message: AtsMessage) => addMarkedNote(record, message.key, messageText(message)),
  };
}

// -------------------------------------------------------------------- helpers

interface LeverBody {
  data?: unknown;
  hasNext?: boolean;
  next?: string;
  code?: string;
  message?: string;
  [k: string]: unknown;
}
interface LeverOpportunity {
  id?: string;
  contact?: string;
  createdAt?: number;
  emails?: string[];
  tags?: string[];
}
interface LeverPosting {
  id?: string;
  text?: string;
  state?: string;
  categories?: { location?: string; team?: string };
}
interface LeverNote {
  id?: string;
  text?: string | null;
  fields?: { type?: string; text?: string; value?: unknown }[];
}

/** Thrown from a step to stop retrying at once. */
class GiveUp {
  constructor(readonly error: AtsError) {}
}

const PARLEY_TAG = 'Parley';
const CREATED_AT_LEAD_MS = 10_000;
const MAX_PAGES = 1000;
/** Body fields and parameters Lever may name in a 400 answer. */
const KNOWN_FIELDS = ['perform_as', 'name', 'headline', 'location', 'emails', 'phones', 'links', 'sources', 'origin', 'postings', 'tags', 'createdAt', 'value', 'email', 'limit', 'offset', 'state'];

function fieldsIn(message: string): string[] {
  return KNOWN_FIELDS.filter((f) => new RegExp(`(^|[^A-Za-z_])${f}([^A-Za-z_]|$)`).test(message));
}

/** The last line of every note Parley writes: its key, so the note is written once. */
export function markerFor(key: string): string {
  return `— Parley #${key.replace(/\s+/g, ' ').trim()}`;
}

function carries(note: LeverNote, marker: string): boolean {
  const texts = [note?.text, ...(note?.fields ?? []).flatMap((f) => [f?.value, f?.text])];
  return texts.some((t) => typeof t === 'string' && t.split(/\r?\n/).some((line) => line.trim() === marker));
}

/** "Message sent on 2026-04-06 09:30 UTC from … to …:" then the subject, if any, and the text. */
export function messageText(m: AtsMessage): string {
  const when = new Date(m.at).toISOString().replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC');
  const subject = m.subject?.trim() ? `Subject: ${m.subject.trim()}\n` : '';
  return `Message ${m.direction} on ${when} from ${m.from} to ${m.to}:\n${subject}${m.text}`;
}

function unique<T>(items: T[], by: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = by(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// -------------------------------------------------------------------- shared state
// The server makes a connector per job, so the pacing per API key and the per-opportunity queue live at module level.

const WINDOW_MS = 1_050; // a little over Lever's second, so arrival jitter does not put 11 into one of its windows
const pacers = new Map<string, () => Promise<void>>();

function pacerFor(baseUrl: string, apiKey: string, perSecond: number): () => Promise<void> {
  if (!(perSecond > 0)) return async () => undefined;
  const id = createHash('sha256').update(`${baseUrl}\u0000${apiKey}\u0000${perSecond}`).digest('base64url');
  let pacer = pacers.get(id);
  if (pacer) return pacer;
  const sent: number[] = [];
  pacer = async () => {
    for (;;) {
      const now = Date.now();
      while (sent.length && sent[0]! <= now - WINDOW_MS) sent.shift();
      if (sent.length < perSecond) {
        sent.push(now);
        return;
      }
      await sleep(sent[0]! + WINDOW_MS - now + 1);
    }
  };
  pacers.set(id, pacer);
  return pacer;
}

/** Within this process, note writes to one opportunity run one after another. */
const oneAtATime = keyedSerializer();
