import { randomInt } from 'node:crypto';
import type { VideoProviderId, VideoSettings } from '../lib/schemas.js';
import { VIDEO_PROVIDER_NAMES } from '../lib/schemas.js';
import type { Sql } from './db.js';
import type { Deps } from './deps.js';
import { tokenSource, type ConnectionRow } from './connections.js';
import { googleMeetVideo } from './providers/video/google-meet.js';
import { jitsiVideo } from './providers/video/jitsi.js';
import { teamsVideo } from './providers/video/teams.js';
import { VideoError, type Meeting, type VideoProvider } from './providers/video/types.js';
import { zoomVideo } from './providers/video/zoom.js';
import { hashToken, newToken } from './secrets.js';

type VideoDeps = Pick<Deps, 'db' | 'config' | 'sealer' | 'clock'>;

/** The provider instance for a recruiter: Meet and Teams go through the recruiter's connected Google or Microsoft account. */
export async function videoProviderFor(deps: VideoDeps, recruiterId: string, provider: VideoProviderId): Promise<VideoProvider> {
  const { config } = deps;
  const timeoutMs = config.providerTimeoutMs;
  switch (provider) {
    case 'jitsi':
      return jitsiVideo({ baseUrl: config.jitsiBaseUrl });
    case 'zoom':
      if (!config.zoom.accountId || !config.zoom.clientId || !config.zoom.clientSecret) {
        throw new VideoError('zoom', 'config', 'Zoom is not set up on this Parley server. Ask your Parley admin to add the Zoom app credentials.');
      }
      return zoomVideo({ accountId: config.zoom.accountId, clientId: config.zoom.clientId, clientSecret: config.zoom.clientSecret, oauthUrl: config.zoom.oauthUrl, apiUrl: config.zoom.apiUrl, timeoutMs });
    case 'google-meet':
    case 'teams': {
      const kind = provider === 'google-meet' ? 'google' : 'microsoft';
      const [connection] = await deps.db.query<ConnectionRow & { target_id: string | null }>(
        `select k.*, (select external_id from connected_calendars c where c.connection_id = k.id and c.is_target) as target_id
           from calendar_connections k where k.recruiter_id = $1 and k.provider = $2 and k.status = 'active' order by k.created_at limit 1`,
        [recruiterId, kind],
      );
      if (!connection) {
        throw new VideoError(provider, 'config', `${VIDEO_PROVIDER_NAMES[provider]} needs your ${kind === 'google' ? 'Google' : 'Microsoft 365'} calendar: connect it in Parley's settings.`);
      }
      const token = tokenSource(deps, connection.id, kind);
      const calendarId = connection.target_id ?? undefined;
      return provider === 'google-meet'
        ? googleMeetVideo({ baseUrl: config.google.calendarUrl, token, ...(calendarId ? { calendarId } : {}), timeoutMs })
        : teamsVideo({ baseUrl: config.microsoft.graphUrl, token, mailbox: connection.account_email, ...(calendarId ? { calendarId } : {}), timeoutMs });
    }
  }
}

export interface JoinLinkRow {
  id: string;
  booking_id: string;
  role: 'candidate' | 'recruiter' | 'interviewer';
  name: string;
  email: string | null;
  token_sealed: string;
  access_code_sealed: string | null;
}

/** A participant's own way in: a link nobody else has, and a 6-digit code if the recruiter wants one. */
export async function addJoinLink(
  deps: Pick<Deps, 'sealer'>,
  tx: Sql,
  bookingId: string,
  who: { role: JoinLinkRow['role']; name: string; email?: string | null },
  withCode: boolean,
): Promise<{ token: string; code: string | null }> {
  const token = newToken();
  const code = withCode ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
  await tx.query(
    `insert into join_links (booking_id, role, name, email, token_hash, token_sealed, access_code_sealed) values ($1, $2, $3, $4, $5, $6, $7)`,
    [bookingId, who.role, who.name, who.email ?? null, hashToken(token), deps.sealer.seal(token), code ? deps.sealer.seal(code) : null],
  );
  return { token, code };
}

