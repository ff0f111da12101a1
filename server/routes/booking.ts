import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import { DateTime } from 'luxon';
import { BookingFormSchema } from '../../lib/booking-form.js';
import { buildIcs } from '../../lib/ics.js';
import { VIDEO_PROVIDER_NAMES } from '../../lib/schemas.js';
import { CANDIDATE_VIDEO_TROUBLE, videoFor } from '../video.js';
import type { AppEnv, Deps } from '../deps.js';
import { errorBody, readForm, readJson, zodFields } from '../http.js';
import { banner, type Html } from '../pages/layout.js';
import {
  bookingPage, confirmationPage, confirmPage, countryOfZone, isListedZone, messagePage, PHONE_COUNTRIES, rescheduleConfirmPage, type BookedSession, type ConfirmValues,
} from '../pages/booking.js';
import {
  book, cancel, LinkClosedError, loadInvitationContext, markOpened, reschedule, SlotTakenError, slotsFor, type InvitationContext,
} from '../services/bookings.js';
import { TOKEN_PATTERN } from '../secrets.js';
import { clientIp, LIMITS, rateLimit } from '../rate-limit.js';

type C = Context<AppEnv & { Variables: { secureHeadersNonce?: string } }>;

const wantsJson = (c: C) => (c.req.header('content-type') ?? '').includes('application/json') || (c.req.header('accept') ?? '').startsWith('application/json');

/**
 * The candidate's public pages at /b/:token: pick a time, confirm, see the confirmation, reschedule,
 * cancel, download the .ics. Server-rendered HTML that works without JavaScript; the same routes
 * answer JSON to API clients.
 */
