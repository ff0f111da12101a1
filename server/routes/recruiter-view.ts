import { Hono } from 'hono';
import { html } from 'hono/html';
import { VIDEO_PROVIDER_NAMES } from '../../lib/schemas.js';
import type { Sql } from '../db.js';
import type { AppEnv, Deps } from '../deps.js';
import { formatTimeRange } from '../mail-templates.js';
import { messagePage } from '../pages/booking.js';
import { banner, layout, type Html } from '../pages/layout.js';
import { clientIp, rateLimit, type RateRule } from '../rate-limit.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../secrets.js';
import { BOOKING_COLUMNS, type BookingRow } from '../services/bookings.js';
import { videoFor, type VideoView } from '../video.js';
import { loadSettings } from './settings.js';

/*
 * The recruiter's own view of one interview (/r/:token), where "Open in Parley" in the recruiter's
 * notification mail leads. It shows the interview, the candidate's contact and the recruiter's own
 * join link and code, and points to the Parley popup for changes. It never shows a candidate token
 * (neither the booking link nor the candidate's join link): whoever opens the recruiter's mail must
 * not be able to act as the candidate. The token is the recruiter's alone, 192 bits, stored hashed
 * (lookup) and sealed (to write the same link into every mail about the booking).
 */

/**
 * How long after the interview's end its recruiter link still opens. The page shows the candidate's phone
 * and e-mail, and mail is forwarded and archived: a link in an old mail should not show them for ever.
 * The interview stays in the Parley extension.
 */
export const RECRUITER_LINK_DAYS_AFTER = 30;

/** Every request to recruiter views from one client (the token space itself is far too large to guess). */
const VIEW_PER_IP: RateRule = { name: 'recruiter-view:ip', windowMs: 60_000, limit: 120 };

/** The recruiter's link to a booking: made on first use, the same one afterwards. */
export async function recruiterViewUrl(deps: Pick<Deps, 'db' | 'sealer' | 'config'>, bookingId: string, sql: Sql = deps.db): Promise<string> {
  const token = newToken();
  await sql.query(
    `insert into recruiter_links (booking_id, token_hash, token_sealed) values ($1, $2, $3) on conflict (booking_id) do nothing`,
    [bookingId, hashToken(token), deps.sealer.seal(token)],
  );
  const [row] = await sql.query<{ token_sealed: string }>(`select token_sealed from recruiter_links where booking_id = $1`, [bookingId]);
  return `${deps.config.publicUrl}/r/${deps.sealer.open(row!.token_sealed)}`;
}

interface Session { name: string; starts_at: Date; ends_at: Date; interviewers: string[] }

async function sessionsOf(sql: Sql, bookingId: string): Promise<Session[]> {
  const sessions = await sql.query<{ position: number; name: string; starts_at: Date; ends_at: Date }>(
    `select position, name, starts_at, ends_at from booking_sessions where booking_id = $1 order by starts_at`, [bookingId]);
  if (!sessions.length) return [];
  const seats = await sql.query<{ session_position: number; name: string }>(
    `select session_position, name from panel_participants where booking_id = $1 and active order by created_at`, [bookingId]);
  return sessions.map((s) => ({ ...s, interviewers: seats.filter((p) => p.session_position === s.position).map((p) => p.name) }));
}

function videoRows(video: VideoView | null): Html | '' {
  if (!video) return '';
  const mine = video.links.find((l) => l.role === 'recruiter');
  const provider = VIDEO_PROVIDER_NAMES[video.provider];
  if (video.status === 'failed') return html`<dt>Video</dt><dd class="error">${video.error ?? `The ${provider} meeting could not be made.`}</dd>`;
  if (!mine) return html`<dt>Video</dt><dd>${provider}</dd>`;
  return html`<dt>Your join link</dt><dd><a href="${mine.url}">${mine.url}</a> <span class="muted">(${provider}; yours alone: the candidate has their own)</span></dd>
${mine.code ? html`<dt>Your access code</dt><dd><strong>${mine.code}</strong></dd>` : ''}`;
}

