import { createHash } from 'node:crypto';
import type { KyInstance } from 'ky';
import { DateTime, IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import type { Interval } from '../../../lib/availability/types.js';
import { providerHttp } from '../http.js';
import { graphProviderError, scheduleError } from './graph-errors.js';
import { limitedFetch } from './mailbox-limiter.js';
import {
  ProviderError,
  type AccessTokenSource,
  type CalendarApi,
  type CalendarEventInput,
  type ExternalEvent,
  type ProviderCalendar,
} from './types.js';

/**
 * Microsoft 365 calendars through Microsoft Graph v1.0 (delegated, `/me`).
 *
 * - Free/busy of the default calendar comes from `getSchedule` (what Outlook's scheduling assistant
 *   uses); other calendars are read event by event through `calendarView`.
 * - Times Graph answers with may carry a Windows zone name ("Pacific Standard Time") even when
 *   `Prefer: outlook.timezone="UTC"` was sent: every time is converted with `toIana` first.
 * - Creates are idempotent twice over: a `transactionId` derived from the event key (Graph drops a
 *   retried POST with the same id) and a single-value extended property holding the key, looked up
 *   before every create, so an event made by an attempt that "timed out" is adopted, not duplicated.
 * - Outlook serves at most 4 concurrent requests per mailbox (429 MailboxConcurrency beyond):
 *   requests to one mailbox go through a shared limiter (mailbox-limiter.ts), the rest wait their turn.
 * - Graph's refusals become ProviderErrors in graph-errors.ts, shared with Teams meetings.
 */
export interface MicrosoftCalendarOptions {
  /** https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  token: AccessTokenSource;
  /** The user's address, for getSchedule (and the concurrency limiter's key). */
  mailbox: string;
  timeoutMs?: number;
  retries?: number;
  maxDelayMs?: number;
  /** Requests in flight per mailbox, default 4 (Outlook's limit). */
  maxConcurrent?: number;
  fetch?: typeof fetch;
}

/** Parley's named property set; the property holds CalendarEventInput.key. */
export { graphProviderError } from './graph-errors.js';

export const PARLEY_KEY_PROPERTY = 'String {8f1d2c7a-4b6e-4e0f-9d3a-5c2b7e91a604} Name ParleyEventKey';

export const PREFER_UTC = 'outlook.timezone="UTC"';
/** getSchedule accepts at most 62 days per call. */
const SCHEDULE_CHUNK_MS = 62 * 24 * 3_600_000;
const MAX_PAGES = 500;

interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
}
export interface GraphDateTime {
  dateTime: string;
  timeZone?: string;
}
interface GraphCalendar {
  id: string;
  name?: string;
  canEdit?: boolean;
  isDefaultCalendar?: boolean;
}
interface GraphEvent {
  id: string;
  '@odata.etag'?: string;
  changeKey?: string;
  start?: GraphDateTime;
  end?: GraphDateTime;
  showAs?: string;
  isCancelled?: boolean;
  singleValueExtendedProperties?: { id: string; value: string }[];
}
interface ScheduleInformation {
  scheduleId?: string;
  availabilityView?: string;
  scheduleItems?: { status?: string; start?: GraphDateTime; end?: GraphDateTime }[];
  error?: { message?: string; responseCode?: string };
}

/**
 * The HTTP client for one mailbox's Graph calls (shared ky client, token refresh, retries), behind
 * the per-mailbox concurrency limiter: every client made for the same Graph URL and mailbox (the
 * calendar provider, the Teams video provider…) shares one limit.
 */
export function microsoftHttp(opts: Pick<MicrosoftCalendarOptions, 'baseUrl' | 'token' | 'mailbox' | 'timeoutMs' | 'retries' | 'maxDelayMs' | 'maxConcurrent' | 'fetch'>): {
  http: KyInstance;
  baseUrl: string;
} {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const mailbox = opts.mailbox.trim();
  const baseFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const http = providerHttp({
    provider: 'microsoft',
    baseUrl,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    maxDelayMs: opts.maxDelayMs,
    fetch: limitedFetch(`${baseUrl}|${mailbox.toLowerCase()}`, Math.max(1, opts.maxConcurrent ?? 4), baseFetch),
  });
  return { http, baseUrl };
}

