import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DateTime, IANAZone } from 'luxon';
import { randomBytes } from 'node:crypto';
import { serveFake } from './serve.js';

/**
 * A faithful fake of the Zoom endpoints Parley uses, served over HTTP on 127.0.0.1:
 * - Server-to-Server OAuth: `POST /oauth/token` with `grant_type=account_credentials` and
 *   `account_id` (query string or form body) and HTTP Basic `client_id:client_secret`; answers
 *   `{access_token, token_type:'bearer', expires_in:3599, scope, api_url}` or Zoom's
 *   `{reason, error}` (400 `invalid_client` for a wrong client id or secret);
 * - Meetings API under `/v2`: `POST /users/{userId}/meetings` (201, the meeting with `id`,
 *   `join_url`, …), `GET /users/{userId}/meetings` (`type`, `page_size` ≤ 300,
 *   `next_page_token`), `GET|PATCH|DELETE /meetings/{meetingId}` (PATCH and DELETE answer 204);
 *   errors in Zoom's `{code, message}` envelope: 124 "Invalid access token." (401), 1001 "User does
 *   not exist: …" (404), 3001 "Meeting does not exist: …" (404), 300 "Validation Failed." (400);
 * - faults Zoom really produces (expired token, 429 with Retry-After, 5xx, slow answers, a disabled
 *   account), applied to matching requests a given number of times.
 */

export type FakeZoomFault =
  | 'expired-token'
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number }
  | 'account-disabled';

export interface FakeZoomMeeting {
  id: number;
  hostEmail: string;
  topic: string;
  /** UTC, `yyyy-MM-ddTHH:mm:ssZ`, as Zoom answers it. */
  start_time: string;
  duration: number;
  timezone: string;
  agenda: string;
  join_url: string;
}

export interface FakeZoom {
  /** oauthUrl = url, apiUrl = `${url}/v2`. */
  url: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Emails that are users of the account (default: recruiter@example.com). */
  users: Set<string>;
  /** Largest page the list endpoint sends (Zoom: `page_size` ≤ 300); lower it to exercise paging. */
  maxPageSize: number;
  /** `expires_in` of new access tokens, in seconds (Zoom: 3599); the fake enforces it. */
  tokenExpiresIn: number;
  meetings(): FakeZoomMeeting[];
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeZoomFault): void;
  requests: { method: string; path: string; query: Record<string, string>; body?: unknown }[];
  close(): Promise<void>;
}

interface StoredMeeting extends FakeZoomMeeting {
  uuid: string;
  hostId: string;
  settings: Record<string, unknown>;
  created_at: string;
  password: string;
}

const DEFAULT_USER = 'recruiter@example.com';
const MAX_PAGE_SIZE = 300;
const SCOPES = 'meeting:read:admin meeting:write:admin user:read:admin';