type Booking = BookingRow & { cancelled_by: string | null };
/** The booking and who cancelled it, read with the link in one query. */
const VIEW_COLUMNS = `${BOOKING_COLUMNS.split(',').map((c) => `b.${c.trim()}`).join(', ')}, b.cancelled_by`;

function recruiterPage(o: { booking: Booking; zone: string; video: VideoView | null; sessions: Session[] }): Html {
  const { booking: b, zone } = o;
  const cancelled = b.status === 'cancelled';
  const candidateZone = b.candidate_time_zone !== zone
    ? html`<dt>Candidate's time</dt><dd>${formatTimeRange(b.starts_at, b.ends_at, b.candidate_time_zone)}</dd>` : '';
  const body = html`
<h1>Interview: ${b.candidate_name}</h1>
${cancelled ? banner('info', `This interview was cancelled${b.cancelled_by ? ` by ${b.cancelled_by === 'recruiter' ? 'you' : 'the candidate'}` : ''}.`) : ''}
<dl>
  <dt>${cancelled ? 'Was' : 'When'}</dt><dd>${formatTimeRange(b.starts_at, b.ends_at, zone)}</dd>
  ${cancelled ? '' : candidateZone}
  <dt>Candidate</dt><dd>${b.candidate_name}</dd>
  ${b.candidate_phone ? html`<dt>Phone</dt><dd><a href="tel:${b.candidate_phone.replace(/[^+\d]/g, '')}">${b.candidate_phone}</a></dd>` : ''}
  ${b.candidate_email ? html`<dt>E-mail</dt><dd><a href="mailto:${b.candidate_email}">${b.candidate_email}</a></dd>` : ''}
  ${cancelled ? '' : videoRows(o.video)}
</dl>
${o.sessions.length ? html`<h2>Sessions</h2><ol class="sessions">${o.sessions.map((s) => html`<li><strong>${s.name}</strong> · ${formatTimeRange(s.starts_at, s.ends_at, zone)}${s.interviewers.length ? html` · <span class="muted">${s.interviewers.join(', ')}</span>` : ''}</li>`)}</ol>` : ''}
${b.note ? html`<h2>Note from the candidate</h2><p>${b.note.split(/\r?\n/).map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p>` : ''}
<h2>Changes</h2>
<p>To reschedule, cancel${o.sessions.length ? ', change interviewers' : ''} or copy the candidate's link, open the <strong>Parley</strong> extension: the Parley icon in your browser's toolbar lists your upcoming interviews.</p>
<p class="muted">This page is yours alone: it is not the candidate's booking page, and it cannot change the interview.</p>`;
  return layout({ title: `Interview: ${b.candidate_name}`, body });
}

export function recruiterViewRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', rateLimit(deps, [[VIEW_PER_IP, clientIp]], { as: 'html' }));
  app.get('/:token', async (c) => {
    c.header('cache-control', 'no-store');
    const token = c.req.param('token');
    if (!TOKEN_PATTERN.test(token)) return c.html(messagePage('This link is not valid', 'Check that you copied the whole link from your notification.'), 400);
    const [booking] = await deps.db.query<Booking>(
      `select ${VIEW_COLUMNS} from recruiter_links l join bookings b on b.id = l.booking_id where l.token_hash = $1`,
      [hashToken(token)],
    );
    if (!booking) return c.html(messagePage('We could not find this interview', 'It may have been deleted. Your upcoming interviews are in the Parley extension.'), 404);
    if (deps.clock() > booking.ends_at.getTime() + RECRUITER_LINK_DAYS_AFTER * 86_400_000) {
      return c.html(messagePage('This link has expired', `Links in Parley's mails open for ${RECRUITER_LINK_DAYS_AFTER} days after the interview. The interview is still in the Parley extension: click the Parley icon in your browser's toolbar.`), 410);
    }
    const settings = await loadSettings(deps.db, booking.recruiter_id);
    return c.html(recruiterPage({
      booking,
      zone: settings.timeZone,
      video: await videoFor(deps, booking.id),
      sessions: await sessionsOf(deps.db, booking.id),
    }));
  });
  return app;
}
