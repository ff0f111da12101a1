import type { Context, Hono } from 'hono';
import { DateTime } from 'luxon';
import { createHash, randomBytes } from 'node:crypto';
import { allowed, calendarFor, roleOf, type ApiEnv } from './calendar.js';
import { apiError, badRequest, insufficientScope, notFound } from './envelopes.js';
import { applyConference, conferenceResource, conferenceVersion, meetLink, settle, type ConferenceInput } from './meet.js';
import { eventsOf, nextEtag, token, type FakeContext } from './state.js';
import type { FakeCalendar, FakeEvent, Method } from './types.js';

/** The calendar's last modification, as the list's `updated` reports it: its latest event change (deletions included). */
function lastModified(ctx: FakeContext, calendarId: string): string {
  let latest = '2026-01-01T00:00:00.000Z'; // the fake's calendars were made before any test
  for (const e of eventsOf(ctx, calendarId).values()) if (e.updated > latest) latest = e.updated;
  return latest;
}

type TimeInput = { dateTime?: string; date?: string; timeZone?: string } | undefined;

type EventBody = {
  id?: string; status?: string; summary?: string; description?: string; transparency?: string; start?: TimeInput; end?: TimeInput;
  attendees?: { email?: string; displayName?: string; responseStatus?: string }[]; reminders?: { useDefault?: boolean; overrides?: unknown[] };
  extendedProperties?: unknown; conferenceData?: ConferenceInput;
};

/** Properties only the event's organizer may change. */
const SHARED = ['summary', 'description', 'start', 'end', 'attendees', 'status'] as const;

/**
 * Registers the events routes on the Calendar API router: list, insert, get, patch, update and
 * delete under `/calendars/:calendarId/events`.
 */