export async function startFakeZoom(): Promise<FakeZoom> {
  const accountId = `acct_${randomBytes(8).toString('base64url')}`;
  const clientId = randomBytes(15).toString('base64url');
  const clientSecret = randomBytes(24).toString('base64url');

  interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeZoomFault }
  const faults: FaultEntry[] = [];
  const tokens = new Map<string, { expiresAt: number; expired: boolean }>();
  const meetings = new Map<number, StoredMeeting>();
  const userIds = new Map<string, string>();
  const pageTokens = new Map<string, { host: string; type: string; offset: number; pageSize: number }>();
  let disabled = false;
  let nextId = 81_234_567_890;

  const fake: FakeZoom = {
    url: '',
    accountId,
    clientId,
    clientSecret,
    users: new Set([DEFAULT_USER]),
    maxPageSize: MAX_PAGE_SIZE,
    tokenExpiresIn: 3599,
    meetings: () =>
      [...meetings.values()].map((m) => ({
        id: m.id, hostEmail: m.hostEmail, topic: m.topic, start_time: m.start_time, duration: m.duration, timezone: m.timezone, agenda: m.agenda, join_url: m.join_url,
      })),
    fault(match, fault) {
      faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    requests: [],
    close: async () => undefined,
  };

  // ---------------------------------------------------------------- helpers
  const zoomError = (c: Context, status: number, code: number, message: string, extra: Record<string, unknown> = {}) =>
    c.json({ code, message, ...extra }, status as ContentfulStatusCode);
  const invalidToken = (c: Context) => zoomError(c, 401, 124, 'Invalid access token.');
  const userMissing = (c: Context, userId: string) => zoomError(c, 404, 1001, `User does not exist: ${userId}.`);
  const meetingMissing = (c: Context, id: string) => zoomError(c, 404, 3001, `Meeting does not exist: ${id}.`);
  const validation = (c: Context, field: string) =>
    zoomError(c, 400, 300, 'Validation Failed.', { errors: [{ field, message: 'Invalid field.' }] });
  const tokenError = (c: Context, error: string, reason: string) => c.json({ reason, error }, 400);

  /** The account's user for a userId (an email, case-insensitive, or the user's id), or undefined. */
  function userFor(userId: string): string | undefined {
    const wanted = userId.toLowerCase();
    for (const email of fake.users) {
      if (email.toLowerCase() === wanted || idOfUser(email) === userId) return email;
    }
    return undefined;
  }
  function idOfUser(email: string): string {
    const key = email.toLowerCase();
    let id = userIds.get(key);
    if (!id) userIds.set(key, (id = randomBytes(16).toString('base64url').slice(0, 22)));
    return id;
  }
  function bearerOk(c: Context): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const t = m?.[1] ? tokens.get(m[1]) : undefined;
    return !!t && !t.expired && !disabled && Date.now() < t.expiresAt;
  }

  /** Zoom's start_time: `…Z` is GMT; without an offset it is local time in `timezone`. */
  function parseStart(value: unknown, zone: string): string | undefined {
    if (typeof value !== 'string') return undefined;
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
    const dt = hasOffset ? DateTime.fromISO(value, { setZone: true }) : DateTime.fromISO(value, { zone });
    return dt.isValid ? dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'") : undefined;
  }

  type MeetingBody = { topic?: unknown; type?: unknown; start_time?: unknown; duration?: unknown; timezone?: unknown; agenda?: unknown; settings?: unknown };
  /** Checks and applies a create/update body; returns the invalid field's name, if any. */
  function apply(m: StoredMeeting, body: MeetingBody): string | undefined {
    if (body.timezone !== undefined) {
      if (typeof body.timezone !== 'string' || !IANAZone.isValidZone(body.timezone)) return 'timezone';
    }
    const zone = typeof body.timezone === 'string' ? body.timezone : m.timezone;
    let start: string | undefined;
    if (body.start_time !== undefined) {
      start = parseStart(body.start_time, zone);
      if (!start) return 'start_time';
    }
    if (body.duration !== undefined && (typeof body.duration !== 'number' || !Number.isInteger(body.duration) || body.duration < 0)) return 'duration';
    if (body.topic !== undefined && (typeof body.topic !== 'string' || body.topic.length > 200)) return 'topic';
    if (body.agenda !== undefined && (typeof body.agenda !== 'string' || body.agenda.length > 2000)) return 'agenda';
    if (body.settings !== undefined && (typeof body.settings !== 'object' || body.settings === null)) return 'settings';
    if (start) m.start_time = start;
    m.timezone = zone;
    if (typeof body.duration === 'number') m.duration = body.duration;
    if (typeof body.topic === 'string') m.topic = body.topic;
    if (typeof body.agenda === 'string') m.agenda = body.agenda;
    if (body.settings) m.settings = { ...m.settings, ...(body.settings as Record<string, unknown>) };
    return undefined;
  }

  function meetingJson(m: StoredMeeting) {
    return {
      uuid: m.uuid, id: m.id, host_id: m.hostId, host_email: m.hostEmail, topic: m.topic, type: 2, status: 'waiting',
      start_time: m.start_time, duration: m.duration, timezone: m.timezone, agenda: m.agenda, created_at: m.created_at,
      start_url: `https://us06web.zoom.us/s/${m.id}?zak=${randomBytes(24).toString('base64url')}`, join_url: m.join_url,
      password: m.password, h323_password: m.password, pstn_password: m.password, encrypted_password: m.join_url.split('pwd=')[1],
      settings: m.settings, pre_schedule: false,
    };
  }
  function listItem(m: StoredMeeting) {
    return {
      uuid: m.uuid, id: m.id, host_id: m.hostId, topic: m.topic, type: 2, start_time: m.start_time, duration: m.duration,
      timezone: m.timezone, agenda: m.agenda, created_at: m.created_at, join_url: m.join_url,
    };
  }

  // ---------------------------------------------------------------- app
  const app = new Hono();

  // Every request is logged, then the first matching fault (if any) decides its fate.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      const text = await c.req.raw.clone().text();
      if ((c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
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
      const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
      const t = m?.[1] ? tokens.get(m[1]) : undefined;
      if (t) t.expired = true;
      return invalidToken(c);
    }
    if (f === 'account-disabled') {
      // From now on the account's tokens stop working and no new ones are issued.
      disabled = true;
      return next();
    }
    if ('delayMs' in f) {
      // The request is carried out at once; only the answer is late (as when a client gives up waiting).
      await next();
      await new Promise((r) => setTimeout(r, f.delayMs));
      return;
    }
    if (f.status === 429) {
      c.header('retry-after', String(f.retryAfterSeconds));
      c.header('x-ratelimit-category', 'Light');
      c.header('x-ratelimit-type', 'QPS');
      return zoomError(c, 429, 429, 'You have reached the maximum per-second rate limit for this API. Try again later.');
    }
    return f.status === 503 ? zoomError(c, 503, 503, 'Service Unavailable.') : zoomError(c, 500, 500, 'Internal Error.');
  });

  // ---------------------------------------------------------------- OAuth
  app.post('/oauth/token', async (c) => {
    const query = new URL(c.req.url).searchParams;
    const form = (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')
      ? new URLSearchParams(await c.req.text())
      : new URLSearchParams();
    const param = (name: string) => form.get(name) ?? query.get(name);
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
    if (!id || !secret) return tokenError(c, 'invalid_client', 'Client ID or client secret is missing.');
    if (id !== clientId || secret !== clientSecret) return tokenError(c, 'invalid_client', 'Invalid client_id or client_secret');
    const grant = param('grant_type');
    if (!grant) return tokenError(c, 'invalid_request', 'Missing grant type.');
    if (grant !== 'account_credentials') return tokenError(c, 'unsupported_grant_type', 'unsupported grant type');
    if (param('account_id') !== accountId) return tokenError(c, 'invalid_request', 'Invalid account_id');
    if (disabled) return tokenError(c, 'invalid_client', 'The account has been disabled');
    const token = `eyJzdiI6IjAwMDAwMSJ9.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, { expiresAt: Date.now() + fake.tokenExpiresIn * 1000, expired: false });
    return c.json({ access_token: token, token_type: 'bearer', expires_in: fake.tokenExpiresIn, scope: SCOPES, api_url: fake.url });
  });

  // ---------------------------------------------------------------- Meetings API
  const api = new Hono();
  api.use('*', async (c, next) => (bearerOk(c) ? next() : invalidToken(c)));

  api.post('/users/:userId/meetings', async (c) => {
    const userId = c.req.param('userId');
    const host = userFor(userId);
    if (!host) return userMissing(c, userId);
    const body = (await c.req.json().catch(() => null)) as MeetingBody | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return zoomError(c, 400, 300, 'Request Body should be a valid JSON object.');
    if (body.type !== undefined && body.type !== 2) return validation(c, 'type'); // only scheduled meetings are modelled
    const id = nextId;
    nextId += 7_919 + Math.floor(Math.random() * 1000);
    const pwd = randomBytes(16).toString('base64url');
    const now = DateTime.utc();
    const m: StoredMeeting = {
      id, uuid: randomBytes(16).toString('base64'), hostId: idOfUser(host), hostEmail: host, topic: 'Zoom Meeting',
      start_time: now.toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'"), duration: 60, timezone: 'America/Los_Angeles', agenda: '',
      join_url: `https://us06web.zoom.us/j/${id}?pwd=${pwd}`, password: pwd.slice(0, 6), created_at: now.toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'"),
      settings: { host_video: false, participant_video: false, join_before_host: false, waiting_room: false, mute_upon_entry: false },
    };
    const bad = apply(m, body);
    if (bad) return validation(c, bad);
    meetings.set(id, m);
    return c.json(meetingJson(m), 201);
  });

  api.get('/users/:userId/meetings', (c) => {
    const userId = c.req.param('userId');
    const host = userFor(userId);
    if (!host) return userMissing(c, userId);
    const q = c.req.query();
    let state: { host: string; type: string; offset: number; pageSize: number };
    if (q.next_page_token) {
      const saved = pageTokens.get(q.next_page_token);
      if (!saved || saved.host !== host) return zoomError(c, 400, 300, 'The next page token is invalid or expired.');
      state = saved;
    } else {
      const type = q.type ?? 'scheduled';
      if (!['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'].includes(type)) return validation(c, 'type');
      const size = q.page_size === undefined ? 30 : Number(q.page_size);
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return validation(c, 'page_size');
      state = { host, type, offset: 0, pageSize: size };
    }
    const now = Date.now();
    const all = [...meetings.values()]
      .filter((m) => m.hostEmail === host)
      .filter((m) => {
        const start = Date.parse(m.start_time);
        const end = start + m.duration * 60_000;
        if (state.type === 'live') return start <= now && now < end;
        if (state.type === 'upcoming' || state.type === 'upcoming_meetings') return end >= now;
        if (state.type === 'previous_meetings') return end < now;
        return true;
      })
      .sort((a, b) => a.start_time.localeCompare(b.start_time) || a.id - b.id);
    const size = Math.min(state.pageSize, fake.maxPageSize);
    const page = all.slice(state.offset, state.offset + size);
    let next = '';
    if (state.offset + size < all.length) {
      next = randomBytes(24).toString('base64url');
      pageTokens.set(next, { ...state, offset: state.offset + size });
    }
    return c.json({ page_size: size, total_records: all.length, next_page_token: next, meetings: page.map(listItem) });
  });

  const meetingFor = (id: string) => (/^\d+$/.test(id) ? meetings.get(Number(id)) : undefined);

  api.get('/meetings/:meetingId', (c) => {
    const m = meetingFor(c.req.param('meetingId'));
    return m ? c.json(meetingJson(m)) : meetingMissing(c, c.req.param('meetingId'));
  });

  api.patch('/meetings/:meetingId', async (c) => {
    const m = meetingFor(c.req.param('meetingId'));
    if (!m) return meetingMissing(c, c.req.param('meetingId'));
    const body = (await c.req.json().catch(() => null)) as MeetingBody | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return zoomError(c, 400, 300, 'Request Body should be a valid JSON object.');
    const draft = { ...m, settings: { ...m.settings } };
    const bad = apply(draft, body);
    if (bad) return validation(c, bad);
    meetings.set(m.id, draft);
    return c.body(null, 204);
  });

  api.delete('/meetings/:meetingId', (c) => {
    const m = meetingFor(c.req.param('meetingId'));
    if (!m) return meetingMissing(c, c.req.param('meetingId'));
    meetings.delete(m.id);
    return c.body(null, 204);
  });

  app.route('/v2', api);
  app.notFound((c) => zoomError(c, 404, 404, 'Not Found'));

  const served = await serveFake(app);
  fake.url = served.url;
  fake.close = served.close;
  return fake;
}
