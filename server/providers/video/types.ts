export type VideoProviderId = 'jitsi' | 'google-meet' | 'teams' | 'zoom';

export interface MeetingInput {
  /** Stable per interview (the booking's event key, e.g. "parley-<bookingId>"): creating twice never makes two meetings. */
  key: string;
  start: number;
  end: number;
  /** The recruiter's IANA zone. */
  timeZone: string;
  topic: string;
  /** The recruiter's address at the provider (Zoom user, Google/Microsoft account). */
  hostEmail: string;
}

/** A meeting at the provider. `joinUrl` is never shown to participants: they get Parley's join links. */
export interface Meeting {
  provider: VideoProviderId;
  meetingId: string;
  joinUrl: string;
  /** Provider-specific values to keep for update/remove (e.g. a Zoom meeting's numeric id as text). */
  data?: Record<string, string>;
}

export interface VideoProvider {
  readonly id: VideoProviderId;
  /** Creates the meeting, or adopts the one this key already made. Google Meet waits for a pending conference to become ready. */
  create(input: MeetingInput): Promise<Meeting>;
  /** Reschedule: moves the meeting (or recreates it when the provider needs that); the result may carry a new joinUrl. */
  update(meeting: Meeting, input: MeetingInput): Promise<Meeting>;
  /** Cancel: removes the meeting; one that is already gone is fine. */
  remove(meeting: Meeting): Promise<void>;
}

/**
 * Why a meeting could not be made, in the words of LinkedIn Scheduler's video errors:
 * - `not-authorized-user`: the recruiter is not a user on the organization's provider account (Zoom error 1001…).
 * - `account`: the organization's account cannot create meetings or Parley cannot authenticate with it.
 * - `temporary`: the provider is down, slow or rate-limiting: retried in the background.
 * - `config`: the provider is not set up (no credentials, no connected calendar of that provider).
 */
export class VideoError extends Error {
  constructor(
    readonly provider: VideoProviderId,
    readonly kind: 'not-authorized-user' | 'account' | 'temporary' | 'config',
    message: string,
    readonly details: { status?: number; code?: string | number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'VideoError';
  }
}
