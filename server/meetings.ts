import type { VideoProviderId } from '../lib/schemas.js';
import type { Deps } from './deps.js';
import { loadSettings } from './routes/settings.js';
import { findBooking } from './services/bookings.js';
import { VideoError } from './providers/video/types.js';
import { meetingFrom, recruiterVideoMessage, videoProviderFor } from './video.js';

interface MeetingRow {
  provider: VideoProviderId;
  status: 'pending' | 'ready' | 'failed' | 'removed';
  meeting_id: string | null;
  join_url_sealed: string | null;
  data: Record<string, string> | null;
}

/**
 * The `video.sync` job: makes the provider's meeting match the booking — created when booked, moved
 * on reschedule (the participants' join links stay the same), removed on cancel. Temporary failures
 * retry in the background; lasting ones are told to the recruiter, and the booking stands either way.
 */
export async function syncMeeting(deps: Omit<Deps, 'jobs'>, bookingId: string, run: { attempt: number; final: boolean }): Promise<void> {
  const booking = await findBooking(deps.db, bookingId);
  const [meeting] = await deps.db.query<MeetingRow>(`select provider, status, meeting_id, join_url_sealed, data from meetings where booking_id = $1`, [bookingId]);
  if (!booking || !meeting) return;
  const settings = await loadSettings(deps.db, booking.recruiter_id);
  const [recruiter] = await deps.db.query<{ email: string; name: string }>(`select email, name from recruiters where id = $1`, [booking.recruiter_id]);
  const existing = meetingFrom(meeting, deps.sealer.open);
  const input = {
    key: `parley-${booking.id}`,
    start: booking.starts_at.getTime(),
    end: booking.ends_at.getTime(),
    timeZone: settings.timeZone,
    topic: `Interview: ${booking.candidate_name} with ${recruiter!.name}`,
    hostEmail: recruiter!.email,
  };
  try {
    const provider = await videoProviderFor(deps, booking.recruiter_id, meeting.provider);
    if (booking.status === 'cancelled') {
      if (existing) await provider.remove(existing);
      await deps.db.query(`update meetings set status = 'removed', updated_at = now() where booking_id = $1`, [bookingId]);
      return;
    }
    const result = existing ? await provider.update(existing, input) : await provider.create(input);
    await deps.db.query(
      `update meetings set status = 'ready', meeting_id = $2, join_url_sealed = $3, data = $4, error_kind = null, error_message = null, updated_at = now()
        where booking_id = $1`,
      [bookingId, result.meetingId, deps.sealer.seal(result.joinUrl), result.data ? JSON.stringify(result.data) : null],
    );
  } catch (err) {
    const temporary = !(err instanceof VideoError) || err.kind === 'temporary';
    const message = recruiterVideoMessage(booking.candidate_name, err);
    const failed = !temporary || run.final;
    await deps.db.query(
      `update meetings set status = case when $4 then 'failed' else status end, error_kind = $2, error_message = $3, updated_at = now() where booking_id = $1`,
      [bookingId, err instanceof VideoError ? err.kind : 'temporary', message, failed],
    );
    // Tell the recruiter once per failure, not on every retry.
    if (failed || run.attempt === 1) {
      await deps.db.query(
        `insert into notifications (recruiter_id, booking_id, kind, message) values ($1, $2, 'video-failed', $3)`,
        [booking.recruiter_id, bookingId, message],
      );
    }
    if (temporary && !run.final) throw err;
  }
}
