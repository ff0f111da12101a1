import { createHash } from 'node:crypto';
import { HTTPError, type KyInstance } from 'ky';
import { DateTime } from 'luxon';
import type { Interval } from '../../../lib/availability/types.js';
import { errorJson, genericProviderError, providerHttp } from '../http.js';
import {
  ProviderError, type AccessTokenSource, type CalendarApi, type CalendarEventInput, type ExternalEvent, type ProviderCalendar,
} from './types.js';

/**
 * Google Calendar API v3 (https://www.googleapis.com/calendar/v3) behind Parley's CalendarApi.
 *
 * - Events get a client-chosen id derived from the booking key (`googleEventId`), so a create that
 *   is retried (after a timeout, a crash, a 5xx) finds the first one through Google's 409 and adopts
 *   it instead of making a second event. An event deleted earlier keeps its id at Google (as a
 *   `cancelled` event): creating the key again revives it.
 * - Free/busy goes through `POST /freeBusy`, at most 50 calendars a call. A calendar Google could
 *   not answer for (`errors` in its entry) makes the whole call fail: never "free" by mistake.
 * - Google's error bodies are mapped to ProviderError kinds by `googleProviderError`.
 */

/** The scopes Parley asks Google for (see server/oauth.ts) and what each operation needs of them. */
export const GOOGLE_SCOPE = {
  events: 'https://www.googleapis.com/auth/calendar.events',
  readonly: 'https://www.googleapis.com/auth/calendar.readonly',
} as const;

const FREEBUSY_BATCH = 50;
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export interface GoogleCalendarOptions {
  /** e.g. https://www.googleapis.com/calendar/v3 */
  baseUrl: string;
  token: AccessTokenSource;
  timeoutMs?: number;
  retries?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

export interface GoogleDateTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}
interface GoogleEvent {
  id: string;
  etag?: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  start?: GoogleDateTime;
  end?: GoogleDateTime;
}
interface CalendarListEntry {
  id: string;
  summary?: string;
  summaryOverride?: string;
  primary?: boolean;
  deleted?: boolean;
  accessRole?: 'owner' | 'writer' | 'reader' | 'freeBusyReader';
}
interface FreeBusyAnswer {
  calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: { domain?: string; reason?: string }[] }>;
}

/** The HTTP client for Google Calendar calls: shared ky client, token refresh, retries (rate-limit 403s included). */
export function googleHttp(opts: GoogleCalendarOptions): KyInstance {
  return providerHttp({
    provider: 'google',
    baseUrl: opts.baseUrl,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    maxDelayMs: opts.maxDelayMs,
    fetch: opts.fetch,
    isRateLimit403: (body) => googleReasons(body).some((r) => RATE_LIMIT_REASONS.has(r)),
  });
}