export function bookingRoutes(deps: Deps) {
  const { clock } = deps;
  const app = new Hono<AppEnv>();
  // Counted in Postgres, so the limits hold across processes: every request per client address, and
  // booking, moving and cancelling per link and per address.
  const linkToken = (c: Context) => { const t = c.req.param('token'); return t && TOKEN_PATTERN.test(t) ? t : undefined; };
  app.use('*', rateLimit(deps, [[LIMITS.bookingPerIp, clientIp]]));
  app.on('POST', ['/:token/book', '/:token/reschedule', '/:token/cancel'],
    rateLimit(deps, [[LIMITS.bookingChangesPerToken, linkToken], [LIMITS.bookingChangesPerIp, clientIp]]));
  app.use('*', csrf());
  app.use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('That request is too large.', 413) }));

  async function context(c: C): Promise<InvitationContext | Response> {
    const token = c.req.param('token') ?? '';
    const json = wantsJson(c);
    if (!TOKEN_PATTERN.test(token)) {
      return json ? c.json(errorBody('This booking link is not valid. Check that you copied all of it.'), 400)
        : c.html(messagePage('This link is not valid', 'Check that you copied the whole link from the message you received.'), 400);
    }
    const ctx = await loadInvitationContext(deps, token);
    if (!ctx) {
      return json ? c.json(errorBody('This booking link does not exist.'), 404)
        : c.html(messagePage('We could not find this link', 'Check that you copied the whole link from the message you received.'), 404);
    }
    return ctx;
  }

  function closedPage(c: C, ctx: InvitationContext) {
    const name = ctx.recruiter.name;
    const text = ctx.status === 'revoked'
      ? `${name} has withdrawn this link. Please reply to ${name}'s message to find a time.`
      : `This link has expired. Please reply to ${name}'s message instead, and ${name} can send you a new one.`;
    if (wantsJson(c)) return c.json(errorBody(text), 410);
    return c.html(messagePage(ctx.status === 'revoked' ? 'This link is no longer active' : 'This link has expired', text), 410);
  }

  function viewerZone(c: C, ctx: InvitationContext): { zone: string; detect: boolean } {
    const tz = c.req.query('tz');
    if (tz && isListedZone(tz)) return { zone: tz, detect: false };
    return { zone: ctx.booking?.candidate_time_zone ?? ctx.settings.timeZone, detect: !tz };
  }

  /** The time list; `takenIn` re-renders it (409) in the zone the candidate was booking in, after their time was taken. */
  async function renderSlots(c: C, ctx: InvitationContext, mode: 'book' | 'reschedule', notice?: Html, takenIn?: string) {
    const { zone, detect } = takenIn ? { zone: takenIn, detect: false } : viewerZone(c, ctx);
    const status = takenIn ? 409 : 200;
    const answer = await slotsFor(deps, ctx, zone, mode === 'reschedule' ? ctx.booking?.id : undefined);
    return c.html(bookingPage({
      ctx, token: c.req.param('token')!, slots: answer.slots, timeZone: zone, now: clock(), nonce: c.get('secureHeadersNonce'),
      detectZone: detect, mode, notice, calendarError: answer.calendarError,
    }), status);
  }

  async function candidateVideo(bookingId: string) {
    const video = await videoFor(deps, bookingId);
    const mine = video?.links.find((l) => l.role === 'candidate');
    if (!video || !mine) return undefined;
    return { url: mine.url, code: mine.code, provider: VIDEO_PROVIDER_NAMES[video.provider], ...(video.status === 'failed' ? { trouble: CANDIDATE_VIDEO_TROUBLE } : {}) };
  }

  async function renderConfirmation(c: C, ctx: InvitationContext, notice?: Html) {
    const { zone } = viewerZone(c, ctx);
    const video = await candidateVideo(ctx.booking!.id);
    const sessions = await bookedSessions(deps, ctx.booking!.id);
    return c.html(confirmationPage({ ctx, booking: ctx.booking!, token: c.req.param('token')!, timeZone: zone, now: clock(), publicUrl: deps.config.publicUrl, notice, sessions, ...(video ? { video } : {}) }));
  }

  app.get('/:token', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    if (ctx.booking) {
      if (c.req.query('reschedule') === '1' && ctx.booking.starts_at.getTime() > clock()) return renderSlots(c, ctx, 'reschedule');
      const notice = c.req.query('rescheduled') === '1' ? banner('success', `Your interview was moved. ${ctx.recruiter.name} has been told.`)
        : c.req.query('booked') === '1' ? banner('success', `You're booked. ${ctx.recruiter.name} has been told.`) : undefined;
      return renderConfirmation(c, ctx, notice);
    }
    if (ctx.status !== 'created' && ctx.status !== 'opened') return closedPage(c, ctx);
    await markOpened(deps, ctx);
    const notice = c.req.query('cancelled') === '1' ? banner('success', `Your interview was cancelled and ${ctx.recruiter.name} has been told. You can pick another time below.`) : undefined;
    return renderSlots(c, ctx, 'book', notice);
  });

  const SlotsQuery = z.object({ tz: z.string().refine(isListedZone, 'Unknown time zone').optional() });
  app.get('/:token/slots', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    const q = SlotsQuery.safeParse(c.req.query());
    if (!q.success) return c.json(errorBody('Unknown time zone', zodFields(q.error)), 400);
    if (ctx.status !== 'created' && ctx.status !== 'opened' && !ctx.booking) return closedPage(c, ctx);
    const zone = q.data.tz ?? ctx.settings.timeZone;
    const answer = await slotsFor(deps, ctx, zone, ctx.booking?.id);
    return c.json({
      timeZone: zone,
      durationMinutes: ctx.invitation.duration_minutes,
      recruiter: { name: ctx.recruiter.name },
      slots: answer.slots.map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })),
      ...(answer.calendarError ? { calendarError: answer.calendarError } : {}),
    });
  });

  const ConfirmQuery = z.object({ start: z.iso.datetime({ offset: true }), tz: z.string().refine(isListedZone), reschedule: z.literal('1').optional() });
  app.get('/:token/confirm', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    const q = ConfirmQuery.safeParse(c.req.query());
    if (!q.success) return c.redirect(`/b/${c.req.param('token')}`, 303);
    const start = Date.parse(q.data.start);
    if (q.data.reschedule && ctx.booking) {
      return c.html(rescheduleConfirmPage({ ctx, token: c.req.param('token'), start, timeZone: q.data.tz }));
    }
    if (ctx.booking) return renderConfirmation(c, ctx);
    if (ctx.status !== 'created' && ctx.status !== 'opened') return closedPage(c, ctx);
    const values: ConfirmValues = {
      name: ctx.invitation.recipient_name ?? '', country: guessCountry(c.req.header('accept-language'), q.data.tz), phone: '', email: '', note: 'none', customNote: '',
    };
    return c.html(confirmPage({ ctx, token: c.req.param('token'), start, timeZone: q.data.tz, values, errors: {} }));
  });

  app.post('/:token/book', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    const json = wantsJson(c);
    const raw = json ? await readJson(c) : Object.fromEntries(Object.entries(await readForm(c)).map(([k, v]) => [k, String(v)]));
    if (raw === null || typeof raw !== 'object') return c.json(errorBody('The request body must be a JSON object'), 400);
    const token = c.req.param('token');
    if (ctx.booking) return json ? c.json(errorBody('This link was already used to book an interview.'), 409) : c.redirect(`/b/${token}`, 303);
    if (ctx.status !== 'created' && ctx.status !== 'opened') return closedPage(c, ctx);
    const parsed = BookingFormSchema.safeParse(raw);
    if (!parsed.success) {
      const errors = zodFields(parsed.error);
      if (json) return c.json(errorBody('Please correct the highlighted fields.', errors), 400);
      const r = raw as Record<string, string>;
      const start = Date.parse(r.start ?? '');
      const tz = r.timeZone && isListedZone(r.timeZone) ? r.timeZone : ctx.settings.timeZone;
      if (Number.isNaN(start)) return c.redirect(`/b/${token}?tz=${encodeURIComponent(tz)}`, 303);
      const values: ConfirmValues = {
        name: r.name ?? '', country: r.country ?? 'US', phone: r.phone ?? '', email: r.email ?? '', note: r.note ?? 'none', customNote: r.customNote ?? '',
      };
      return c.html(confirmPage({ ctx, token, start, timeZone: tz, values, errors }), 400);
    }
    try {
      const booking = await book(deps, ctx, parsed.data);
      if (json) return c.json({ booking: { id: booking.id, start: booking.starts_at.toISOString(), end: booking.ends_at.toISOString(), url: `${deps.config.publicUrl}/b/${token}` } }, 201);
      return c.redirect(`/b/${token}?booked=1&tz=${encodeURIComponent(parsed.data.timeZone)}`, 303);
    } catch (err) {
      if (err instanceof SlotTakenError) {
        const { slots } = await slotsFor(deps, ctx, parsed.data.timeZone);
        if (json) return c.json({ ...errorBody(err.message), slots: slots.map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })) }, 409);
        return renderSlots(c, ctx, 'book', banner('error', `${err.message.replace(/ Please pick.*$/, '')} Here are the times still free.`), parsed.data.timeZone);
      }
      if (err instanceof LinkClosedError) return json ? c.json(errorBody('This link was already used to book an interview.'), 409) : c.redirect(`/b/${token}`, 303);
      throw err;
    }
  });

  const RescheduleForm = z.object({ start: z.iso.datetime({ offset: true }), timeZone: z.string().refine(isListedZone, 'Unknown time zone') });
  app.post('/:token/reschedule', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    const json = wantsJson(c);
    const token = c.req.param('token');
    const parsed = RescheduleForm.safeParse(json ? await readJson(c) : await readForm(c));
    if (!parsed.success) return json ? c.json(errorBody('Pick a new time from the list', zodFields(parsed.error)), 400) : c.redirect(`/b/${token}?reschedule=1`, 303);
    try {
      const booking = await reschedule(deps, ctx, parsed.data.start, parsed.data.timeZone);
      if (json) return c.json({ booking: { id: booking.id, start: booking.starts_at.toISOString(), end: booking.ends_at.toISOString() } });
      return c.redirect(`/b/${token}?rescheduled=1&tz=${encodeURIComponent(parsed.data.timeZone)}`, 303);
    } catch (err) {
      if (err instanceof SlotTakenError) {
        if (json) {
          const { slots } = await slotsFor(deps, ctx, parsed.data.timeZone, ctx.booking?.id);
          return c.json({ ...errorBody(err.message), slots: slots.map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })) }, 409);
        }
        return renderSlots(c, ctx, 'reschedule', banner('error', `${err.message.replace(/ Please pick.*$/, '')} Here are the times still free.`), parsed.data.timeZone);
      }
      if (err instanceof LinkClosedError) {
        const text = err.status === 'started' ? 'This interview has already started and can no longer be moved.' : 'There is no booked interview to move.';
        return json ? c.json(errorBody(text), 409) : c.html(messagePage('This interview cannot be moved', text), 409);
      }
      throw err;
    }
  });

  app.post('/:token/cancel', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    const token = c.req.param('token');
    try {
      await cancel(deps, ctx, 'candidate');
    } catch (err) {
      if (err instanceof LinkClosedError) {
        const text = err.status === 'started' ? 'This interview has already started and can no longer be cancelled here.' : 'There is no booked interview to cancel.';
        return wantsJson(c) ? c.json(errorBody(text), 409) : c.html(messagePage('This interview cannot be cancelled', text), 409);
      }
      throw err;
    }
    return wantsJson(c) ? c.json({ ok: true }) : c.redirect(`/b/${token}?cancelled=1`, 303);
  });

  app.get('/:token/interview.ics', async (c) => {
    const ctx = await context(c);
    if (ctx instanceof Response) return ctx;
    if (!ctx.booking) return c.text('There is no booked interview on this link.', 404);
    const { zone } = viewerZone(c, ctx);
    const b = ctx.booking;
    const link = `${deps.config.publicUrl}/b/${c.req.param('token')}`;
    const video = await candidateVideo(b.id);
    const join = video ? `Join (${video.provider}): ${video.url}${video.code ? `\nAccess code: ${video.code}` : ''}\n` : '';
    const ics = buildIcs({
      uid: `${b.id}@parley`, sequence: b.sequence, start: b.starts_at, end: b.ends_at, timeZone: zone,
      summary: `Interview with ${ctx.recruiter.name}`,
      description: `Your interview with ${ctx.recruiter.name} (${ctx.recruiter.email}).\n${join}Details, reschedule or cancel: ${link}`,
      url: link, location: video?.url ?? link,
      organizer: { name: ctx.recruiter.name, email: ctx.recruiter.email },
      attendees: b.candidate_email ? [{ name: b.candidate_name, email: b.candidate_email }] : [],
      status: 'CONFIRMED',
    }, 'PUBLISH');
    const stamp = DateTime.fromJSDate(b.starts_at, { zone }).toFormat('yyyy-LL-dd');
    return c.body(ics, 200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="interview-${stamp}.ics"` });
  });

  return app;
}

/**
 * A default for the country-code picker, never a blind +1: the region of the browser's first language
 * ("de-DE" → DE); when that language names no region ("de"), the country of the candidate's time zone
 * (Europe/Vienna → AT); else the language's likely region ("ja" → JP). Empty when nothing is known:
 * the candidate then chooses.
 */
export function guessCountry(acceptLanguage: string | undefined, timeZone: string): string {
  const first = (acceptLanguage ?? '').split(',')[0]!.split(';')[0]!.trim();
  let locale: Intl.Locale | undefined;
  try {
    locale = first && first !== '*' ? new Intl.Locale(first) : undefined;
  } catch {
    locale = undefined;
  }
  const known = (code: string | undefined) => (code && PHONE_COUNTRIES.has(code) ? code : undefined);
  return known(locale?.region) ?? known(countryOfZone(timeZone)) ?? known(locale?.maximize().region) ?? '';
}

/** A booked loop's sessions with who is in each (nothing for a one-to-one). */
async function bookedSessions(deps: Deps, bookingId: string): Promise<BookedSession[]> {
  const rows = await deps.db.query<{ position: number; name: string; starts_at: Date; ends_at: Date; people: string[] | null }>(
    `select s.position, s.name, s.starts_at, s.ends_at,
            (select array_agg(p.name order by p.created_at) from panel_participants p where p.booking_id = s.booking_id and p.session_position = s.position and p.active) as people
       from booking_sessions s where s.booking_id = $1 order by s.starts_at`, [bookingId]);
  return rows.map((r) => ({ name: r.name, start: r.starts_at.getTime(), end: r.ends_at.getTime(), interviewers: r.people ?? [] }));
}
