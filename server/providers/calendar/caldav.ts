/**
 * CalDAV calendars (RFC 4791): Nextcloud, Fastmail, iCloud, mailbox.org, Radicale, Baïkal, SOGo…
 *
 * - Discovery (well-known URL, principal, calendar home, calendar list) goes through tsdav, with
 *   Basic auth (user name and, usually, an app password).
 * - Busy time: a calendar-query REPORT with a time-range filter picks the objects that touch the
 *   window; their full iCalendar data is expanded HERE with `parseIcsBusy` (RRULE, EXDATE,
 *   RECURRENCE-ID, all-day days in `defaultTimeZone`, TRANSPARENT and CANCELLED ignored). Servers
 *   differ in how they expand recurrences, so server-side expansion is never used.
 * - Writes: one calendar object resource per booking at a URL derived from the booking key, so a
 *   retried create finds its own earlier PUT (If-None-Match: * → 412 → adopt). Updates and
 *   deletes are conditional on the ETag (If-Match); a 412 means someone changed the event
 *   meanwhile: Parley re-reads it and retries once.
 * - tsdav reports several failures as empty results (an unreadable calendar home lists no
 *   calendars, a REPORT answered by a web page finds no events). Every request is therefore
 *   logged per operation and checked here, so a failure is a ProviderError and never "free".
 *
 * Credentials are only sent to the configured server's origin and to origins its own discovery
 * led to; calendar ids and event ids (URLs) pointing elsewhere are refused.
 *
 * Errors in Parley's terms are made in caldav-errors.ts; the stored iCalendar objects in caldav-ics.ts.
 */
import { IANAZone } from 'luxon';
import { createDAVClient, type DAVAccount, type DAVCalendar } from 'tsdav';
import type { Interval } from '../../../lib/availability/types.js';
import { IcsParseError, parseIcsBusy } from '../../calendar/ics-import.js';
import { CaldavHttpError, caldavProviderError, displayUrl, isTimeout, notCaldav, retryAfterMs } from './caldav-errors.js';
import { eventIcs, eventUid, hasTimes, sequenceOf } from './caldav-ics.js';
import {
  ProviderError,
  type CalendarApi,
  type CalendarEventInput,
  type ExternalEvent,
  type ProviderCalendar,
} from './types.js';

export interface CaldavOptions {
  /** The server (or a URL on it, e.g. a calendar home) the user entered. */
  serverUrl: string;
  username: string;
  /** Usually an app-specific password. */
  password: string;
  /** Deadline for one call (all its HTTP requests, bodies included). Default 15 s. */
  timeoutMs?: number;
  /** Zone of floating times and all-day events (the recruiter's). Default UTC. */
  defaultTimeZone?: string;
  fetch?: typeof fetch;
}

export { CaldavHttpError, caldavProviderError } from './caldav-errors.js';

const DEFAULT_TIMEOUT_MS = 15_000;
const DAY_MS = 86_400_000;
const ICS_TYPE = 'text/calendar; charset=utf-8';

type LogEntry = {
  method: string;
  url: string;
  status?: number;
  retryAfterMs?: number;
  failure?: 'timeout' | 'network';
  error?: unknown;
};

/**
 * One call's HTTP traffic: the fetch handed to tsdav (one deadline for the whole call, a log of
 * every answer and failure) and the requests Parley makes itself.
 */
class Session {
  readonly log: LogEntry[] = [];
  /** tsdav swallows some failures and tries other URLs; a shared deadline keeps the call bounded. */
  private readonly deadline: AbortSignal;

  constructor(
    private readonly baseFetch: typeof fetch,
    timeoutMs: number,
    readonly authorization: string,
  ) {
    this.deadline = AbortSignal.timeout(timeoutMs);
  }

  readonly fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const signal = init.signal ? AbortSignal.any([init.signal, this.deadline]) : this.deadline;
    try {
      const response = await this.baseFetch(input, { ...init, signal });
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      this.log.push({ method, url, status: response.status, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
      return response;
    } catch (error) {
      this.log.push({ method, url, failure: isTimeout(error) ? 'timeout' : 'network', error });
      throw error;
    }
  }) as typeof fetch;