/** Inside the booking's transaction: the meeting to create and the candidate's and recruiter's links. */
export async function attachVideo(
  deps: Pick<Deps, 'sealer' | 'jobs'>,
  tx: Sql,
  booking: { id: string; candidate_name: string; candidate_email: string | null; sequence: number },
  recruiter: { name: string; email: string },
  provider: VideoProviderId,
  settings: VideoSettings,
) {
  await tx.query(`insert into meetings (booking_id, provider, status) values ($1, $2, 'pending') on conflict (booking_id) do nothing`, [booking.id, provider]);
  const [existing] = await tx.query(`select 1 from join_links where booking_id = $1`, [booking.id]);
  if (!existing) {
    await addJoinLink(deps, tx, booking.id, { role: 'candidate', name: booking.candidate_name, email: booking.candidate_email }, settings.accessCodes);
    await addJoinLink(deps, tx, booking.id, { role: 'recruiter', name: recruiter.name, email: recruiter.email }, settings.accessCodes);
  }
  await deps.jobs.enqueue(tx, 'video.sync', { bookingId: booking.id }, `video:${booking.id}:${booking.sequence}`);
}

export function joinUrl(deps: Pick<Deps, 'config'>, token: string) {
  return `${deps.config.publicUrl}/j/${token}`;
}

export interface VideoView {
  provider: VideoProviderId;
  status: 'pending' | 'ready' | 'failed' | 'removed';
  error: string | null;
  links: { role: JoinLinkRow['role']; name: string; email: string | null; url: string; code: string | null }[];
}

/** Everything about a booking's video, with links and codes readable (for its own participants' pages and mails). */
export async function videoFor(deps: Pick<Deps, 'db' | 'sealer' | 'config'>, bookingId: string): Promise<VideoView | null> {
  const [meeting] = await deps.db.query<{ provider: VideoProviderId; status: VideoView['status']; error_message: string | null }>(
    `select provider, status, error_message from meetings where booking_id = $1`, [bookingId]);
  if (!meeting) return null;
  const links = await deps.db.query<JoinLinkRow>(`select * from join_links where booking_id = $1 order by created_at, role`, [bookingId]);
  return {
    provider: meeting.provider,
    status: meeting.status,
    error: meeting.error_message,
    links: links.map((l) => ({
      role: l.role, name: l.name, email: l.email, url: joinUrl(deps, deps.sealer.open(l.token_sealed)),
      code: l.access_code_sealed ? deps.sealer.open(l.access_code_sealed) : null,
    })),
  };
}

export function meetingFrom(row: { provider: VideoProviderId; meeting_id: string | null; join_url_sealed: string | null; data: Record<string, string> | null }, open: (s: string) => string): Meeting | undefined {
  if (!row.meeting_id || !row.join_url_sealed) return undefined;
  return { provider: row.provider, meetingId: row.meeting_id, joinUrl: open(row.join_url_sealed), ...(row.data ? { data: row.data } : {}) };
}

/** The recruiter's words for a failed meeting, after LinkedIn Scheduler's. */
export function recruiterVideoMessage(candidateName: string, err: unknown): string {
  if (err instanceof VideoError) {
    if (err.kind === 'not-authorized-user') {
      return `We could not generate a video conference link for ${candidateName}'s meeting because you are not an authorized user on your organization's ${VIDEO_PROVIDER_NAMES[err.provider]} account. Make sure you use the same email address there as in Parley, or contact your admin.`;
    }
    if (err.kind === 'temporary') {
      return `We could not generate a video conference link for ${candidateName}'s meeting because of temporary issues. Parley keeps trying in the background.`;
    }
    return `Something went wrong with generating the video conference for ${candidateName}'s meeting: ${err.message}`;
  }
  return `Something went wrong with generating the video conference for ${candidateName}'s meeting. Please contact your Parley admin for support.`;
}

export const CANDIDATE_VIDEO_TROUBLE = 'Something went wrong with the video conference. You can contact the recruiter for support.';
