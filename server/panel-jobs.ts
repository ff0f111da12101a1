import { createHash } from 'node:crypto';
import { buildIcs } from '../lib/ics.js';
import { VIDEO_PROVIDER_NAMES } from '../lib/schemas.js';
import type { Deps } from './deps.js';
import { escapeHtml, formatTimeRange } from './mail-templates.js';
import { loadSettings } from './routes/settings.js';
import { findBooking } from './services/bookings.js';
import type { PanelSnapshot } from './services/panel-people.js';
import { videoFor } from './video.js';

/*
 * What each interviewer of a loop receives, as durable jobs (idempotent: a retry changes nothing
 * more). Every interviewer sees only their own sessions and their own join link.
 */

type JobDeps = Omit<Deps, 'jobs'>;

interface Seat { session_position: number; name: string; starts_at: Date; ends_at: Date; active: boolean }

async function loopOf(deps: JobDeps, bookingId: string) {
  const booking = await findBooking(deps.db, bookingId);
  if (!booking) return undefined;
  const [inv] = await deps.db.query<{ panel: PanelSnapshot | null }>(`select panel from invitations where id = $1`, [booking.invitation_id]);
  const [recruiter] = await deps.db.query<{ name: string; email: string }>(`select name, email from recruiters where id = $1`, [booking.recruiter_id]);
  if (!inv?.panel || !recruiter) return undefined;
  return { booking, panel: inv.panel, recruiter };
}

async function seatsOf(deps: JobDeps, bookingId: string, email: string): Promise<Seat[]> {
  return deps.db.query<Seat>(
    `select session_position, name, starts_at, ends_at, active from panel_participants where booking_id = $1 and email = $2 order by active desc, created_at desc`,
    [bookingId, email]);
}

/** The event key of one person's seat in one session: stable across reschedules. */
export function seatKey(bookingId: string, email: string, position: number): string {
  return `parley-${bookingId}-${position}-${createHash('sha256').update(email).digest('hex').slice(0, 12)}`;
}

async function joinLine(deps: JobDeps, bookingId: string, email: string): Promise<{ line: string; url?: string }> {
  const video = await videoFor(deps, bookingId);
  const mine = video?.links.find((l) => l.role === 'interviewer' && l.email === email);
  if (!video || !mine) return { line: '' };
  return { line: `Join (${VIDEO_PROVIDER_NAMES[video.provider]}): ${mine.url}${mine.code ? ` (access code ${mine.code})` : ''}`, url: mine.url };
}

/** `panel.calendar`: the person's own calendar (when they have a Parley account) holds exactly their seats. */
export async function syncInterviewerCalendar(deps: JobDeps, bookingId: string, email: string): Promise<void> {
  const loop = await loopOf(deps, bookingId);
  if (!loop) return;
  const [account] = await deps.db.query<{ id: string }>(`select id from recruiters where email = $1`, [email]);
  if (!account) return; // pending: the invitation mail carries the .ics
  const { target } = await deps.calendars.forRecruiter(account.id);
  const settings = await loadSettings(deps.db, account.id);
  const seats = (await seatsOf(deps, bookingId, email)).filter((s) => s.active && loop.booking.status === 'confirmed');
  const join = await joinLine(deps, bookingId, email);
  for (let position = 0; position < loop.panel.sessions.length; position++) {
    const key = seatKey(bookingId, email, position);
    const seat = seats.find((s) => s.session_position === position);
    if (!seat) {
      await target.deleteEvent(account.id, key);
      continue;
    }
    const session = loop.panel.sessions[position]!;
    await target.upsertEvent(account.id, {
      key,
      start: seat.starts_at.getTime(),
      end: seat.ends_at.getTime(),
      timeZone: settings.timeZone,
      summary: `${session.name}: ${loop.booking.candidate_name}`,
      description: [
        `${loop.recruiter.name} invited you to interview ${loop.booking.candidate_name} (${loop.panel.name}, ${session.name}).`,
        join.line,
        'This join link is yours alone: please do not share it.',
      ].filter(Boolean).join('\n'),
      attendees: [],
    });
  }
}

/** `panel.mail`: the person's invitation (or its update or cancellation) with an .ics per seat. */
export async function mailInterviewerSeats(deps: JobDeps, bookingId: string, email: string): Promise<void> {
  const loop = await loopOf(deps, bookingId);
  if (!loop) return;
  const { booking, panel, recruiter } = loop;
  const all = await seatsOf(deps, bookingId, email);
  if (!all.length) return;
  const active = booking.status === 'confirmed' ? all.filter((s) => s.active) : [];
  const [account] = await deps.db.query<{ id: string }>(`select id from recruiters where email = $1`, [email]);
  const zone = account ? (await loadSettings(deps.db, account.id)).timeZone : (await loadSettings(deps.db, booking.recruiter_id)).timeZone;
  const name = all[0]!.name;
  const join = await joinLine(deps, bookingId, email);
  // Seats given up (cancelled loop, or replaced): one CANCEL each, once.
  const dropped = booking.status === 'cancelled' ? all.filter((s) => !active.some((a) => a.session_position === s.session_position))
    : all.filter((s) => !s.active && !active.some((a) => a.session_position === s.session_position));
  const seen = new Set<number>();
  for (const seat of [...active, ...dropped]) {
    if (seen.has(seat.session_position)) continue;
    seen.add(seat.session_position);
    const session = panel.sessions[seat.session_position]!;
    const live = active.includes(seat);
    const when = formatTimeRange(seat.starts_at, seat.ends_at, zone);
    const lines = live
      ? [`Hi ${name},`, '', `${recruiter.name} invited you to interview ${booking.candidate_name}: ${panel.name}, ${session.name}.`, '', `When: ${when}`,
          ...(join.line ? [join.line] : []), '', 'This link is yours alone: please do not share it.']
      : [`Hi ${name},`, '', `You are no longer needed for ${session.name} with ${booking.candidate_name} (${when}). Thank you!`];
    const ics = buildIcs({
      uid: `${seatKey(bookingId, email, seat.session_position)}@parley`, sequence: booking.sequence,
      start: seat.starts_at, end: seat.ends_at, timeZone: zone,
      summary: `${session.name}: ${booking.candidate_name}`,
      description: live ? [join.line, 'This join link is yours alone.'].filter(Boolean).join('\n') : 'Cancelled',
      ...(live && join.url ? { location: join.url } : {}),
      organizer: { name: recruiter.name, email: recruiter.email }, attendees: [{ name, email }],
      status: live ? 'CONFIRMED' : 'CANCELLED',
    }, live ? 'REQUEST' : 'CANCEL');
    await deps.mailer.send({
      to: email,
      subject: live ? `Interview: ${session.name} with ${booking.candidate_name}` : `Cancelled: ${session.name} with ${booking.candidate_name}`,
      text: lines.join('\n'),
      html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''),
      ics: { content: ics, method: live ? 'REQUEST' : 'CANCEL' },
    });
  }
  // Given-up seats are kept only until their cancellation went out.
  await deps.db.query(`delete from panel_participants where booking_id = $1 and email = $2 and not active`, [bookingId, email]);
}
