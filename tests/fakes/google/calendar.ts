import { Hono, type Context } from 'hono';
import { badRequest, insufficientScope, notCalendarUser } from './envelopes.js';
import { authorise } from './oauth.js';
import { ensureUser, eventsOf, nextEtag, token, type FakeContext } from './state.js';
import { ACCEPTS, type FakeCalendar, type FakeUser, type Grant, type Method } from './types.js';

/**
 * The Calendar API v3 router (mounted at `/calendar/v3`): bearer-token check for every call,
 * calendarList.list and freeBusy.query. The events routes are in `events.ts`.
 */

export type ApiEnv = { Variables: { grant: Grant; user: FakeUser } };

export const allowed = (c: Context<ApiEnv>, method: Method) =>
  ACCEPTS[method].some((s) => c.get('grant').scopes.includes(s));
export const roleOf = (cal: FakeCalendar | undefined, email: string) => cal?.access.get(email);
/** Resolves "primary" and ids the user can see; undefined when the user has no access. */
export function calendarFor(ctx: FakeContext, id: string, email: string): FakeCalendar | undefined {
  const cal = ctx.fake.state.calendars.get(id === 'primary' ? email : id);
  return roleOf(cal, email) ? cal : undefined;
}

/** The router, with its token check and the calendarList and freeBusy routes. */
export function createCalendarApi(ctx: FakeContext): Hono<ApiEnv> {
  const { fake } = ctx;
  const api = new Hono<ApiEnv>();
  api.use('*', async (c, next) => {
    const grant = authorise(ctx, c);
    if (grant instanceof Response) return grant;
    const user = ensureUser(ctx, grant.email);
    if (!user.calendarUser) return notCalendarUser(c);
    c.set('grant', grant);
    c.set('user', user);
    await next();
  });

  api.get('/users/me/calendarList', (c) => {
    if (!allowed(c, 'calendarList.list')) return insufficientScope(c, 'calendarList.list');
    const email = c.get('user').email;
    const mine = [...fake.state.calendars.values()].filter((cal) => cal.access.has(email));
    const max = Math.min(Number(c.req.query('maxResults') ?? 100) || 100, 250, fake.state.maxPageSize);
    const offset = Number(c.req.query('pageToken') ? Buffer.from(c.req.query('pageToken')!, 'base64url').toString() : 0);
    if (!Number.isInteger(offset) || offset < 0) return badRequest(c, 'Invalid page token value.', 'invalid', 'pageToken');
    const page = mine.slice(offset, offset + max);
    const more = offset + max < mine.length;
    return c.json({
      kind: 'calendar#calendarList',
      etag: nextEtag(ctx),
      ...(more ? { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') } : { nextSyncToken: token('sync') }),
      items: page.map((cal) => {
        const role = cal.access.get(email)!;
        return {
          kind: 'calendar#calendarListEntry', etag: nextEtag(ctx), id: cal.id, summary: cal.summary, timeZone: cal.timeZone,
          colorId: '14', backgroundColor: '#9fe1e7', foregroundColor: '#000000', selected: true, accessRole: role,
          defaultReminders: role === 'owner' || role === 'writer' ? [{ method: 'popup', minutes: 10 }] : [],
          ...(cal.primaryOf === email ? { primary: true } : {}),
        };
      }),
    });
  });

  api.post('/freeBusy', async (c) => {
    if (!allowed(c, 'freebusy.query')) return insufficientScope(c, 'freebusy.query');
    const body = (await c.req.json().catch(() => null)) as { timeMin?: string; timeMax?: string; items?: { id?: string }[] } | null;
    if (!body) return badRequest(c, 'Parse Error', 'parseError');
    if (!body.timeMin) return badRequest(c, 'Missing timeMin.', 'required', 'timeMin');
    if (!body.timeMax) return badRequest(c, 'Missing timeMax.', 'required', 'timeMax');
    const from = Date.parse(body.timeMin);
    const to = Date.parse(body.timeMax);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return badRequest(c, 'Bad Request', 'badRequest');
    if (to <= from) return badRequest(c, 'The specified time range is empty.', 'timeRangeEmpty', 'timeMax');
    const items = body.items ?? [];
    if (items.length > 50) return badRequest(c, 'The number of calendars requested is too large.', 'tooManyCalendarsRequested');
    const email = c.get('user').email;
    const calendars: Record<string, unknown> = {};
    for (const item of items) {
      const id = item.id ?? '';
      const cal = calendarFor(ctx, id, email);
      if (!cal) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      if (cal.freeBusyError) {
        calendars[id] = { errors: [{ domain: 'global', reason: cal.freeBusyError }], busy: [] };
        continue;
      }
      const spans = [...eventsOf(ctx, cal.id).values()]
        .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent' && e.start < to && e.end > from)
        .map((e) => ({ start: Math.max(e.start, from), end: Math.min(e.end, to) }))
        .sort((a, b) => a.start - b.start);
      const merged: { start: number; end: number }[] = [];
      for (const s of spans) {
        const last = merged[merged.length - 1];
        if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
        else merged.push({ ...s });
      }
      calendars[id] = { busy: merged.map((s) => ({ start: isoSeconds(s.start), end: isoSeconds(s.end) })) };
    }
    return c.json({ kind: 'calendar#freeBusy', timeMin: isoSeconds(from), timeMax: isoSeconds(to), calendars });
  });

  return api;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
