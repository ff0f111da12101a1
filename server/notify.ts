import { buildIcs } from '../lib/ics.js';
import type { Deps } from './deps.js';
import { escapeHtml, formatTimeRange, renderBookingEmail, type RecruiterNotice } from './mail-templates.js';
import { recruiterViewUrl } from './routes/recruiter-view.js';
import { loadSettings } from './routes/settings.js';
import { findBooking } from './services/bookings.js';
import { invitationUrl } from './services/invitations.js';
import { videoFor } from './video.js';
import { VIDEO_PROVIDER_NAMES } from '../lib/schemas.js';

/**
 * Mails the recruiter on every booking, reschedule and cancel, and the candidate (when they gave an
 * address) on booking and reschedule. With SMTP configured this is a real mail; otherwise the
 * development outbox logs it.
 */
export async function mailForBooking(
  deps: Omit<Deps, 'jobs'>, bookingId: string, kind: RecruiterNotice, to: 'recruiter' | 'candidate', previousStart?: Date,
): Promise<void> {
  const booking = await findBooking(deps.db, bookingId);
  if (!booking) return;
  if (to === 'candidate' && (kind === 'cancelled' || !booking.candidate_email)) return;
  const [row] = await deps.db.query<{ name: string; email: string; token_sealed: string }>(
    `select r.name, r.email, i.token_sealed from recruiters r join invitations i on i.recruiter_id = r.id where i.id = $1`,
    [booking.invitation_id],
  );
  if (!row) return;
  const settings = await loadSettings(deps.db, booking.recruiter_id);
  // Each reader gets their own page: the candidate their booking link (reschedule, cancel), the
  // recruiter their own view of the interview. The candidate's token never goes to the recruiter.
  const link = to === 'candidate' ? invitationUrl(deps, deps.sealer.open(row.token_sealed)) : await recruiterViewUrl(deps, booking.id);
  const video = await videoFor(deps, booking.id);
  const mine = video?.links.find((l) => l.role === to);
  const input = {
    ...(mine && video ? { join: { url: mine.url, code: mine.code, provider: VIDEO_PROVIDER_NAMES[video.provider] } } : {}),
    recruiterName: row.name,
    recruiterEmail: row.email,
    candidateName: booking.candidate_name,
    candidatePhone: booking.candidate_phone,
    ...(booking.candidate_email ? { candidateEmail: booking.candidate_email } : {}),
    ...(booking.note ? { note: booking.note } : {}),
    start: booking.starts_at,
    end: booking.ends_at,
    recruiterTimeZone: settings.timeZone,
    candidateTimeZone: booking.candidate_time_zone,
    ...(to === 'candidate' ? { manageUrl: link } : { recruiterUrl: link }),
    ...(previousStart ? { previousStart } : {}),
  };
  const mail = renderBookingEmail(to === 'candidate' ? 'candidate-confirmation' : kind, input);
  // The candidate is invited (REQUEST); the recruiter organises the event, so their copy is a
  // PUBLISH to add to their own calendar, or a CANCEL that removes it.
  const method = kind === 'cancelled' ? 'CANCEL' : to === 'candidate' ? 'REQUEST' : 'PUBLISH';
  const ics = buildIcs(
    {
      uid: `${booking.id}@parley`,
      sequence: booking.sequence,
      start: booking.starts_at,
      end: booking.ends_at,
      timeZone: to === 'candidate' ? booking.candidate_time_zone : settings.timeZone,
      summary: to === 'candidate' ? `Interview with ${row.name}` : `Interview: ${booking.candidate_name}`,
      description: [mine ? `Join: ${mine.url}${mine.code ? ` (access code ${mine.code})` : ''}` : '', to === 'candidate' ? `Details, reschedule or cancel: ${link}` : `Details: ${link}`].filter(Boolean).join('\n'),
      url: link,
      ...(mine ? { location: mine.url } : {}),
      organizer: { name: row.name, email: row.email },
      attendees: booking.candidate_email ? [{ name: booking.candidate_name, email: booking.candidate_email }] : [],
      status: kind === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    },
    method,
  );
  await deps.mailer.send({
    to: to === 'candidate' ? booking.candidate_email! : row.email,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ics: { content: ics, method },
  });
}

/** An interviewer's invitation: their own join link and code, the time in the recruiter's zone. */
export async function mailInterviewer(deps: Omit<Deps, 'jobs'>, bookingId: string, email: string): Promise<void> {
  const booking = await findBooking(deps.db, bookingId);
  const video = await videoFor(deps, bookingId);
  const link = video?.links.find((l) => l.role === 'interviewer' && l.email === email);
  if (!booking || !video || !link || booking.status !== 'confirmed') return;
  const settings = await loadSettings(deps.db, booking.recruiter_id);
  const [recruiter] = await deps.db.query<{ name: string; email: string }>(`select name, email from recruiters where id = $1`, [booking.recruiter_id]);
  const when = formatTimeRange(booking.starts_at, booking.ends_at, settings.timeZone);
  const lines = [
    `Hi ${link.name},`, '', `${recruiter!.name} invited you to interview ${booking.candidate_name}.`, '', `When: ${when}`,
    `Join (${VIDEO_PROVIDER_NAMES[video.provider]}): ${link.url}`, ...(link.code ? [`Access code: ${link.code}`] : []), '',
    'This link is yours alone: please do not share it.',
  ];
  const ics = buildIcs({
    uid: `${booking.id}-${link.email}@parley`, sequence: booking.sequence, start: booking.starts_at, end: booking.ends_at, timeZone: settings.timeZone,
    summary: `Interview: ${booking.candidate_name}`, description: `Join: ${link.url}${link.code ? ` (access code ${link.code})` : ''}`, location: link.url,
    organizer: { name: recruiter!.name, email: recruiter!.email }, attendees: [{ name: link.name, email }], status: 'CONFIRMED',
  }, 'REQUEST');
  await deps.mailer.send({
    to: email,
    subject: `Interview scheduled for ${booking.candidate_name}`,
    text: lines.join('\n'),
    html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''),
    ics: { content: ics, method: 'REQUEST' },
  });
}
