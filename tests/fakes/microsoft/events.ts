import type { Hono, Context } from 'hono';
import { createHash, randomBytes } from 'node:crypto';
import { findWindows } from 'windows-iana';
import { accessDenied, graphError, guard, notFound, page } from './graph.js';
import { applyOnline, readOnline } from './meetings.js';
import { graphId, ordered, resolveCalendar, type FakeContext } from './state.js';
import { graphTime, outputZone, parseGraphTime } from './time.js';
import type { ShowAs, StoredEvent } from './types.js';

// Graph events: list (with the extended-property $filter and $expand), create (transactionId
// de-duplication), read, update (If-Match on the change key) and delete.

/** An event as Graph answers it, in the zone `outputZone` picks, cut down to `$select`. */
export function eventJson(ctx: FakeContext, c: Context, e: StoredEvent, expandProps?: string) {
  const { fake } = ctx;
  const { zone, label } = outputZone(ctx, c, e);
  const full: Record<string, unknown> = {
    '@odata.etag': `W/"${e.changeKey}"`,
    id: e.id,
    createdDateTime: new Date(e.created).toISOString(),
    lastModifiedDateTime: new Date(e.modified).toISOString(),
    changeKey: e.changeKey,
    transactionId: e.transactionId ?? null,
    originalStartTimeZone: findWindows(e.zone)[0] ?? e.zone,
    originalEndTimeZone: findWindows(e.zone)[0] ?? e.zone,
    iCalUId: `040000008200E00074C5B7101A82E008${createHash('md5').update(e.id).digest('hex').toUpperCase()}`,
    subject: e.subject,
    bodyPreview: e.body.content.slice(0, 255),
    body: e.body,
    isAllDay: false,
    isCancelled: e.isCancelled,
    isOrganizer: true,
    showAs: e.showAs,
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
    start: graphTime(e.start, zone, label),
    end: graphTime(e.end, zone, label),
    attendees: e.attendees.map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } })),
    organizer: { emailAddress: { name: fake.account.displayName, address: fake.account.email } },
    isOnlineMeeting: e.isOnlineMeeting,
    onlineMeetingProvider: e.onlineMeetingProvider,
    onlineMeeting: e.onlineMeeting && e.onlineMeetingHiddenReads <= 0
      ? { joinUrl: e.onlineMeeting.joinUrl, conferenceId: e.onlineMeeting.conferenceId, tollNumber: e.onlineMeeting.tollNumber }
      : null,
    onlineMeetingUrl: null,
  };
  const select = c.req.query('$select');
  let out = full;
  if (select) {
    const keep = new Set(select.split(',').map((s) => s.trim()));
    out = Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || k === '@odata.etag' || keep.has(k)));
  }
  if (expandProps !== undefined) {
    out.singleValueExtendedProperties = e.props.filter((p) => p.id.toLowerCase() === expandProps.toLowerCase());
  }
  return out;
}

const FILTER = /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)$/i;
const EXPAND = /^singleValueExtendedProperties\(\$filter=id\s+eq\s+'((?:[^']|'')*)'\)$/i;
const unquote = (s: string) => s.replace(/''/g, "'");

const PROPERTY_ID = /^(String|Integer|Boolean|SystemTime|Double|Binary|Guid) (\{[0-9a-f-]{36}\} (Name \S.*|Id 0x[0-9a-f]+)|0x[0-9a-f]+)$/i;