export function registerEvents(api: Hono<ApiEnv>, ctx: FakeContext) {
  const { fake } = ctx;

  function eventResource(e: FakeEvent) {
    const cal = fake.state.calendars.get(e.calendarId);
    const zone = (tz?: string) => tz ?? cal?.timeZone ?? 'UTC';
    const when = (ms: number, tz?: string) => ({ dateTime: DateTime.fromMillis(ms, { zone: zone(tz) }).toISO({ suppressMilliseconds: true }), timeZone: zone(tz) });
    return {
      kind: 'calendar#event', etag: e.etag, id: e.id, status: e.status,
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${e.calendarId}`).toString('base64url')}`,
      created: e.created, updated: e.updated, summary: e.summary, ...(e.description !== undefined ? { description: e.description } : {}),
      creator: { email: e.organizer, ...(e.organizer === cal?.primaryOf ? { self: true } : {}) },
      organizer: { email: e.organizer, ...(e.organizer === cal?.primaryOf ? { self: true } : {}) },
      start: when(e.start, e.startTimeZone), end: when(e.end, e.endTimeZone),
      ...(e.transparency === 'transparent' ? { transparency: 'transparent' } : {}),
      iCalUID: `${e.id}@google.com`, sequence: e.sequence,
      ...(e.attendees.length ? { attendees: e.attendees } : {}),
      ...(e.extendedProperties ? { extendedProperties: e.extendedProperties } : {}),
      reminders: e.reminders, eventType: 'default',
      ...(meetLink(e) ? { hangoutLink: meetLink(e) } : {}),
      ...(e.conference ? { conferenceData: conferenceResource(e.conference) } : {}),
    };
  }

  /** Applies a body to an event (all fields for insert/update; the given ones for patch); an error message if invalid. */
  function apply(e: FakeEvent, body: EventBody, cal: FakeCalendar, full: boolean): string | undefined {
    let start = e.start;
    let end = e.end;
    if (full || body.start !== undefined) {
      const s = parseTime(body.start, cal, 'start');
      if (typeof s === 'string') return s;
      start = s;
    }
    if (full || body.end !== undefined) {
      const s = parseTime(body.end, cal, 'end');
      if (typeof s === 'string') return s;
      end = s;
    }
    if (end < start) return 'The specified time range is empty.';
    if (body.status !== undefined && !['confirmed', 'tentative', 'cancelled'].includes(body.status)) return 'Invalid value for: status';
    if (body.attendees?.some((a) => !a.email || !/^[^@\s]+@[^@\s]+$/.test(a.email))) return 'Invalid attendee email.';
    if (start !== e.start || end !== e.end) e.sequence += 1;
    e.start = start;
    e.end = end;
    if (full || body.start !== undefined) e.startTimeZone = body.start?.timeZone;
    if (full || body.end !== undefined) e.endTimeZone = body.end?.timeZone;
    if (full || body.summary !== undefined) e.summary = body.summary ?? '';
    if (full || body.description !== undefined) e.description = body.description;
    if (full || body.transparency !== undefined) e.transparency = body.transparency === 'transparent' ? 'transparent' : 'opaque';
    if (full || body.attendees !== undefined) {
      e.attendees = (body.attendees ?? []).map((a) => ({
        email: a.email!.toLowerCase(), ...(a.displayName ? { displayName: a.displayName } : {}), responseStatus: a.responseStatus ?? 'needsAction',
      }));
    }
    if (full || body.reminders !== undefined) e.reminders = { useDefault: body.reminders?.useDefault ?? true, ...(body.reminders?.overrides ? { overrides: body.reminders.overrides } : {}) };
    if (full || body.extendedProperties !== undefined) e.extendedProperties = body.extendedProperties;
    if (body.status !== undefined) e.status = body.status as FakeEvent['status'];
    else if (full && e.status === 'cancelled') e.status = 'confirmed';
    e.etag = nextEtag(ctx);
    e.updated = new Date().toISOString();
    return undefined;
  }

  /** The calendar of an events call, checked for access (read or write) and scope. */
  function eventsCalendar(c: Context<ApiEnv>, write: boolean): FakeCalendar | Response {
    const method: Method = write ? 'events.write' : 'events.read';
    if (!allowed(c, method)) return insufficientScope(c, method);
    const email = c.get('user').email;
    const cal = calendarFor(ctx, c.req.param('calendarId') ?? '', email);
    if (!cal) return notFound(c);
    const role = roleOf(cal, email)!;
    if (!write && role === 'freeBusyReader') return notFound(c);
    if (write && role !== 'owner' && role !== 'writer') return apiError(c, 403, 'requiredAccessLevel', 'You need to have writer access to this calendar.');
    return cal;
  }

  api.get('/calendars/:calendarId/events', (c) => {
    const cal = eventsCalendar(c, false);
    if (cal instanceof Response) return cal;
    const q = c.req.query();
    const from = q.timeMin ? Date.parse(q.timeMin) : -Infinity;
    const to = q.timeMax ? Date.parse(q.timeMax) : Infinity;
    const items = [...eventsOf(ctx, cal.id).values()]
      .filter((e) => (q.showDeleted === 'true' || e.status !== 'cancelled') && e.end > from && e.start < to)
      .filter((e) => !q.iCalUID || `${e.id}@google.com` === q.iCalUID)
      .filter((e) => !q.q || `${e.summary} ${e.description ?? ''}`.toLowerCase().includes(q.q.toLowerCase()))
      .sort((a, b) => a.start - b.start);
    return c.json({
      kind: 'calendar#events', etag: nextEtag(ctx), summary: cal.summary, updated: lastModified(ctx, cal.id), timeZone: cal.timeZone,
      accessRole: roleOf(cal, c.get('user').email), defaultReminders: [], nextSyncToken: token('sync'), items: items.map(eventResource),
    });
  });

  api.post('/calendars/:calendarId/events', async (c) => {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const version = conferenceVersion(c);
    if (typeof version === 'string') return badRequest(c, version, 'invalid', 'conferenceDataVersion');
    const body = (await c.req.json().catch(() => null)) as EventBody | null;
    if (!body || typeof body !== 'object') return badRequest(c, 'Parse Error', 'parseError');
    const events = eventsOf(ctx, cal.id);
    let id = body.id;
    if (id !== undefined) {
      if (typeof id !== 'string' || !/^[a-v0-9]{5,1024}$/.test(id)) return badRequest(c, 'Invalid resource id value.');
      if (events.has(id)) return apiError(c, 409, 'duplicate', 'The requested identifier already exists.');
    } else {
      id = createHash('sha256').update(randomBytes(16)).digest('hex').slice(0, 26).replace(/[w-z]/g, '0');
    }
    const now = new Date().toISOString();
    const e: FakeEvent = {
      id, calendarId: cal.id, status: 'confirmed', transparency: 'opaque', summary: '', start: 0, end: 0, attendees: [],
      reminders: { useDefault: true }, organizer: cal.primaryOf ?? cal.id, etag: '', sequence: 0, created: now, updated: now,
    };
    const problem = apply(e, body, cal, true) ?? (version === 1 ? applyConference(ctx, e, body.conferenceData, true) : undefined);
    if (problem) return badRequest(c, problem, problem.startsWith('The specified') ? 'timeRangeEmpty' : 'invalid');
    e.sequence = 0;
    events.set(id, e);
    return c.json(eventResource(e));
  });

  api.get('/calendars/:calendarId/events/:eventId', (c) => {
    const cal = eventsCalendar(c, false);
    if (cal instanceof Response) return cal;
    // Deleted events are still returned, with status "cancelled".
    const e = eventsOf(ctx, cal.id).get(c.req.param('eventId'));
    if (!e) return notFound(c);
    // Each read brings a pending conference closer to its outcome.
    if (e.conference?.status === 'pending') {
      e.conference.pendingReads -= 1;
      settle(ctx, e.conference);
    }
    return c.json(eventResource(e));
  });

  async function change(c: Context<ApiEnv>, full: boolean) {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const e = eventsOf(ctx, cal.id).get(c.req.param('eventId') ?? '');
    if (!e) return notFound(c);
    const ifMatch = c.req.header('if-match');
    if (ifMatch && ifMatch !== e.etag && ifMatch !== '*') return apiError(c, 412, 'conditionNotMet', 'Precondition Failed', { location: 'If-Match' });
    const version = conferenceVersion(c);
    if (typeof version === 'string') return badRequest(c, version, 'invalid', 'conferenceDataVersion');
    const body = (await c.req.json().catch(() => null)) as EventBody | null;
    if (!body || typeof body !== 'object') return badRequest(c, 'Parse Error', 'parseError');
    if (e.organizer !== cal.primaryOf && cal.primaryOf && SHARED.some((k) => body[k] !== undefined)) {
      return apiError(c, 403, 'forbiddenForNonOrganizer', 'Shared properties can only be changed by the organizer of the event.', { domain: 'calendar' });
    }
    const copy = structuredClone(e);
    // Without conferenceDataVersion=1 Google ignores conferenceData in the body and keeps the conference.
    const problem = apply(copy, body, cal, full) ?? (version === 1 ? applyConference(ctx, copy, body.conferenceData, full) : undefined);
    if (problem) return badRequest(c, problem, problem.startsWith('The specified') ? 'timeRangeEmpty' : 'invalid');
    eventsOf(ctx, cal.id).set(e.id, copy);
    return c.json(eventResource(copy));
  }
  api.patch('/calendars/:calendarId/events/:eventId', (c) => change(c, false));
  api.put('/calendars/:calendarId/events/:eventId', (c) => change(c, true));

  api.delete('/calendars/:calendarId/events/:eventId', (c) => {
    const cal = eventsCalendar(c, true);
    if (cal instanceof Response) return cal;
    const e = eventsOf(ctx, cal.id).get(c.req.param('eventId'));
    if (!e) return notFound(c);
    if (e.status === 'cancelled') return apiError(c, 410, 'deleted', 'Resource has been deleted');
    e.status = 'cancelled';
    e.etag = nextEtag(ctx);
    e.updated = new Date().toISOString();
    return c.body(null, 204);
  });
}

/** Google's rules for start/end: a dateTime with an offset or a timeZone, or an all-day date. */
function parseTime(t: TimeInput, cal: FakeCalendar, field: 'start' | 'end'): number | string {
  if (!t || (!t.dateTime && !t.date)) return `Missing ${field} time.`;
  if (t.timeZone && !DateTime.local().setZone(t.timeZone).isValid) return `Invalid time zone definition for ${field} time.`;
  if (t.date) {
    const d = DateTime.fromISO(t.date, { zone: t.timeZone ?? cal.timeZone });
    return d.isValid ? d.toMillis() : `Invalid ${field} time.`;
  }
  const hasOffset = /(Z|[+-]\d\d:\d\d)$/i.test(t.dateTime!);
  if (!hasOffset && !t.timeZone) return `Missing time zone definition for ${field} time.`;
  const d = DateTime.fromISO(t.dateTime!, { zone: hasOffset ? undefined : t.timeZone, setZone: hasOffset });
  return d.isValid ? d.toMillis() : `Invalid ${field} time.`;
}
