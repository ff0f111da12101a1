import ky, { TimeoutError } from 'ky';
import { createHash } from 'node:crypto';
import { VideoError, type Meeting, type MeetingInput, type VideoProvider } from './types.js';
import { keyedSerializer } from '../serial.js';
import { tokenCacheFor } from '../token-cache.js';

export interface ZoomOptions {
  /** The Server-to-Server OAuth app's credentials (Zoom App Marketplace → the app → App credentials). */
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Where `/oauth/token` lives. Default https://zoom.us */
  oauthUrl?: string;
  /** Default https://api.zoom.us/v2 */
  apiUrl?: string;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first one when Zoom is down, slow or rate-limiting. Default 3. */
  retries?: number;
  /** Longest wait between attempts (full jitter below it); a longer Retry-After is left to the job queue. Default 30 s. */
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

/**
 * Zoom through a Server-to-Server OAuth app: an account token (`account_credentials` grant) is
 * cached until shortly before it expires and fetched again once when Zoom answers 401 (code 124).
 *
 * Zoom has no idempotency key, so each meeting carries `[parley:<key>]` in its agenda and `create`
 * first looks through the host's scheduled meetings for it: a create whose answer was lost (time
 * out, 5xx) and that is tried again adopts the meeting Zoom did make instead of making a second.
 * Every retry repeats that whole look-then-create step, never a bare POST.
 */
export function zoomVideo(opts: ZoomOptions): VideoProvider {
  const oauthUrl = (opts.oauthUrl ?? 'https://zoom.us').replace(/\/+$/, '');
  const apiUrl = (opts.apiUrl ?? 'https://api.zoom.us/v2').replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = Math.max(0, opts.retries ?? 3);
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const tokens = zoomTokens(oauthUrl, opts);

  function requireConfig() {
    const missing = [
      !opts.accountId?.trim() && 'account ID',
      !opts.clientId?.trim() && 'client ID',
      !opts.clientSecret?.trim() && 'client secret',
    ].filter(Boolean);
    if (missing.length) {
      throw new VideoError('zoom', 'config',
        `Zoom is not set up on this Parley server: the Zoom app's ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing. Ask your Parley admin to add the Zoom Server-to-Server OAuth app's credentials.`);
    }
  }
  function requireHost(input: MeetingInput) {
    if (!input.hostEmail?.trim()) {
      throw new VideoError('zoom', 'config', 'Parley does not know the email address of your Zoom account: add it in Parley\'s settings.');
    }
  }

  // ------------------------------------------------------------------ HTTP
  async function send(url: string, init: { method: string; headers: Record<string, string>; json?: unknown; body?: URLSearchParams }): Promise<{ status: number; headers: Headers; body: ZoomBody }> {
    let res: Response;
    try {
      res = await ky(url, { ...init, timeout: timeoutMs, retry: 0, throwHttpErrors: false, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    } catch (err) {
      if (err instanceof TimeoutError) throw new VideoError('zoom', 'temporary', `Zoom did not answer within ${Math.round(timeoutMs / 100) / 10} s: Parley will try again.`);
      throw new VideoError('zoom', 'temporary', `Parley could not reach Zoom (${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}): Parley will try again.`);
    }
    const text = await res.text().catch(() => '');
    let body: ZoomBody = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === 'object') body = parsed as ZoomBody;
    } catch {
      body = {};
    }
    if (res.status === 429 || res.status >= 500) throw temporary(res.status, res.headers, body);
    return { status: res.status, headers: res.headers, body };
  }

  function temporary(status: number, headers: Headers, body: ZoomBody): VideoError {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    const what = status === 429
      ? `Zoom asked Parley to slow down${body.message ? ` ("${body.message}")` : ''}`
      : `Zoom is having temporary issues (HTTP ${status})`;
    return new VideoError('zoom', 'temporary', `${what}: Parley will try again.`, {
      status, ...(body.code !== undefined ? { code: body.code } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  async function fetchToken(): Promise<{ token: string; expiresInS: number }> {
    const basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    const res = await send(`${oauthUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'account_credentials', account_id: opts.accountId }),
    });
    const token = res.body.access_token;
    if (res.status === 200 && typeof token === 'string' && token) {
      const expiresInS = Number(res.body.expires_in);
      return { token, expiresInS: Number.isFinite(expiresInS) && expiresInS > 0 ? expiresInS : 3600 };
    }
    const reason = res.body.reason ?? res.body.message ?? res.body.error ?? `HTTP ${res.status}`;
    throw new VideoError('zoom', 'account',
      `Something went wrong with the Zoom integration: Zoom refused Parley's app credentials ("${reason}"). Ask your Parley admin to check the Zoom app's account ID, client ID and secret, and that the app and the Zoom account are still active.`,
      { status: res.status, ...(res.body.error !== undefined ? { code: res.body.error } : res.body.code !== undefined ? { code: res.body.code } : {}) });
  }

  /** One API call with the account token; a 401 gets one fresh token and one more try. */
  async function api(method: string, path: string, query?: Record<string, string>, json?: unknown) {
    const url = new URL(`${apiUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const call = (token: string) =>
      send(url.toString(), { method, headers: { authorization: `Bearer ${token}` }, ...(json !== undefined ? { json } : {}) });
    const token = await tokens.get(fetchToken);
    let res = await call(token);
    if (res.status === 401) {
      res = await call(await tokens.refresh(token, fetchToken));
      if (res.status === 401) {
        throw new VideoError('zoom', 'account',
          `Something went wrong with the Zoom integration: Zoom does not accept Parley's access even with a new token ("${res.body.message ?? 'Invalid access token.'}"). Ask your Parley admin to check that the Zoom app is activated and has the meeting scopes.`,
          { status: 401, ...(res.body.code !== undefined ? { code: res.body.code } : {}) });
      }
    }
    return res;
  }

  /** An answer Parley cannot use, in the words of LinkedIn Scheduler's video errors. */
  function refused(res: { status: number; body: ZoomBody }, host?: string): VideoError {
    const details = { status: res.status, ...(res.body.code !== undefined ? { code: res.body.code } : {}) };
    if (host !== undefined && (USER_CODES.has(Number(res.body.code)) || (res.status === 404 && res.body.code === undefined))) {
      return new VideoError('zoom', 'not-authorized-user',
        `We could not generate a video conference link because you are not an authorized user on your organization's Zoom account: Zoom has no user ${host}. Use the email address of your Zoom account in Parley, or ask your Zoom admin to add you.`,
        details);
    }
    const scopes = SCOPE_CODES.has(Number(res.body.code)) ? ' Ask your Parley admin to check that the Zoom app is activated and has the meeting scopes.' : ' Please contact your Parley admin for support.';
    return new VideoError('zoom', 'account',
      `Something went wrong with the Zoom meeting: Zoom refused the request ("${res.body.message ?? `HTTP ${res.status}`}").${scopes}`, details);
  }

  /** Runs one whole step again after temporary failures: full jitter, Retry-After honoured up to `maxDelayMs`. */
  async function retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        const e = err instanceof VideoError ? err : new VideoError('zoom', 'temporary', `Zoom answered in a way Parley did not expect (${err instanceof Error ? err.message : String(err)}): Parley will try again.`);
        if (e.kind !== 'temporary' || attempt >= retries) throw e;
        const after = e.details.retryAfterMs;
        if (after !== undefined && after > maxDelayMs) throw e; // e.g. a daily limit: the job queue waits, not this process
        await sleep(after ?? Math.random() * Math.min(maxDelayMs, 250 * 2 ** attempt));
      }
    }
  }

  // ------------------------------------------------------------------ meetings
  const userPath = (host: string) => `/users/${encodeURIComponent(host)}/meetings`;
  const meetingPath = (id: string) => `/meetings/${encodeURIComponent(id)}`;
  const gone = (res: { status: number; body: ZoomBody }) => Number(res.body.code) === 3001 || (res.status === 404 && res.body.code === undefined);

  function fields(input: MeetingInput) {
    return {
      topic: input.topic.slice(0, 200),
      start_time: new Date(input.start).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      duration: Math.max(1, Math.round((input.end - input.start) / 60_000)),
      timezone: input.timeZone,
    };
  }
  const agendaFor = (key: string) => `Interview scheduled with Parley. Participants join through their own Parley links.\n${marker(key)}`;

  function toMeeting(m: ZoomMeetingJson, host: string): Meeting {
    if (m.id === undefined || typeof m.join_url !== 'string') {
      throw new VideoError('zoom', 'temporary', 'Zoom answered without a meeting id or join link: Parley will try again.');
    }
    return { provider: 'zoom', meetingId: String(m.id), joinUrl: m.join_url, data: { hostEmail: host } };
  }

  /** The host's meeting carrying this key, looked for through every page of their scheduled meetings. */
  async function findByKey(host: string, key: string): Promise<ZoomMeetingJson | undefined> {
    const tag = marker(key);
    let pageToken = '';
    for (let page = 0; page < 100; page++) {
      const res = await api('GET', userPath(host), { type: 'scheduled', page_size: '300', ...(pageToken ? { next_page_token: pageToken } : {}) });
      if (res.status !== 200) throw refused(res, host);
      const found = (res.body.meetings ?? []).find((m) => typeof m.agenda === 'string' && m.agenda.includes(tag));
      if (found) return found;
      pageToken = typeof res.body.next_page_token === 'string' ? res.body.next_page_token : '';
      if (!pageToken) return undefined;
    }
    return undefined;
  }

  async function createOnce(input: MeetingInput): Promise<Meeting> {
    const host = input.hostEmail.trim();
    const want = fields(input);
    const existing = await findByKey(host, input.key);
    if (existing) {
      const same = existing.topic === want.topic && existing.duration === want.duration && existing.timezone === want.timezone
        && typeof existing.start_time === 'string' && Date.parse(existing.start_time) === Date.parse(want.start_time);
      if (!same) {
        const res = await api('PATCH', meetingPath(String(existing.id)), undefined, want);
        // Deleted between the look-up and now: the next attempt creates it afresh.
        if (gone(res)) throw new VideoError('zoom', 'temporary', 'The Zoom meeting disappeared while Parley was adopting it: Parley will try again.');
        if (res.status !== 204 && res.status !== 200) throw refused(res);
      }
      return toMeeting(existing, host);
    }
    const res = await api('POST', userPath(host), undefined, {
      ...want, type: 2, agenda: agendaFor(input.key),
      settings: { join_before_host: false, waiting_room: true },
    });
    if (res.status !== 201 && res.status !== 200) throw refused(res, host);
    return toMeeting(res.body as ZoomMeetingJson, host);
  }

  const create = async (input: MeetingInput): Promise<Meeting> => {
    requireConfig();
    requireHost(input);
    return oneAtATime(`${apiUrl}\u0000${input.key}`, () => retrying(() => createOnce(input)));
  };

  const remove = async (meeting: Meeting): Promise<void> => {
    requireConfig();
    await retrying(async () => {
      const res = await api('DELETE', meetingPath(meeting.meetingId));
      if (res.status === 204 || res.status === 200 || gone(res)) return; // already gone is fine
      throw refused(res);
    });
  };

  return {
    id: 'zoom',
    create,

    async update(meeting, input) {
      requireConfig();
      requireHost(input);
      const host = input.hostEmail.trim();
      const previousHost = meeting.data?.hostEmail;
      if (previousHost && previousHost.toLowerCase() !== host.toLowerCase()) {
        // Another host: their own meeting, then the old one goes.
        const moved = await create(input);
        await remove(meeting);
        return moved;
      }
      const patched = await oneAtATime(`${apiUrl}\u0000${input.key}`, () =>
        retrying(async () => {
          const res = await api('PATCH', meetingPath(meeting.meetingId), undefined, { ...fields(input), agenda: agendaFor(input.key) });
          if (res.status === 204 || res.status === 200) return true;
          if (gone(res)) return false;
          throw refused(res);
        }),
      );
      if (patched) return { ...meeting, data: { ...meeting.data, hostEmail: host } };
      // Deleted at Zoom (by the host, or it expired): a new meeting with a new join URL.
      return create(input);
    },

    remove,
  };
}

// -------------------------------------------------------------------- shared state
// The server makes a provider per job, so the account token and the per-key queue live at module level.

interface ZoomBody {
  code?: number | string;
  message?: string;
  reason?: string;
  error?: string;
  access_token?: string;
  expires_in?: number;
  next_page_token?: string;
  meetings?: ZoomMeetingJson[];
  [k: string]: unknown;
}
interface ZoomMeetingJson {
  id?: number | string;
  topic?: string;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  join_url?: string;
}

/** 1001 "User does not exist", 1010 "User does not belong to this account", 1120 (user not in the account / invitation pending). */
const USER_CODES = new Set([1001, 1010, 1120]);
/** 4700 "Invalid access token, does not contain scopes", 4711 "… does not contain scopes", 4717 "The app has been disabled". */
const SCOPE_CODES = new Set([4700, 4711, 4717]);

const marker = (key: string) => `[parley:${key}]`;

/** The shared token of one Zoom app (Server-to-Server OAuth), keyed by a fingerprint of its credentials. */
const zoomTokens = (oauthUrl: string, o: ZoomOptions) =>
  tokenCacheFor(createHash('sha256').update(`${oauthUrl}\u0000${o.accountId}\u0000${o.clientId}\u0000${o.clientSecret}`).digest('base64url'));

/** Within this process, operations on one interview's meeting run one after another. */
const oneAtATime = keyedSerializer();

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value); // Zoom's daily limits answer a date, e.g. 2026-05-31T00:00:00Z
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