export function registerEvents(app: Hono, ctx: FakeContext) {
  const { fake, state } = ctx;

  /** Events of one calendar ('param' / 'default') or of the whole mailbox, with the extended-property $filter and $expand. */
  const listEvents = (scope: 'mailbox' | 'default' | 'param') => (c: Context) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    let list: StoredEvent[];
    if (scope === 'mailbox') list = [...state.events.values()].sort((a, b) => a.start - b.start || a.created - b.created);
    else {
      const cal = resolveCalendar(state, scope === 'default' ? 'calendar' : (c.req.param('id') ?? ''));
      if (!cal) return notFound(c);
      list = ordered(state, cal.id);
    }
    const filter = c.req.query('$filter');
    if (filter) {
      const m = FILTER.exec(filter.trim());
      if (!m) return graphError(c, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      const propId = unquote(m[2]!);
      const value = unquote(m[3]!).toLowerCase(); // Graph compares the value case-insensitively
      list = list.filter((e) => e.props.some((p) => p.id === propId && p.value.toLowerCase() === value));
    }
    const expand = c.req.query('$expand');
    let expandId: string | undefined;
    if (expand) {
      const m = EXPAND.exec(expand.trim());
      if (!m) return graphError(c, 400, 'BadRequest', `Parsing OData Select and Expand failed: could not find a property named '${expand}'.`);
      expandId = unquote(m[1]!);
    }
    return c.json(page(ctx, c, list.map((e) => eventJson(ctx, c, e, expandId))));
  };
  app.get('/v1.0/me/events', listEvents('mailbox'));
  app.get('/v1.0/me/calendar/events', listEvents('default'));
  app.get('/v1.0/me/calendars/:id/events', listEvents('param'));

  const createEvent = async (c: Context) => {
    const refused = guard(ctx, c, 'write');
    if (refused) return refused;
    const cal = resolveCalendar(state, c.req.param('id') ?? 'calendar');
    if (!cal) return notFound(c);
    if (!cal.canEdit) return accessDenied(c);
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return graphError(c, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
    const start = parseGraphTime(body.start);
    const end = parseGraphTime(body.end);
    if ('error' in start) return graphError(c, 400, start.error === 'missing' ? 'ErrorInvalidRequest' : 'TimeZoneNotSupportedException', start.error === 'missing' ? 'Your request can\'t be completed. An event needs a start.' : start.error);
    if ('error' in end) return graphError(c, 400, end.error === 'missing' ? 'ErrorInvalidRequest' : 'TimeZoneNotSupportedException', end.error === 'missing' ? 'Your request can\'t be completed. An event needs an end.' : end.error);
    if (end.ms < start.ms) return graphError(c, 400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    const props = Array.isArray(body.singleValueExtendedProperties) ? (body.singleValueExtendedProperties as { id?: unknown; value?: unknown }[]) : [];
    for (const p of props) {
      if (typeof p.id !== 'string' || !PROPERTY_ID.test(p.id) || typeof p.value !== 'string') {
        return graphError(c, 400, 'ErrorInvalidExtendedPropertyValue', 'The extended property id or value is not valid.');
      }
    }
    const onlineFields = readOnline(body);
    if (typeof onlineFields === 'string') return graphError(c, 400, 'BadRequest', onlineFields);
    const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
    if (transactionId && fake.honourTransactionId) {
      const same = [...state.events.values()].find((e) => e.transactionId === transactionId);
      if (same) return c.json(eventJson(ctx, c, same), 201);
    }
    const now = Date.now();
    const e: StoredEvent = {
      id: graphId(),
      calendarId: cal.id,
      subject: typeof body.subject === 'string' ? body.subject : '',
      body: readBody(body.body),
      start: start.ms,
      end: end.ms,
      zone: start.zone,
      showAs: readShowAs(body.showAs) ?? 'busy',
      isCancelled: false,
      ...(transactionId ? { transactionId } : {}),
      props: props.map((p) => ({ id: p.id as string, value: p.value as string })),
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeetingHiddenReads: 0,
      attendees: readAttendees(body.attendees),
      changeKey: randomBytes(12).toString('base64'),
      created: now,
      modified: now,
    };
    applyOnline(ctx, e, onlineFields);
    state.events.set(e.id, e);
    return c.json(eventJson(ctx, c, e), 201);
  };
  app.post('/v1.0/me/events', createEvent);
  app.post('/v1.0/me/calendar/events', createEvent);
  app.post('/v1.0/me/calendars/:id/events', createEvent);

  app.get('/v1.0/me/events/:id', (c) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    const e = state.events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (e.onlineMeetingHiddenReads > 0) e.onlineMeetingHiddenReads -= 1;
    const expand = c.req.query('$expand');
    const m = expand ? EXPAND.exec(expand.trim()) : null;
    return c.json(eventJson(ctx, c, e, m ? unquote(m[1]!) : undefined));
  });

  app.patch('/v1.0/me/events/:id', async (c) => {
    const refused = guard(ctx, c, 'write');
    if (refused) return refused;
    const e = state.events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (!state.calendars.get(e.calendarId)?.canEdit) return accessDenied(c);
    const ifMatch = c.req.header('if-match');
    if (ifMatch && ifMatch !== `W/"${e.changeKey}"` && ifMatch !== e.changeKey) {
      return graphError(c, 412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
    }
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return graphError(c, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
    if (body.transactionId !== undefined && body.transactionId !== e.transactionId) {
      return graphError(c, 400, 'ErrorInvalidPropertyUpdateSentAsSetOperation', 'The transactionId of an event cannot be changed.');
    }
    const start = body.start !== undefined ? parseGraphTime(body.start) : { ms: e.start, zone: e.zone };
    const end = body.end !== undefined ? parseGraphTime(body.end) : { ms: e.end, zone: e.zone };
    if ('error' in start) return graphError(c, 400, 'TimeZoneNotSupportedException', start.error);
    if ('error' in end) return graphError(c, 400, 'TimeZoneNotSupportedException', end.error);
    if (end.ms < start.ms) return graphError(c, 400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    const onlineFields = readOnline(body);
    if (typeof onlineFields === 'string') return graphError(c, 400, 'BadRequest', onlineFields);
    applyOnline(ctx, e, onlineFields);
    e.start = start.ms;
    e.end = end.ms;
    e.zone = start.zone;
    if (typeof body.subject === 'string') e.subject = body.subject;
    if (body.body !== undefined) e.body = readBody(body.body);
    if (body.attendees !== undefined) e.attendees = readAttendees(body.attendees);
    const showAs = readShowAs(body.showAs);
    if (showAs) e.showAs = showAs;
    if (Array.isArray(body.singleValueExtendedProperties)) {
      for (const p of body.singleValueExtendedProperties as { id: string; value: string }[]) {
        e.props = [...e.props.filter((x) => x.id !== p.id), { id: p.id, value: p.value }];
      }
    }
    e.changeKey = randomBytes(12).toString('base64');
    e.modified = Date.now();
    return c.json(eventJson(ctx, c, e));
  });

  app.delete('/v1.0/me/events/:id', (c) => {
    const refused = guard(ctx, c, 'write');
    if (refused) return refused;
    const e = state.events.get(c.req.param('id'));
    if (!e) return notFound(c);
    if (!state.calendars.get(e.calendarId)?.canEdit) return accessDenied(c);
    state.events.delete(e.id);
    return c.body(null, 204);
  });
}

function readBody(b: unknown): StoredEvent['body'] {
  if (b && typeof b === 'object') {
    const { contentType, content } = b as { contentType?: unknown; content?: unknown };
    return { contentType: contentType === 'html' || contentType === 'HTML' ? 'html' : 'text', content: typeof content === 'string' ? content : '' };
  }
  return { contentType: 'text', content: '' };
}
function readShowAs(s: unknown): ShowAs | undefined {
  return (['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const).find((x) => x === s);
}
function readAttendees(a: unknown): StoredEvent['attendees'] {
  if (!Array.isArray(a)) return [];
  return a
    .filter((x): x is { type?: string; emailAddress: { address: string; name?: string } } => typeof x?.emailAddress?.address === 'string')
    .map((x) => ({ type: x.type ?? 'required', emailAddress: { address: x.emailAddress.address, ...(x.emailAddress.name ? { name: x.emailAddress.name } : {}) } }));
}
