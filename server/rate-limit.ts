import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Sql } from './db.js';
import { errorBody } from './http.js';
import { messagePage } from './pages/booking.js';
import { clientKey } from './routes/client-key.js';

/*
 * Rate limits that hold across every backend process: counters live in Postgres (table
 * `rate_limits`, migration 006), one row per key and fixed window, bumped with a single
 * `insert … on conflict do update … returning count`. Windows follow the injected clock, so tests
 * can move time; old windows are deleted now and then by whichever process notices.
 */

const MINUTE = 60_000;

export interface RateRule {
  /** Names the counter in the table, e.g. `signin:address`. */
  name: string;
  windowMs: number;
  /** How many hits a window allows; the next one is refused with 429. */
  limit: number;
  /** Count only refused requests: a request answered below 400 takes its hit back. */
  failuresOnly?: boolean;
}

/**
 * Every limit in one place. Per-address limits are tight; per-IP ones are generous (an office or a
 * campus shares one address, and requests from one client add up over all the links it opens).
 */
export const LIMITS = {
  /** Wrong passwords for one account. */
  signInPerAddress: { name: 'signin:address', windowMs: 15 * MINUTE, limit: 10, failuresOnly: true },
  /** Refused sign-ups for one address (already registered, invalid). */
  signUpPerAddress: { name: 'signup:address', windowMs: 15 * MINUTE, limit: 10, failuresOnly: true },
  /** Every sign-in and sign-up attempt from one client. */
  authPerIp: { name: 'auth:ip', windowMs: 10 * MINUTE, limit: 100 },
  /** Every request to the booking pages from one client. */
  bookingPerIp: { name: 'booking:ip', windowMs: MINUTE, limit: 300 },
  /** Book, reschedule and cancel on one link. */
  bookingChangesPerToken: { name: 'booking-change:token', windowMs: 10 * MINUTE, limit: 20 },
  /** Book, reschedule and cancel from one client, over all links. */
  bookingChangesPerIp: { name: 'booking-change:ip', windowMs: 10 * MINUTE, limit: 300 },
  /** Every request to the join gateway from one client. */
  joinPerIp: { name: 'join:ip', windowMs: MINUTE, limit: 120 },
  /** Wrong access codes on one join link (a right one takes its hit back). */
  joinCodesPerLink: { name: 'join-code:link', windowMs: 15 * MINUTE, limit: 5, failuresOnly: true },
  /** Wrong access codes from one client, over all links. */
  joinCodesPerIp: { name: 'join-code:ip', windowMs: 15 * MINUTE, limit: 20, failuresOnly: true },
  /** Every request to the interviewer pages from one client. */
  interviewerPerIp: { name: 'interviewer:ip', windowMs: MINUTE, limit: 60 },
  /** Every request on one interviewer link (CalDAV connections reach out to other servers). */
  interviewerPerToken: { name: 'interviewer:token', windowMs: 10 * MINUTE, limit: 30 },
} satisfies Record<string, RateRule>;

/** Windows are deleted once they ended this long ago (longer than any window above). */
const KEEP_MS = 24 * 60 * MINUTE;
const SWEEP_EVERY_MS = 5 * MINUTE;

export interface RateLimitDeps {
  db: Sql;
  clock: () => number;
}

/** The hits of one request: refund() takes back the hits of `failuresOnly` rules. */
export type Consumed =
  | { limited: false; refund(): Promise<void> }
  | { limited: true; retryAfterSeconds: number; rule: RateRule; refund(): Promise<void> };

/** Identifiers are stored hashed: the table holds no addresses, e-mails or link tokens. */
const keyOf = (rule: RateRule, id: string) => `${rule.name}:${createHash('sha256').update(id).digest('base64url').slice(0, 27)}`;

const lastSweep = new WeakMap<Sql, number>();

/** Deletes windows that ended long ago; returns how many rows went. */
export async function sweepRateLimits(deps: RateLimitDeps): Promise<number> {
  const rows = await deps.db.query(`delete from rate_limits where window_start < $1 returning 1`, [new Date(deps.clock() - KEEP_MS)]);
  return rows.length;
}

function maybeSweep(deps: RateLimitDeps) {
  const now = deps.clock();
  const last = lastSweep.get(deps.db);
  if (last !== undefined && Math.abs(now - last) < SWEEP_EVERY_MS) return;
  lastSweep.set(deps.db, now);
  void sweepRateLimits(deps).catch((err) => console.warn('[parley] could not delete old rate-limit windows', err));
}