  /** A request of Parley's own; the body is read (within the same timeout). */
  async request(method: string, url: string, headers: Record<string, string> = {}, body?: string) {
    const response = await this.fetch(url, {
      method,
      headers: { authorization: this.authorization, ...headers },
      ...(body === undefined ? {} : { body }),
      redirect: 'follow',
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag') ?? undefined, text, headers: response.headers };
  }

  fail(method: string, url: string, answer: { status: number; text: string; headers: Headers }): CaldavHttpError {
    return new CaldavHttpError(method, url, answer.status, answer.text.slice(0, 2000), retryAfterMs(answer.headers.get('retry-after')));
  }

  /** What went wrong, from the log, when tsdav threw something vague (or returned nothing). */
  lastFailure(): LogEntry | undefined {
    return [...this.log].reverse().find((e) => e.failure || (e.status !== undefined && e.status >= 400));
  }

  /** The error to throw for `error` thrown inside this session. */
  explain(error: unknown): ProviderError {
    if (error instanceof ProviderError || error instanceof CaldavHttpError || error instanceof RangeError || isTimeout(error)) {
      return caldavProviderError(error);
    }
    const last = this.lastFailure();
    if (last?.failure) return caldavProviderError(last.error);
    if (last?.status !== undefined) return caldavProviderError(this.httpError(last));
    return caldavProviderError(error);
  }

  httpError(entry: LogEntry): CaldavHttpError {
    return new CaldavHttpError(entry.method, entry.url, entry.status ?? 0, '', entry.retryAfterMs);
  }
}

export function caldavCalendar(opts: CaldavOptions): CalendarApi {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultTimeZone = opts.defaultTimeZone ?? 'UTC';
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64')}`;
  const server = parseServerUrl(opts.serverUrl);
  /** Origins credentials may go to: the server's, and those its discovery answers named. */
  const trusted = new Set<string>(server ? [server.origin] : []);
  let discovered: Promise<DAVAccount> | undefined;

  const session = () => new Session(baseFetch, timeoutMs, authorization);

  async function run<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    if (!server) throw notCaldav(opts.serverUrl, 'it is not an http(s) URL');
    if (!IANAZone.isValidZone(defaultTimeZone)) {
      throw new ProviderError('caldav', 'invalid', `Unknown time zone "${defaultTimeZone}" for the CalDAV calendar`);
    }
    const s = session();
    try {
      return await fn(s);
    } catch (error) {
      throw s.explain(error);
    }
  }

  function client(s: Session) {
    return createDAVClient({
      serverUrl: server!.href,
      credentials: { username: opts.username, password: opts.password },
      // Basic auth, encoded here as UTF-8 (tsdav's encoder is Latin-1 only).
      authMethod: 'Custom',
      authFunction: async () => ({ authorization }),
      fetch: s.fetch,
    });
  }

  /** Principal and calendar home (tsdav's discovery); a server that has none is not a CalDAV server. */
  async function discover(s: Session) {
    const dav = await client(s);
    let account: DAVAccount;
    try {
      account = await dav.createAccount({ account: { accountType: 'caldav', serverUrl: server!.href } });
    } catch (error) {
      // Refused credentials and an unreachable or failing server say so; any other answer
      // (404, a web page, a WebDAV server without calendars) means this is no CalDAV server.
      const last = s.lastFailure();
      const status = last?.status ?? 0;
      if (last?.failure || status === 401 || status === 403 || status === 408 || status === 429 || status >= 500) throw s.explain(error);
      if (error instanceof ProviderError) throw error;
      throw notCaldav(server!.href, 'it did not name a CalDAV principal and calendar home');
    }
    for (const u of [account.rootUrl, account.principalUrl, account.homeUrl]) {
      if (u) trusted.add(new URL(u).origin);
    }
    return { dav, account };
  }

  /** The calendar's URL (trailing slash) if `id` is one Parley may send credentials to. */
  async function calendarUrl(id: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(id);
    } catch {
      throw new ProviderError('caldav', 'not-found', `"${id.slice(0, 100)}" is not a calendar of this CalDAV account`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ProviderError('caldav', 'not-found', `"${id.slice(0, 100)}" is not a calendar of this CalDAV account`);
    }
    url.hash = '';
    if (!trusted.has(url.origin)) {
      // Discovery may lead to another host (iCloud does): learn where, once.
      discovered ??= run(async (s) => (await discover(s)).account).catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
      await discovered;
    }
    if (!trusted.has(url.origin)) {
      throw new ProviderError('caldav', 'not-found', `${displayUrl(url.href)} is not a calendar of this CalDAV account`);
    }
    return withSlash(url.href);
  }

  /** The event's object URL, which must lie inside the calendar. */
  function objectUrlIn(calendar: string, ref: ExternalEvent): string {
    let url: URL;
    try {
      url = new URL(ref.externalId);
    } catch {
      throw new ProviderError('caldav', 'invalid', 'This CalDAV event reference is not a URL');
    }
    if (!url.href.startsWith(calendar) || url.href.length <= calendar.length) {
      throw new ProviderError('caldav', 'invalid', `The event ${displayUrl(url.href)} is not in the calendar ${displayUrl(calendar)}`);
    }
    return url.href;
  }

  async function put(s: Session, url: string, ics: string, condition: Record<string, string>) {
    return s.request('PUT', url, { 'content-type': ICS_TYPE, ...condition }, ics);
  }

  async function get(s: Session, url: string) {
    return s.request('GET', url, { accept: 'text/calendar' });
  }

  /** The ETag after a successful write: from the answer, or read back when the server sent none. */
  async function etagAfterWrite(s: Session, url: string, etag: string | undefined): Promise<string | undefined> {
    if (etag) return etag;
    const current = await get(s, url);
    if (current.status === 200) return current.etag;
    return undefined;
  }

  return {
    async listCalendars() {
      return run(async (s) => {
        const { dav, account } = await discover(s);
        const calendars = await dav.fetchCalendars({
          account,
          props: {
            'd:displayname': {},
            'd:resourcetype': {},
            'c:supported-calendar-component-set': {},
            'd:current-user-privilege-set': {},
          },
          projectedProps: { currentUserPrivilegeSet: true },
        });
        // tsdav answers [] when the calendar home cannot be read: that is a failure, not "no calendars".
        const homeFailure = s.log.find((e) => e.method === 'PROPFIND' && sameUrl(e.url, account.homeUrl!) && (e.failure || e.status !== 207));
        if (homeFailure?.failure) throw homeFailure.error;
        if (homeFailure) throw s.httpError(homeFailure);
        const events = calendars.filter((c) => !c.components?.length || c.components.includes('VEVENT'));
        for (const c of events) trusted.add(new URL(c.url).origin);
        const list = events.map((c): Omit<ProviderCalendar, 'primary'> => ({
          id: c.url,
          name: calendarName(c),
          readOnly: isReadOnly(c),
        }));
        const primaryIndex = Math.max(0, list.findIndex((c) => !c.readOnly));
        return list.map((c, i) => ({ ...c, primary: i === primaryIndex }));
      });
    },

    async changeMark(calendarIds) {
      // RFC 6578's sync-token, or the CTag most servers also keep: both change with every change of a
      // member of the collection. One PROPFIND (depth 0) per calendar.
      const ids = [...new Set(calendarIds)].sort();
      const marks = await Promise.all(
        ids.map((id) =>
          run(async (s) => {
            const url = await calendarUrl(id);
            const dav = await client(s);
            const answers = await dav.propfind({ url, props: { 'd:sync-token': {}, 'cs:getctag': {} }, depth: '0' });
            const entry = s.log.find((e) => e.method === 'PROPFIND');
            if (entry?.failure) throw entry.error;
            if (!entry || entry.status !== 207) throw s.httpError(entry ?? { method: 'PROPFIND', url });
            const props = answers.find((a) => a.href && sameUrl(new URL(a.href, url).href, url))?.props ?? answers[0]?.props;
            const raw: unknown = props?.syncToken ?? props?.getctag;
            const mark = typeof raw === 'object' && raw !== null ? JSON.stringify(raw) : raw === undefined || raw === null ? '' : String(raw);
            if (mark.trim() === '') {
              throw new ProviderError('caldav', 'unavailable', `${displayUrl(url)} keeps no sync-token or CTag`, { reason: 'no-change-mark' });
            }
            return `${url} ${mark.trim()}`;
          }),
        ),
      );
      return marks.join('\n');
    },

    async busy(calendarIds, range) {
      if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) {
        throw new ProviderError('caldav', 'invalid', 'The busy range must have finite bounds');
      }
      if (range.end <= range.start || calendarIds.length === 0) {
        // Still refuse ids that are not calendars of the account.
        await run(async () => Promise.all(calendarIds.map(calendarUrl)));
        return [];
      }
      const perCalendar = await Promise.all(
        calendarIds.map((id) =>
          run(async (s) => {
            const url = await calendarUrl(id);
            const dav = await client(s);
            const objects = await dav.fetchCalendarObjects({
              calendar: { url } as DAVCalendar,
              // The REPORT only selects objects; clipping is exact below. Widened by a day each
              // side: servers place floating times and all-day dates in a zone of their own
              // choosing (UTC, the calendar's), which may not be the recruiter's.
              timeRange: {
                start: new Date(Math.floor(range.start / 1000) * 1000 - DAY_MS).toISOString(),
                end: new Date(Math.ceil(range.end / 1000) * 1000 + DAY_MS).toISOString(),
              },
              // Object names are the server's choice (".ics" is only a habit): take every member.
              urlFilter: (u) => !sameUrl(u, url),
            });
            // tsdav turns some failed or non-DAV answers into "no objects": only a 207 is an answer.
            const reports = s.log.filter((e) => e.method === 'REPORT');
            const bad = reports.find((e) => e.status !== 207);
            if (reports.length === 0 || bad) {
              if (bad?.failure) throw bad.error;
              const status = bad?.status ?? 0;
              throw status >= 300
                ? s.httpError(bad!)
                : new ProviderError('caldav', 'account', `${displayUrl(url)} did not answer a CalDAV calendar query (status ${status || 'none'})`, {
                    reason: 'not-caldav',
                    ...(status ? { status } : {}),
                  });
            }
            const intervals: Interval[] = [];
            for (const object of objects) {
              if (typeof object.data !== 'string' || !object.data.trim()) {
                throw new ProviderError('caldav', 'unavailable', `The CalDAV server sent no calendar data for ${displayUrl(object.url)}`);
              }
              try {
                for (const b of parseIcsBusy(object.data, { from: range.start, to: range.end }, defaultTimeZone)) {
                  intervals.push({ start: b.start, end: b.end });
                }
              } catch (error) {
                if (!(error instanceof IcsParseError)) throw error;
                // Skipping it could offer a time that is taken: fail instead.
                throw new ProviderError('caldav', 'invalid', `Parley cannot read the event ${displayUrl(object.url)} on the CalDAV server: ${error.message}`, {
                  reason: 'bad-ics',
                });
              }
            }
            return intervals;
          }),
        ),
      );
      return merge(perCalendar.flat());
    },

    async createEvent(calendarId, event) {
      return run(async (s) => {
        const calendar = await calendarUrl(calendarId);
        const uid = eventUid(event.key);
        const url = new URL(`${encodeURIComponent(uid)}.ics`, calendar).href;
        for (let attempt = 0; attempt < 2; attempt++) {
          const created = await put(s, url, eventIcs(uid, event, 0), { 'if-none-match': '*' });
          if (created.status >= 200 && created.status < 300) {
            return { externalId: url, ...optionalEtag(await etagAfterWrite(s, url, created.etag)) };
          }
          if (created.status !== 412) throw s.fail('PUT', url, created);
          // It exists: a retried create. Adopt it, moving it if its times are not the booking's.
          const current = await get(s, url);
          if (current.status === 404 || current.status === 410) continue; // deleted meanwhile: create again
          if (current.status !== 200) throw s.fail('GET', url, current);
          if (hasTimes(current.text, event, defaultTimeZone)) return { externalId: url, ...optionalEtag(current.etag) };
          const moved = await put(s, url, eventIcs(uid, event, sequenceOf(current.text) + 1), current.etag ? { 'if-match': current.etag } : {});
          if (moved.status >= 200 && moved.status < 300) {
            return { externalId: url, ...optionalEtag(await etagAfterWrite(s, url, moved.etag)) };
          }
          throw s.fail('PUT', url, moved);
        }
        throw new ProviderError('caldav', 'conflict', `The event ${displayUrl(url)} kept disappearing while Parley created it`);
      });
    },

    async updateEvent(calendarId, ref, event) {
      return run(async (s) => {
        const calendar = await calendarUrl(calendarId);
        const url = objectUrlIn(calendar, ref);
        const uid = eventUid(event.key);
        const first = await put(s, url, eventIcs(uid, event, 1), { 'if-match': ref.etag ?? '*' });
        if (first.status >= 200 && first.status < 300) return { externalId: url, ...optionalEtag(await etagAfterWrite(s, url, first.etag)) };
        if (first.status === 404 || first.status === 410) {
          throw new ProviderError('caldav', 'not-found', `The event ${displayUrl(url)} is no longer on the CalDAV server`, { status: first.status });
        }
        if (first.status !== 412) throw s.fail('PUT', url, first);
        // Changed (or removed) meanwhile: read the current version and retry once against it.
        const current = await get(s, url);
        if (current.status === 404 || current.status === 410) {
          throw new ProviderError('caldav', 'not-found', `The event ${displayUrl(url)} is no longer on the CalDAV server`, { status: current.status });
        }
        if (current.status !== 200) throw s.fail('GET', url, current);
        const again = await put(s, url, eventIcs(uid, event, sequenceOf(current.text) + 1), { 'if-match': current.etag ?? '*' });
        if (again.status >= 200 && again.status < 300) return { externalId: url, ...optionalEtag(await etagAfterWrite(s, url, again.etag)) };
        if (again.status === 412) {
          throw new ProviderError('caldav', 'conflict', `The event ${displayUrl(url)} keeps changing on the CalDAV server; try again later`, { status: 412 });
        }
        throw s.fail('PUT', url, again);
      });
    },

    async deleteEvent(calendarId, ref) {
      await run(async (s) => {
        const calendar = await calendarUrl(calendarId);
        const url = objectUrlIn(calendar, ref);
        const first = await s.request('DELETE', url, ref.etag ? { 'if-match': ref.etag } : {});
        if ((first.status >= 200 && first.status < 300) || first.status === 404 || first.status === 410) return;
        if (first.status !== 412) throw s.fail('DELETE', url, first);
        // Changed since Parley wrote it (or already gone): the booking is cancelled, so delete it anyway.
        const again = await s.request('DELETE', url);
        if ((again.status >= 200 && again.status < 300) || again.status === 404 || again.status === 410) return;
        throw s.fail('DELETE', url, again);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// helpers

function parseServerUrl(raw: string): URL | null {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    // Credentials belong in the options, never in the URL (fetch refuses them anyway).
    url.username = '';
    url.password = '';
    url.hash = '';
    return url;
  } catch {
    return null;
  }
}

function calendarName(c: DAVCalendar): string {
  const raw = c.displayName;
  if (typeof raw === 'string' && raw.trim()) return raw.trim();
  if (typeof raw === 'number') return String(raw);
  if (raw && typeof raw === 'object' && '_cdata' in raw && typeof raw._cdata === 'string' && raw._cdata.trim()) return raw._cdata.trim();
  const segment = new URL(c.url).pathname.split('/').filter(Boolean).pop() ?? c.url;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Read-only when the server lists the user's privileges (RFC 3744) and none of them lets Parley add events. */
function isReadOnly(c: DAVCalendar): boolean {
  const set = c.projectedProps?.currentUserPrivilegeSet as { privilege?: unknown } | undefined;
  if (!set || typeof set !== 'object' || set.privilege === undefined) return false;
  const privileges = (Array.isArray(set.privilege) ? set.privilege : [set.privilege]).flatMap((p) =>
    p && typeof p === 'object' ? Object.keys(p as object) : [],
  );
  return !privileges.some((p) => p === 'all' || p === 'write' || p === 'bind');
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

function optionalEtag(etag: string | undefined): { etag?: string } {
  return etag ? { etag } : {};
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      return decodeURIComponent(new URL(u).pathname).replace(/\/+$/, '');
    } catch {
      return u.replace(/\/+$/, '');
    }
  };
  return norm(a) === norm(b);
}
