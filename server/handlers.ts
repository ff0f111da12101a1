import type { Deps } from './deps.js';
import { mailForBooking, mailInterviewer } from './notify.js';
import { findBooking } from './services/bookings.js';
import { loadSettings } from './routes/settings.js';
import { syncMeeting } from './meetings.js';
import { runExport, runPush } from './ats.js';
import { videoFor } from './video.js';
import type { JobHandler } from './jobs.js';
import { mailInterviewerSeats, syncInterviewerCalendar } from './panel-jobs.js';
import { mailInterviewerInvite } from './routes/interviewer-page.js';

/** What each durable job does. Every handler is idempotent: running it twice changes nothing more. */
export function jobHandlers(deps: Omit<Deps, 'jobs'>): Record<string, JobHandler> {
  return {
    'calendar.sync': async (payload) => {
      const booking = await findBooking(deps.db, String(payload.bookingId));
      if (!booking) return;
      const { target } = await deps.calendars.forRecruiter(booking.recruiter_id);
      const settings = await loadSettings(deps.db, booking.recruiter_id);
      const key = `parley-${booking.id}`;
      if (booking.status === 'cancelled') return target.deleteEvent(booking.recruiter_id, key);
      const video = await videoFor(deps, booking.id);
      const mine = video?.links.find((l) => l.role === 'recruiter');
      const joinLine = mine ? `Join the video interview: ${mine.url}${mine.code ? ` (access code ${mine.code})` : ''}` : '';
      await target.upsertEvent(booking.recruiter_id, {
        key,
        start: booking.starts_at.getTime(),
        end: booking.ends_at.getTime(),
        timeZone: settings.timeZone,
        summary: `Interview: ${booking.candidate_name}`,
        description: [joinLine, booking.candidate_phone ? `Phone: ${booking.candidate_phone}` : '', booking.candidate_email ? `E-mail: ${booking.candidate_email}` : '', booking.note ? `Note: ${booking.note}` : '']
          .filter(Boolean).join('\n'),
        attendees: booking.candidate_email ? [{ name: booking.candidate_name, email: booking.candidate_email }] : [],
      });
    },
    'panel.calendar': (payload) => syncInterviewerCalendar(deps, String(payload.bookingId), String(payload.email)),
    'panel.mail': (payload) => mailInterviewerSeats(deps, String(payload.bookingId), String(payload.email)),
    'mail.interviewer-invite': (payload) => mailInterviewerInvite(deps, String(payload.interviewerId)),
    'video.sync': (payload, run) => syncMeeting(deps, String(payload.bookingId), run),
    'ats.export': async (payload, run) => {
      await runExport(deps, String(payload.candidateId), run);
      // Notes written before the export finished go out right after it.
      await runPush(deps, String(payload.candidateId), run);
    },
    'ats.push': (payload, run) => runPush(deps, String(payload.candidateId), run),
    'mail.interviewer': (payload) => mailInterviewer(deps, String(payload.bookingId), String(payload.email)),
    'mail.booking': async (payload) => {
      const kind = payload.kind as 'booked' | 'rescheduled' | 'cancelled';
      const to = payload.to as 'recruiter' | 'candidate';
      const previousStart = typeof payload.previousStart === 'string' ? new Date(payload.previousStart) : undefined;
      await mailForBooking(deps, String(payload.bookingId), kind, to, previousStart);
    },
  };
}