/**
 * Counts one hit for each (rule, identifier) pair, in the current window of each rule. Pairs whose
 * identifier is undefined are skipped. Each hit is its own statement (no transaction holds locks
 * on several counters, so concurrent requests cannot deadlock).
 */
export async function consume(deps: RateLimitDeps, hits: Array<[RateRule, string | undefined]>): Promise<Consumed> {
  const now = deps.clock();
  maybeSweep(deps);
  const counted = await Promise.all(hits.filter((h): h is [RateRule, string] => h[1] !== undefined).map(async ([rule, id]) => {
    const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
    const key = keyOf(rule, id);
    const [row] = await deps.db.query<{ count: number }>(
      `insert into rate_limits (key, window_start, count) values ($1, $2, 1)
       on conflict (key, window_start) do update set count = rate_limits.count + 1
       returning count`, [key, new Date(windowStart)]);
    return { rule, key, windowStart, count: row!.count };
  }));
  let refunded = false;
  const refund = async () => {
    if (refunded) return;
    refunded = true;
    await Promise.all(counted.filter((h) => h.rule.failuresOnly).map((h) =>
      deps.db.query(`update rate_limits set count = count - 1 where key = $1 and window_start = $2 and count > 0`, [h.key, new Date(h.windowStart)])));
  };
  const over = counted.filter((h) => h.count > h.rule.limit);
  if (!over.length) return { limited: false, refund };
  // Wait for the last of the exceeded windows to end.
  const worst = over.reduce((a, b) => (a.windowStart + a.rule.windowMs >= b.windowStart + b.rule.windowMs ? a : b));
  const retryAfterSeconds = Math.max(1, Math.ceil((worst.windowStart + worst.rule.windowMs - now) / 1000));
  return { limited: true, retryAfterSeconds, rule: worst.rule, refund };
}

/** "30 seconds", "a minute", "12 minutes". */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}

const wantsJson = (c: Context) =>
  (c.req.header('content-type') ?? '').includes('application/json') || (c.req.header('accept') ?? '').startsWith('application/json');

/** The readable refusal: JSON for API clients, a page for browsers; always with Retry-After. */
export function tooManyRequests(c: Context, retryAfterSeconds: number, as: 'json' | 'html' | 'auto' = 'auto', message?: string): Response | Promise<Response> {
  const text = message ?? `Too many requests. Please wait ${waitText(retryAfterSeconds)} and try again.`;
  const headers = { 'retry-after': String(retryAfterSeconds) };
  if (as === 'json' || (as === 'auto' && wantsJson(c))) return c.json(errorBody(text), 429, headers);
  return c.html(messagePage('Too many requests', text), 429, headers);
}

/** What a rule counts for one request; undefined leaves the request out of that rule. */
export type RateKey = (c: Context) => string | undefined | Promise<string | undefined>;

/**
 * Middleware counting each request against every rule given; over any limit it answers 429 with
 * Retry-After. Rules marked `failuresOnly` take their hit back when the answer is below 400.
 */
export function rateLimit(deps: RateLimitDeps, rules: Array<[RateRule, RateKey]>, opts: { as?: 'json' | 'html' | 'auto'; message?: (retryAfterSeconds: number) => string } = {}): MiddlewareHandler {
  return async (c, next) => {
    const hits = await Promise.all(rules.map(async ([rule, key]) => [rule, await key(c)] as [RateRule, string | undefined]));
    const consumed = await consume(deps, hits);
    if (consumed.limited) return tooManyRequests(c, consumed.retryAfterSeconds, opts.as, opts.message?.(consumed.retryAfterSeconds));
    await next();
    if (c.res.status < 400 && !c.error) await consumed.refund();
  };
}

/**
 * The client's bucket for per-IP limits: an IPv4 address, or the /64 network of an IPv6 address
 * (one subscriber usually has a whole /64).
 */
export function ipBucket(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (g.replace(/^0+/, '') || '0').toLowerCase()).join(':')}::/64`;
}

/** The per-IP identifier of a request. */
export const clientIp = (c: Context): string => ipBucket(clientKey(c));

/** The address of an e-mail field in a JSON body, normalised as the schemas do (trimmed, lower case). */
export async function emailInBody(c: Context): Promise<string | undefined> {
  const body = (await c.req.json().catch(() => null)) as { email?: unknown } | null;
  const email = body && typeof body === 'object' && typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  return email || undefined;
}