/** GET a Graph collection, following @odata.nextLink (only on Graph's own origin: the token goes with it). */
export async function collectPages<T>(
  http: KyInstance,
  baseUrl: string,
  path: string,
  searchParams: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<T[]> {
  let page = await http.get(path, { searchParams, headers }).json<GraphPage<T>>();
  const out = [...(page.value ?? [])];
  for (let n = 0; page['@odata.nextLink']; n++) {
    const next = page['@odata.nextLink'];
    if (n >= MAX_PAGES) throw new ProviderError('microsoft', 'invalid', 'Microsoft 365 returned more pages than Parley reads');
    if (!next.startsWith(`${baseUrl}/`)) throw new ProviderError('microsoft', 'invalid', 'Microsoft 365 returned a next page on another server');
    page = await http.get(next, { prefixUrl: '', headers }).json<GraphPage<T>>();
    out.push(...(page.value ?? []));
  }
  return out;
}

/**
 * The event a booking key already made in a calendar, if any: Parley's key property, matched
 * exactly (Graph compares the value case-insensitively). `select` adds fields to the answer.
 */
export async function findEventByKey<T extends { id: string } = { id: string }>(
  http: KyInstance,
  baseUrl: string,
  calendarId: string,
  key: string,
  select: string[] = [],
): Promise<T | undefined> {
  const found = await collectPages<T & Pick<GraphEvent, 'singleValueExtendedProperties'>>(http, baseUrl, `me/calendars/${encodeURIComponent(calendarId)}/events`, {
    $filter: `singleValueExtendedProperties/Any(ep: ep/id eq '${odata(PARLEY_KEY_PROPERTY)}' and ep/value eq '${odata(key)}')`,
    $expand: `singleValueExtendedProperties($filter=id eq '${odata(PARLEY_KEY_PROPERTY)}')`,
    $select: ['id', ...select].join(','),
  });
  return found.find((e) => e.singleValueExtendedProperties?.some((p) => p.id.toLowerCase() === PARLEY_KEY_PROPERTY.toLowerCase() && p.value === key));
}

export function microsoftCalendar(opts: MicrosoftCalendarOptions): CalendarApi {
  const { http, baseUrl } = microsoftHttp(opts);
  const mailbox = opts.mailbox.trim();

  const enc = encodeURIComponent;

  const collect = <T>(path: string, searchParams: Record<string, string>, headers: Record<string, string> = {}) =>
    collectPages<T>(http, baseUrl, path, searchParams, headers);

  // The default calendar's id never changes for a mailbox: ask once per instance (failures are not kept).
  let defaultId: Promise<string> | undefined;
  function defaultCalendarId(): Promise<string> {
    defaultId ??= http
      .get('me/calendar', { searchParams: { $select: 'id' } })
      .json<GraphCalendar>()
      .then((c) => c.id);
    defaultId.catch(() => (defaultId = undefined));
    return defaultId;
  }

  async function scheduleBusy(range: Interval): Promise<Interval[]> {
    const out: Interval[] = [];
    for (let from = range.start; from < range.end; from += SCHEDULE_CHUNK_MS) {
      const to = Math.min(range.end, from + SCHEDULE_CHUNK_MS);
      const res = await http
        .post('me/calendar/getSchedule', {
          headers: { Prefer: PREFER_UTC },
          json: {
            schedules: [mailbox],
            startTime: { dateTime: utcDateTime(Math.floor(from / 1000) * 1000), timeZone: 'UTC' },
            endTime: { dateTime: utcDateTime(Math.ceil(to / 1000) * 1000), timeZone: 'UTC' },
            availabilityViewInterval: 30,
          },
        })
        .json<GraphPage<ScheduleInformation>>();
      const info = res.value?.find((s) => s.scheduleId?.toLowerCase() === mailbox.toLowerCase()) ?? res.value?.[0];
      if (!info) throw new ProviderError('microsoft', 'unavailable', `Microsoft 365 returned no free/busy for ${mailbox}`);
      if (info.error) throw scheduleError(mailbox, info.error);
      if (info.scheduleItems) {
        for (const item of info.scheduleItems) {
          if ((item.status ?? '').toLowerCase() === 'free') continue;
          if (!item.start || !item.end) continue;
          out.push({ start: graphInstant(item.start), end: graphInstant(item.end) });
        }
      } else if (info.availabilityView) {
        // No items (e.g. a privacy policy): the view's digits per 30 minutes, 0 = free.
        [...info.availabilityView].forEach((digit, i) => {
          if (digit !== '0') out.push({ start: from + i * 1_800_000, end: from + (i + 1) * 1_800_000 });
        });
      }
    }
    return out;
  }

  async function viewBusy(calendarId: string, range: Interval): Promise<Interval[]> {
    const events = await collect<GraphEvent>(
      `me/calendars/${enc(calendarId)}/calendarView`,
      {
        startDateTime: new Date(range.start).toISOString(),
        endDateTime: new Date(range.end).toISOString(),
        $select: 'start,end,showAs,isCancelled',
        $top: '100',
      },
      { Prefer: PREFER_UTC },
    );
    return events
      .filter((e) => !e.isCancelled && (e.showAs ?? '').toLowerCase() !== 'free' && e.start && e.end)
      .map((e) => ({ start: graphInstant(e.start!), end: graphInstant(e.end!) }));
  }

  /** The event this key already made in this calendar, if any (exact match on the property's value). */
  const findByKey = (calendarId: string, key: string): Promise<GraphEvent | undefined> => findEventByKey<GraphEvent>(http, baseUrl, calendarId, key);

  async function wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await graphProviderError(err);
    }
  }

  return {
    listCalendars: () =>
      wrap(async () => {
        const calendars = await collect<GraphCalendar>('me/calendars', { $select: 'id,name,canEdit,isDefaultCalendar', $top: '100' });
        return calendars.map(
          (c): ProviderCalendar => ({ id: c.id, name: c.name ?? '', primary: c.isDefaultCalendar === true, readOnly: c.canEdit === false }),
        );
      }),

    busy: (calendarIds, range) =>
      wrap(async () => {
        if (calendarIds.length === 0 || range.end <= range.start) return [];
        const primary = await defaultCalendarId();
        const lists = await Promise.all([...new Set(calendarIds)].map((id) => (id === primary ? scheduleBusy(range) : viewBusy(id, range))));
        return mergeIntervals(lists.flat(), range);
      }),

    createEvent: (calendarId, event) =>
      wrap(async () => {
        const existing = await findByKey(calendarId, event.key);
        if (existing) {
          // Adopt (a retried create, or Teams made the event first) and bring it up to date. The body
          // carries no online-meeting fields, so a Teams meeting on it stays.
          const adopted = await http
            .patch(`me/events/${enc(existing.id)}`, { headers: { Prefer: PREFER_UTC }, json: eventBody(event) })
            .json<GraphEvent>();
          return ref(adopted);
        }
        const created = await http
          .post(`me/calendars/${enc(calendarId)}/events`, {
            headers: { Prefer: PREFER_UTC },
            json: {
              ...eventBody(event),
              transactionId: transactionIdFor(event.key),
              singleValueExtendedProperties: [{ id: PARLEY_KEY_PROPERTY, value: event.key }],
            },
          })
          .json<GraphEvent>();
        return ref(created);
      }),

    updateEvent: (_calendarId, existing, event) =>
      wrap(async () => {
        const updated = await http
          .patch(`me/events/${enc(existing.externalId)}`, { headers: { Prefer: PREFER_UTC }, json: eventBody(event) })
          .json<GraphEvent>();
        return ref(updated);
      }),

    deleteEvent: async (_calendarId, existing) => {
      try {
        await http.delete(`me/events/${enc(existing.externalId)}`);
      } catch (err) {
        const mapped = await graphProviderError(err);
        if (mapped.kind === 'not-found') return; // already gone
        throw mapped;
      }
    },
  };
}