export function googleCalendar(opts: GoogleCalendarOptions): CalendarApi {
  const http: KyInstance = googleHttp(opts);
  const events = (calendarId: string) => `calendars/${encodeURIComponent(calendarId)}/events`;
  const event = (calendarId: string, eventId: string) => `${events(calendarId)}/${encodeURIComponent(eventId)}`;
  const noMail = { sendUpdates: 'none' };

  /** Runs a call and turns whatever it throws into a ProviderError. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await googleProviderError(err);
    }
  }

  async function freeBusy(ids: string[], range: Interval): Promise<Interval[]> {
    const answer = await call(() =>
      http.post('freeBusy', {
        json: { timeMin: new Date(range.start).toISOString(), timeMax: new Date(range.end).toISOString(), items: ids.map((id) => ({ id })) },
      }).json<FreeBusyAnswer>(),
    );
    const out: Interval[] = [];
    for (const id of ids) {
      const entry = answer.calendars?.[id];
      if (!entry) {
        throw new ProviderError('google', 'unavailable', `Google Calendar did not report the free/busy time of the calendar “${id}”.`, { reason: 'missing' });
      }
      if (entry.errors?.length) throw freeBusyError(id, entry.errors[0]?.reason ?? 'unknown');
      for (const b of entry.busy ?? []) {
        const start = Math.max(Date.parse(b.start), range.start);
        const end = Math.min(Date.parse(b.end), range.end);
        if (!Number.isFinite(start) || !Number.isFinite(end)) {
          throw new ProviderError('google', 'unavailable', `Google Calendar sent an unreadable busy time for “${id}”.`, { reason: 'bad-answer' });
        }
        if (end > start) out.push({ start, end });
      }
    }
    return out;
  }

  return {
    async listCalendars() {
      const out: ProviderCalendar[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < 100; page++) {
        const answer = await call(() =>
          http.get('users/me/calendarList', { searchParams: { maxResults: 250, ...(pageToken ? { pageToken } : {}) } })
            .json<{ items?: CalendarListEntry[]; nextPageToken?: string }>(),
        );
        for (const c of answer.items ?? []) {
          if (c.deleted) continue;
          out.push({
            id: c.id,
            name: c.summaryOverride || c.summary || c.id,
            primary: c.primary === true,
            readOnly: c.accessRole !== 'owner' && c.accessRole !== 'writer',
          });
        }
        pageToken = answer.nextPageToken;
        if (!pageToken) return out;
      }
      throw new ProviderError('google', 'unavailable', 'Google Calendar kept sending more pages of calendars; Parley stopped reading them.');
    },

    async busy(calendarIds, range) {
      const ids = [...new Set(calendarIds)];
      if (ids.length === 0 || range.end <= range.start) return [];
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += FREEBUSY_BATCH) batches.push(ids.slice(i, i + FREEBUSY_BATCH));
      const parts = await Promise.all(batches.map((batch) => freeBusy(batch, range)));
      return mergeIntervals(parts.flat());
    },

    async changeMark(calendarIds) {
      // An events list answers the calendar's last modification (`updated`) beside its items: asked
      // for nothing else, it is one small request per calendar.
      const ids = [...new Set(calendarIds)].sort();
      const answers = await Promise.all(
        ids.map((id) => call(() => http.get(events(id), { searchParams: { maxResults: 1, showDeleted: 'true', fields: 'updated' } }).json<{ updated?: string }>())),
      );
      return ids
        .map((id, i) => {
          const updated = answers[i]?.updated;
          if (!updated) throw new ProviderError('google', 'unavailable', `Google Calendar did not say when “${id}” last changed.`, { reason: 'bad-answer' });
          return `${id} ${updated}`;
        })
        .join('\n');
    },

    async createEvent(calendarId, input) {
      const id = googleEventId(input.key);
      const body = eventBody(input);
      try {
        const created = await http.post(events(calendarId), { searchParams: noMail, json: { id, ...body } }).json<GoogleEvent>();
        return refOf(created);
      } catch (err) {
        // 409: the id exists, so an earlier attempt (or an earlier booking with this key) made it.
        if (!(err instanceof HTTPError) || err.response.status !== 409) throw await googleProviderError(err);
      }
      const existing = await call(() => http.get(event(calendarId, id)).json<GoogleEvent>()).catch((err: unknown) => {
        if (err instanceof ProviderError && err.kind === 'not-found') {
          throw new ProviderError('google', 'conflict', 'Google Calendar already holds an event with this booking’s id that Parley cannot open.', { status: 409, reason: 'duplicate' });
        }
        throw err;
      });
      if (existing.status !== 'cancelled' && sameEvent(existing, input)) return refOf(existing);
      // Deleted earlier (Google keeps it as `cancelled`) or changed since: bring it back in line.
      const revived = await call(() =>
        http.patch(event(calendarId, id), { searchParams: noMail, json: { ...body, status: 'confirmed' } }).json<GoogleEvent>(),
      );
      return refOf(revived);
    },

    async updateEvent(calendarId, ref, input) {
      const updated = await call(() => http.patch(event(calendarId, ref.externalId), { searchParams: noMail, json: eventBody(input) }).json<GoogleEvent>());
      return refOf(updated);
    },

    async deleteEvent(calendarId, ref) {
      try {
        await http.delete(event(calendarId, ref.externalId), { searchParams: noMail });
      } catch (err) {
        // 404: never there or purged; 410: deleted already. Either way it is gone.
        if (err instanceof HTTPError && (err.response.status === 404 || err.response.status === 410)) return;
        throw await googleProviderError(err);
      }
    },
  };
}

function refOf(e: GoogleEvent): ExternalEvent {
  return e.etag ? { externalId: e.id, etag: e.etag } : { externalId: e.id };
}

/** The event as Google takes it: wall time in the recruiter's zone, no invitations mailed by Google. */
function eventBody(e: CalendarEventInput) {
  return {
    summary: e.summary,
    description: e.description,
    start: googleTime(e.start, e.timeZone),
    end: googleTime(e.end, e.timeZone),
    attendees: e.attendees.map((a) => (a.name ? { email: a.email, displayName: a.name } : { email: a.email })),
    reminders: { useDefault: true },
    extendedProperties: { private: { parleyKey: e.key } },
  };
}

/** A Google `{dateTime, timeZone}`: wall time in the given IANA zone (UTC when the zone is unknown). */
export function googleTime(ms: number, zone: string): GoogleDateTime {
  const local = DateTime.fromMillis(ms, { zone });
  if (!local.isValid) return { dateTime: new Date(ms).toISOString(), timeZone: 'UTC' };
  return { dateTime: local.toISO({ suppressMilliseconds: true })!, timeZone: zone };
}

function sameEvent(g: GoogleEvent, e: CalendarEventInput): boolean {
  return Date.parse(g.start?.dateTime ?? '') === e.start && Date.parse(g.end?.dateTime ?? '') === e.end
    && (g.summary ?? '') === e.summary && (g.description ?? '') === e.description;
}

function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

function freeBusyError(calendarId: string, reason: string): ProviderError {
  const details = { reason };
  if (reason === 'notFound') {
    return new ProviderError('google', 'not-found',
      `Google Calendar could not find the calendar “${calendarId}”: it may have been deleted or is no longer shared with this account.`, details);
  }
  if (reason === 'internalError' || reason === 'backendError') {
    return new ProviderError('google', 'unavailable', `Google Calendar could not read the free/busy time of “${calendarId}” just now; Parley will try again.`, details);
  }
  return new ProviderError('google', 'invalid', `Google Calendar would not give the free/busy time of “${calendarId}” (${reason}).`, details);
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32HEX[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * A valid Google event id for a booking key, always the same for the same key: the key's UTF-8
 * bytes in base32hex (lowercase a–v, 0–9; so it can be read back), or, for keys shorter than 3 or
 * longer than 600 bytes, the base32hex of the key's SHA-256. Always 5–1024 characters.
 */
export function googleEventId(key: string): string {
  const bytes = new TextEncoder().encode(key);
  if (bytes.length >= 3 && bytes.length <= 600) return base32hex(bytes);
  return base32hex(createHash('sha256').update(bytes).digest());
}

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: { domain?: string; reason?: string; message?: string }[];
    details?: { '@type'?: string; reason?: string }[];
  };
}

/** The reasons in a Google error body: `errors[].reason` first, then `details[].reason` (ErrorInfo). */
export function googleReasons(body: unknown): string[] {
  const error = (body as GoogleErrorBody | null)?.error;
  if (!error || typeof error !== 'object') return [];
  const reasons = [...(error.errors ?? []).map((e) => e?.reason), ...(error.details ?? []).map((d) => d?.reason)];
  return reasons.filter((r): r is string => typeof r === 'string' && r.length > 0);
}

/** Which of Parley's scopes the request needed, judged from its URL. */
function scopeFor(url: string | undefined): string {
  const path = url ? new URL(url).pathname : '';
  return /\/calendars\/[^/]+\/events/.test(path) ? GOOGLE_SCOPE.events : GOOGLE_SCOPE.readonly;
}

const SCOPE_WORDS: Record<string, string> = {
  [GOOGLE_SCOPE.events]: '“View and edit events on all your calendars”',
  [GOOGLE_SCOPE.readonly]: '“See and download any calendar you can access”',
};

/** Google's answer as a ProviderError a recruiter can read (reasons from the body, then the status). */
export async function googleProviderError(err: unknown): Promise<ProviderError> {
  if (err instanceof ProviderError) return err;
  if (!(err instanceof HTTPError)) {
    const generic = genericProviderError('google', err);
    if (generic.kind === 'timeout') {
      return new ProviderError('google', 'timeout', 'Google Calendar did not answer in time; Parley will try again.', generic.details);
    }
    return generic;
  }
  const status = err.response.status;
  const body = await errorJson(err);
  const reasons = googleReasons(body);
  const has = (...r: string[]) => r.some((x) => reasons.includes(x));
  const retryAfter = Number(err.response.headers.get('retry-after'));
  const details = {
    status,
    ...(reasons[0] ? { reason: reasons[0] } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };

  if (status === 401) {
    return new ProviderError('google', 'auth',
      'Google no longer accepts Parley’s access to this calendar (the access was revoked or has expired). Reconnect Google Calendar in Parley’s settings.', details);
  }
  if (status === 429 || (status === 403 && has('rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded'))) {
    return new ProviderError('google', 'rate-limit', 'Google Calendar asked Parley to slow down; Parley will try again shortly.', details);
  }
  if (status === 403) {
    if (has('insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')) {
      const missing = scopeFor(err.request?.url);
      return new ProviderError('google', 'scope',
        `Parley was not given the Google permission ${SCOPE_WORDS[missing] ?? missing}. Connect Google Calendar again and tick every permission Parley asks for.`,
        { ...details, missing: [missing] });
    }
    if (has('notACalendarUser')) {
      return new ProviderError('google', 'account',
        'This Google account has no Google Calendar. Connect the Google account you use for your calendar, or open Google Calendar once with this account and try again.',
        { ...details, reason: 'not-calendar-user' });
    }
    if (has('forbiddenForNonOrganizer')) {
      return new ProviderError('google', 'invalid', 'Only the organizer of this event can change it in Google Calendar.', details);
    }
    if (has('requiredAccessLevel')) {
      return new ProviderError('google', 'invalid', 'Parley may only read this Google calendar: choose a calendar you can edit for new interviews.', details);
    }
    return new ProviderError('google', 'invalid', 'Google Calendar refused this request (no permission).', details);
  }
  if (status === 404) {
    return new ProviderError('google', 'not-found', 'Google Calendar could not find the calendar or event: it may have been deleted or is no longer shared with this account.', details);
  }
  if (status === 410) return new ProviderError('google', 'not-found', 'The event was already deleted in Google Calendar.', details);
  if (status === 409) return new ProviderError('google', 'conflict', 'Google Calendar already has an event with this id.', details);
  if (status === 412) return new ProviderError('google', 'conflict', 'The event was changed in Google Calendar in the meantime.', details);
  if (status >= 500) {
    return new ProviderError('google', 'unavailable', `Google Calendar is having problems right now (error ${status}); Parley will try again.`, details);
  }
  const said = (body as GoogleErrorBody | null)?.error?.message;
  return new ProviderError('google', 'invalid', `Google Calendar refused the request${said ? `: ${said}` : ` (error ${status})`}.`, details);
}
