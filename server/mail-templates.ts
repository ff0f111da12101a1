/**
 * Booking emails (pure). Every time is written in the reader's own zone with the zone's name;
 * every interpolated value in HTML goes through escapeHtml (candidate names and notes are
 * untrusted), and only http(s) URLs become links.
 */
import { DateTime } from 'luxon';

export interface BookingMailInput {
  recruiterName: string;
  recruiterEmail: string;
  candidateName: string;
  candidatePhone: string | null;
  /** The reader's own join link and access code, when the interview has video. */
  join?: { url: string; code: string | null; provider: string };
  candidateEmail?: string;
  note?: string;
  start: Date;
  end: Date;
  recruiterTimeZone: string;
  candidateTimeZone: string;
  /** Candidate mail: their reschedule/cancel page (the candidate's own token: never in a recruiter mail). */
  manageUrl?: string;
  /** Recruiter mails: the recruiter's own view of the interview (/r/…). */
  recruiterUrl?: string;
  /** The old start of a rescheduled booking. */
  previousStart?: Date;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type RecruiterNotice = 'booked' | 'rescheduled' | 'cancelled';

const LOCALE = 'en-US';
const DAY = 'cccc, LLLL d, yyyy';
const TIME = 'h:mm a';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "Tuesday, March 10, 2026, 10:00 AM – 10:30 AM (America/New_York)" */
export function formatTimeRange(start: Date, end: Date, timeZone: string): string {
  const from = zoned(start, timeZone);
  const to = zoned(end, timeZone);
  const sameDay = from.hasSame(to, 'day');
  return `${from.toFormat(`${DAY}, ${TIME}`)} – ${to.toFormat(sameDay ? TIME : `${DAY}, ${TIME}`)} (${timeZone})`;
}

/** "Tuesday, March 10, 2026, 10:00 AM (America/New_York)" */
export function formatMoment(at: Date, timeZone: string): string {
  return `${zoned(at, timeZone).toFormat(`${DAY}, ${TIME}`)} (${timeZone})`;
}

function zoned(at: Date, timeZone: string): DateTime {
  const dt = DateTime.fromJSDate(at, { zone: timeZone }).setLocale(LOCALE);
  if (!dt.isValid) throw new RangeError(`Cannot format ${String(at)} in time zone "${timeZone}"`);
  return dt;
}

/** The reader's personal join link: never someone else's, never the provider's raw URL. */
function joinRows(join: NonNullable<BookingMailInput['join']>): [string, string][] {
  const rows: [string, string][] = [[`Join (${plain(join.provider)})`, join.url]];
  if (join.code) rows.push(['Access code', join.code]);
  return rows;
}

/** "Tue, Mar 10, 10:00 AM" for subject lines, in the reader's zone. */
function short(at: Date, timeZone: string): string {
  return zoned(at, timeZone).toFormat('ccc, LLL d, h:mm a');
}

export function recruiterBookedEmail(input: BookingMailInput): RenderedMail {
  return recruiterEmail('booked', input);
}

export function recruiterRescheduledEmail(input: BookingMailInput): RenderedMail {
  return recruiterEmail('rescheduled', input);
}

export function recruiterCancelledEmail(input: BookingMailInput): RenderedMail {
  return recruiterEmail('cancelled', input);
}

/** The recruiter's notification for a booking event, in the recruiter's zone. */
export function recruiterEmail(kind: RecruiterNotice, input: BookingMailInput): RenderedMail {
  const zone = input.recruiterTimeZone;
  const candidate = plain(input.candidateName) || 'A candidate';
  const when = formatTimeRange(input.start, input.end, zone);
  const subjects: Record<RecruiterNotice, string> = {
    booked: `Interview booked: ${clip(candidate)}, ${short(input.start, zone)}`,
    rescheduled: `Interview rescheduled: ${clip(candidate)}, now ${short(input.start, zone)}`,
    cancelled: `Interview cancelled: ${clip(candidate)}, ${short(input.start, zone)}`,
  };
  const leads: Record<RecruiterNotice, string> = {
    booked: `${candidate} booked an interview with you.`,
    rescheduled: `${candidate} moved their interview with you to a new time.`,
    cancelled: `${candidate} cancelled their interview with you.`,
  };

  const rows: [string, string][] = [[kind === 'cancelled' ? 'Was' : 'When', when]];
  if (kind === 'rescheduled' && input.previousStart) rows.push(['Previously', formatMoment(input.previousStart, zone)]);
  if (input.candidateTimeZone !== zone && kind !== 'cancelled') {
    rows.push(["Candidate's time", formatTimeRange(input.start, input.end, input.candidateTimeZone)]);
  }
  rows.push(['Name', candidate]);
  if (input.candidatePhone) rows.push(['Phone', plain(input.candidatePhone)]);
  if (input.candidateEmail) rows.push(['Email', plain(input.candidateEmail)]);
  if (input.join && kind !== 'cancelled') rows.push(...joinRows(input.join));

  return compose({
    subject: subjects[kind],
    lead: leads[kind],
    rows,
    note: input.note,
    link: input.recruiterUrl ? { label: 'Open in Parley', url: input.recruiterUrl } : undefined,
  });
}

/** The candidate's confirmation (or, with previousStart, the confirmation of the new time). */
export function candidateConfirmationEmail(input: BookingMailInput): RenderedMail {
  const zone = input.candidateTimeZone;
  const recruiter = plain(input.recruiterName) || 'your recruiter';
  const moved = input.previousStart !== undefined;
  const rows: [string, string][] = [['When', formatTimeRange(input.start, input.end, zone)]];
  if (input.previousStart) rows.push(['Previously', formatMoment(input.previousStart, zone)]);
  rows.push(['With', `${recruiter} <${plain(input.recruiterEmail)}>`]);
  if (input.join) rows.push(...joinRows(input.join));

  return compose({
    subject: moved
      ? `Your interview with ${clip(recruiter)} has moved to ${short(input.start, zone)}`
      : `Your interview with ${clip(recruiter)} is confirmed: ${short(input.start, zone)}`,
    lead: `Hi ${plain(input.candidateName) || 'there'}, your interview with ${recruiter} is ${moved ? 'now at a new time' : 'confirmed'}.`,
    rows,
    note: input.note,
    noteLabel: 'Your note',
    link: input.manageUrl ? { label: 'Reschedule or cancel', url: input.manageUrl } : undefined,
    footer: `Questions? Reply to ${recruiter} at ${input.recruiterEmail}.`,
  });
}

export function renderBookingEmail(
  kind: RecruiterNotice | 'candidate-confirmation',
  input: BookingMailInput,
): RenderedMail {
  return kind === 'candidate-confirmation' ? candidateConfirmationEmail(input) : recruiterEmail(kind, input);
}

// ---------------------------------------------------------------------------------------------

interface MailParts {
  subject: string;
  lead: string;
  rows: [string, string][];
  note?: string | undefined;
  noteLabel?: string;
  link?: { label: string; url: string } | undefined;
  footer?: string;
}

function compose(parts: MailParts): RenderedMail {
  const note = parts.note?.trim();
  const noteLabel = parts.noteLabel ?? 'Note from the candidate';
  const link = parts.link && isHttpUrl(parts.link.url) ? parts.link : undefined;

  const text = [
    parts.lead,
    '',
    ...parts.rows.map(([label, value]) => `${label}: ${value}`),
    ...(note ? ['', `${noteLabel}:`, ...note.split(/\r?\n/).map((line) => `  ${line}`)] : []),
    ...(link ? ['', `${link.label}: ${link.url}`] : []),
    ...(parts.footer ? ['', parts.footer] : []),
  ].join('\n');

  const cell = 'padding:4px 12px 4px 0;vertical-align:top';
  const html = [
    '<!doctype html>',
    '<html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;line-height:1.5">',
    `<p>${escapeHtml(parts.lead)}</p>`,
    '<table role="presentation" style="border-collapse:collapse">',
    ...parts.rows.map(
      ([label, value]) =>
        `<tr><th scope="row" style="${cell};text-align:left;font-weight:600">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    ...(note
      ? [`<p style="margin-bottom:0;font-weight:600">${escapeHtml(noteLabel)}</p>`, `<p style="margin-top:4px;white-space:pre-wrap">${escapeHtml(note)}</p>`]
      : []),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    ...(parts.footer ? [`<p style="color:#59636e">${escapeHtml(parts.footer)}</p>`] : []),
    '</body></html>',
  ].join('\n');

  return { subject: plain(parts.subject), text, html };
}

/** Names come from forms: no line breaks (they would break subject lines and text layout). */
function plain(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function clip(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