/** Graph's idempotency id for a create, derived from the event key (same key, same id). */
export function transactionIdFor(key: string): string {
  const h = createHash('sha256').update(`parley:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Windows zone names ("Pacific Standard Time", "W. Europe Standard Time") → IANA; IANA names pass
 * through. Also reads Graph's "tzone://Microsoft/Utc" form. Unknown names come back unchanged.
 */
export function toIana(windowsOrIana: string): string {
  const name = windowsOrIana.trim().replace(/^tzone:\/\/Microsoft\//i, '');
  if (/^(utc|etc\/utc|gmt|z)$/i.test(name)) return 'UTC';
  const candidates = findIana(name);
  const usable = candidates.find((z) => IANAZone.isValidZone(z));
  if (usable) return usable;
  return name;
}

/** A Graph `{dateTime, timeZone}` as epoch ms; the zone may be a Windows name. */
function graphInstant(t: GraphDateTime): number {
  const zone = toIana(t.timeZone || 'UTC');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(t.dateTime.trim());
  const iso = m ? `${m[1]}${m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : ''}${m[3] ?? ''}` : t.dateTime;
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) {
    throw new ProviderError('microsoft', 'invalid', `Microsoft 365 answered with a time Parley cannot read (${t.dateTime} ${t.timeZone ?? ''}).`);
  }
  return dt.toMillis();
}

function utcDateTime(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** The instant in the event's own zone (shown that way in Outlook); UTC when the local time is ambiguous. */
export function graphTime(ms: number, zone: string): GraphDateTime {
  if (IANAZone.isValidZone(zone)) {
    const local = DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS");
    if (DateTime.fromISO(local, { zone }).toMillis() === ms) return { dateTime: local, timeZone: zone };
  }
  return { dateTime: DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS"), timeZone: 'UTC' };
}

function eventBody(e: CalendarEventInput) {
  return {
    subject: e.summary,
    body: { contentType: 'text', content: e.description },
    start: graphTime(e.start, e.timeZone),
    end: graphTime(e.end, e.timeZone),
    showAs: 'busy',
    attendees: e.attendees.map((a) => ({ type: 'required', emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) } })),
  };
}

function ref(e: GraphEvent): ExternalEvent {
  const etag = e['@odata.etag'] ?? e.changeKey;
  return { externalId: e.id, ...(etag ? { etag } : {}) };
}

/** A string literal inside an OData $filter. */
function odata(s: string): string {
  return s.replace(/'/g, "''");
}

function mergeIntervals(list: Interval[], range: Interval): Interval[] {
  const clipped = list
    .map((i) => ({ start: Math.max(i.start, range.start), end: Math.min(i.end, range.end) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of clipped) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}
