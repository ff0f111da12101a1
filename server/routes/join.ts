import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import { VIDEO_PROVIDER_NAMES, type VideoProviderId } from '../../lib/schemas.js';
import type { AppEnv, Deps } from '../deps.js';
import { readForm } from '../http.js';
import { messagePage, isListedZone } from '../pages/booking.js';
import { joinPage, type JoinView } from '../pages/join.js';
import { loadSettings } from './settings.js';
import { findBooking } from '../services/bookings.js';
import { hashToken, TOKEN_PATTERN } from '../secrets.js';
import { CANDIDATE_VIDEO_TROUBLE, type JoinLinkRow } from '../video.js';
import { clientKey } from './client-key.js';
import { clientIp, consume, LIMITS, rateLimit, waitText } from '../rate-limit.js';

type Outcome = 'joined' | 'wrong-code' | 'too-early' | 'too-late' | 'cancelled' | 'not-ready' | 'rate-limited';

/**
 * Parley's join gateway at /j/:token. Each participant's link shows the interview, asks for the
 * access code where there is one, and forwards to the provider's meeting only inside the window
 * around the interview. Wrong codes are limited per link and per address; every attempt is recorded.
 */
export function joinRoutes(deps: Deps) {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();
  app.use('*', rateLimit(deps, [[LIMITS.joinPerIp, clientIp]], { as: 'html' }));
  app.use('*', bodyLimit({ maxSize: 4 * 1024, onError: (c) => c.text('That request is too large.', 413) }));

  async function load(c: Context<AppEnv>) {
    const token = c.req.param('token') ?? '';
    if (!TOKEN_PATTERN.test(token)) return { response: c.html(messagePage('This link is not valid', 'Check that you copied the whole link from your invitation.'), 400) };
    const [link] = await db.query<JoinLinkRow & { id: string }>(`select * from join_links where token_hash = $1`, [hashToken(token)]);
    const booking = link && (await findBooking(db, link.booking_id));
    if (!link || !booking) return { response: c.html(messagePage('We could not find this link', 'Check that you copied the whole link from your invitation.'), 404) };
    const [meeting] = await db.query<{ provider: VideoProviderId; status: string; join_url_sealed: string | null; error_message: string | null }>(
      `select provider, status, join_url_sealed, error_message from meetings where booking_id = $1`, [booking.id]);
    const settings = await loadSettings(db, booking.recruiter_id);
    const [recruiter] = await db.query<{ name: string }>(`select name from recruiters where id = $1`, [booking.recruiter_id]);
    const tz = c.req.query('tz');
    const zone = tz && isListedZone(tz) ? tz : link.role === 'candidate' ? booking.candidate_time_zone : settings.timeZone;
    const now = clock();
    const start = booking.starts_at.getTime();
    const end = booking.ends_at.getTime();
    const opensAt = start - settings.video.openMinutesBefore * 60_000;
    const hidden = link.role === 'interviewer' && settings.video.hideInterviewerLinksUntilDay
      && DateTime.fromMillis(now, { zone: settings.timeZone }).toISODate()! < DateTime.fromMillis(start, { zone: settings.timeZone }).toISODate()!;
    const state: JoinView['state'] = booking.status === 'cancelled' || meeting?.status === 'removed' ? 'cancelled'
      : hidden ? 'hidden'
      : !meeting ? 'failed'
      : now < opensAt ? 'early'
      : now >= end ? 'ended'
      : meeting.status === 'failed' ? 'failed'
      : meeting.status !== 'ready' || !meeting.join_url_sealed ? 'preparing'
      : 'open';
    const view: JoinView = {
      token, start, end, opensAt, timeZone: zone, state,
      title: link.role === 'candidate' ? `Interview with ${recruiter!.name}` : `Interview: ${booking.candidate_name}`,
      provider: meeting ? VIDEO_PROVIDER_NAMES[meeting.provider] : 'video',
      withCode: link.access_code_sealed !== null,
      // The candidate gets the polite line; the recruiter and interviewers the reason.
      ...(state === 'failed' ? { failure: link.role === 'candidate' ? CANDIDATE_VIDEO_TROUBLE : meeting?.error_message ?? CANDIDATE_VIDEO_TROUBLE } : {}),
    };
    return { link, view, meeting };
  }

  const record = (linkId: string, c: Context<AppEnv>, outcome: Outcome) =>
    db.query(`insert into join_events (join_link_id, ip, user_agent, outcome) values ($1, $2, $3, $4)`, [linkId, clientKey(c), (c.req.header('user-agent') ?? '').slice(0, 300), outcome]);

  app.get('/:token', async (c) => {
    const r = await load(c);
    if ('response' in r) return r.response;
    return c.html(joinPage(r.view, c.get('secureHeadersNonce' as never)));
  });

  app.post('/:token', async (c) => {
    const r = await load(c);
    if ('response' in r) return r.response;
    const { link, view, meeting } = r;
    const outcomeOf: Partial<Record<JoinView['state'], Outcome>> = { early: 'too-early', ended: 'too-late', cancelled: 'cancelled', preparing: 'not-ready', failed: 'not-ready', hidden: 'too-early' };
    if (view.state !== 'open') {
      await record(link.id, c, outcomeOf[view.state]!);
      return c.html(joinPage(view), 409);
    }
    if (link.access_code_sealed) {
      // Every attempt is counted (in Postgres, atomically, before the code is compared, so parallel
      // guesses cannot slip past the limit); the right code takes its attempt back.
      const attempts = await consume(deps, [[LIMITS.joinCodesPerLink, link.id], [LIMITS.joinCodesPerIp, clientIp(c)]]);
      if (attempts.limited) {
        await record(link.id, c, 'rate-limited');
        return c.html(joinPage({ ...view, error: `Too many wrong access codes. Please wait ${waitText(attempts.retryAfterSeconds)} and try again, or ask the recruiter for help.` }), 429, { 'retry-after': String(attempts.retryAfterSeconds) });
      }
      const body = await readForm(c);
      const given = Buffer.from(String(body.code ?? '').trim());
      const expected = Buffer.from(deps.sealer.open(link.access_code_sealed));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await record(link.id, c, 'wrong-code');
        return c.html(joinPage({ ...view, error: 'That access code is not right. You can find it in your confirmation and calendar invitation.' }), 400);
      }
      await attempts.refund();
    }
    await record(link.id, c, 'joined');
    return c.redirect(deps.sealer.open(meeting!.join_url_sealed!), 303);
  });
  return app;
}
