import type { Hono, Context } from 'hono';
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { eventJson } from './events.js';
import { graphError, guard, notFound, page } from './graph.js';
import { allowedProviders } from './meetings.js';
import { ordered, resolveCalendar, type FakeContext } from './state.js';
import { graphTime, outputZone, parseGraphTime } from './time.js';
import type { Calendar, ShowAs } from './types.js';

// Graph calendars: the list, one calendar, free/busy (getSchedule) and calendarView.

const calendarJson = (ctx: FakeContext, cal: Calendar) => ({
  id: cal.id,
  name: cal.name,
  color: cal.color,
  hexColor: '',
  isDefaultCalendar: cal.isDefaultCalendar,
  changeKey: createHash('md5').update(cal.id).digest('base64'),
  canShare: cal.canEdit,
  canViewPrivateItems: cal.canEdit,
  canEdit: cal.canEdit,
  allowedOnlineMeetingProviders: allowedProviders(ctx),
  defaultOnlineMeetingProvider: allowedProviders(ctx)[0] ?? 'unknown',
  isTallyingResponses: true,
  isRemovable: !cal.isDefaultCalendar,
  owner: cal.owner,
});

export function registerCalendars(app: Hono, ctx: FakeContext) {
  const { fake, state } = ctx;

  app.get('/v1.0/me/calendars', (c) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    return c.json(page(ctx, c, [...state.calendars.values()].map((cal) => calendarJson(ctx, cal))));
  });

  app.get('/v1.0/me/calendar', (c) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    const cal = state.calendars.get(state.defaultCalendarId)!;
    const json = calendarJson(ctx, cal);
    const select = c.req.query('$select');
    return c.json(select ? Object.fromEntries(Object.entries(json).filter(([k]) => k === 'id' || select.split(',').includes(k))) : json);
  });

  app.get('/v1.0/me/calendars/:id', (c) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    const cal = state.calendars.get(c.req.param('id'));
    return cal ? c.json(calendarJson(ctx, cal)) : notFound(c);
  });

  app.post('/v1.0/me/calendar/getSchedule', async (c) => {
    const refused = guard(ctx, c, 'schedule');
    if (refused) return refused;
    const body = (await c.req.json().catch(() => null)) as { schedules?: unknown; startTime?: unknown; endTime?: unknown; availabilityViewInterval?: unknown } | null;
    if (!body || !Array.isArray(body.schedules) || body.schedules.length === 0) {
      return graphError(c, 400, 'ErrorInvalidParameter', "The parameter 'Schedules' is missing or empty.");
    }
    const start = parseGraphTime(body.startTime);
    const end = parseGraphTime(body.endTime);
    if ('error' in start || 'error' in end) return graphError(c, 400, 'ErrorInvalidParameter', "The parameters 'StartTime' and 'EndTime' must be valid dateTimeTimeZone values.");
    if (end.ms <= start.ms) return graphError(c, 400, 'ErrorInvalidParameter', 'The EndTime must be after the StartTime.');
    if (end.ms - start.ms > 62 * 86_400_000) return graphError(c, 400, 'ErrorInvalidParameter', 'The requested time duration exceeds the permissible limit (62 days).');
    const interval = Number(body.availabilityViewInterval ?? 30);
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) return graphError(c, 400, 'ErrorInvalidParameter', 'availabilityViewInterval must be between 5 and 1440.');
    const codeOf: Record<ShowAs, string> = { free: '0', tentative: '1', busy: '2', oof: '3', workingElsewhere: '4', unknown: '2' };
    const value = (body.schedules as unknown[]).map((address) => {
      if (typeof address !== 'string' || address.toLowerCase() !== fake.account.email.toLowerCase()) {
        return {
          scheduleId: String(address),
          availabilityView: '',
          error: { message: `The recipient '${String(address)}' could not be found. Mailbox does not exist.`, responseCode: 'ErrorMailRecipientNotFound' },
        };
      }
      const items = ordered(state, state.defaultCalendarId).filter((e) => !e.isCancelled && e.start < end.ms && e.end > start.ms);
      let view = '';
      for (let t = start.ms; t < end.ms; t += interval * 60_000) {
        const slot = items.filter((e) => e.start < t + interval * 60_000 && e.end > t && e.showAs !== 'free');
        view += slot.length ? String(Math.max(...slot.map((e) => Number(codeOf[e.showAs])))) : '0';
      }
      return {
        scheduleId: address,
        availabilityView: view,
        scheduleItems: items.map((e) => {
          const { zone, label } = outputZone(ctx, c, e);
          return { isPrivate: false, status: e.showAs, subject: e.subject, location: '', isMeeting: e.attendees.length > 0, isRecurring: false, isException: false, isReminderSet: true, start: graphTime(e.start, zone, label), end: graphTime(e.end, zone, label) };
        }),
        workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'W. Europe Standard Time' } },
      };
    });
    return c.json({ '@odata.context': `${ctx.url}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value });
  });

  const calendarView = (c: Context) => {
    const refused = guard(ctx, c, 'read');
    if (refused) return refused;
    const cal = resolveCalendar(state, c.req.param('id') ?? 'calendar');
    if (!cal) return notFound(c);
    const s = c.req.query('startDateTime');
    const e = c.req.query('endDateTime');
    if (!s || !e) return graphError(c, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    const from = DateTime.fromISO(s, { zone: 'utc' });
    const to = DateTime.fromISO(e, { zone: 'utc' });
    if (!from.isValid || !to.isValid) return graphError(c, 400, 'ErrorInvalidParameter', "The parameter 'StartDateTime' or 'EndDateTime' is not a valid date and time.");
    const hits = ordered(state, cal.id).filter((x) => x.start < to.toMillis() && x.end > from.toMillis());
    return c.json(page(ctx, c, hits.map((x) => eventJson(ctx, c, x))));
  };
  app.get('/v1.0/me/calendarView', calendarView);
  app.get('/v1.0/me/calendar/calendarView', calendarView);
  app.get('/v1.0/me/calendars/:id/calendarView', calendarView);
}
