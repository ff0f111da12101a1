import type { KyInstance } from 'ky';
import {
  PARLEY_KEY_PROPERTY, PREFER_UTC, findEventByKey, graphProviderError, graphTime, microsoftHttp, transactionIdFor,
} from '../calendar/microsoft.js';
import type { AccessTokenSource } from '../calendar/types.js';
import { VideoError, type Meeting, type MeetingInput, type VideoProvider } from './types.js';

/**
 * Microsoft Teams meetings through Microsoft Graph v1.0 (delegated, `/me`): a Teams meeting is an
 * online meeting on an Outlook calendar event (`isOnlineMeeting` + `onlineMeetingProvider:
 * 'teamsForBusiness'`); Graph fills `onlineMeeting.joinUrl`.
 *
 * - The meeting goes on the interview's own event, the one calendar sync writes for the same key:
 *   it is found by Parley's key property (exact match), created with the same `transactionId` as
 *   calendar sync would use (so even two creates racing each other make one event), and turned
 *   into an online meeting with a PATCH when calendar sync made it first.
 * - A calendar whose `allowedOnlineMeetingProviders` lacks `teamsForBusiness` (a personal
 *   Microsoft account, or no Teams licence) cannot have Teams meetings; Graph would silently
 *   ignore `isOnlineMeeting` there, so Parley asks the calendar first and checks the answer too.
 * - Once online, Outlook keeps the meeting through later changes: calendar sync's PATCHes (which
 *   never send `isOnlineMeeting`) and `update`'s time changes keep the same join URL.
 * - Requests share the per-mailbox concurrency limiter with the calendar provider.
 */
export interface TeamsOptions {
  /** https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  token: AccessTokenSource;
  /** The user's address (the concurrency limiter's key). */
  mailbox: string;
  /** The calendar the interview's event lives in; default the mailbox's default calendar. */
  calendarId?: string;
  timeoutMs?: number;
  retries?: number;
  maxDelayMs?: number;
  /** Between reads of an event whose join URL Graph has not filled in yet; default 500 ms. */
  pollIntervalMs?: number;
  /** How long to wait for the join URL in one call; default 10 s. */
  pollTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface GraphCalendarInfo {
  id: string;
  allowedOnlineMeetingProviders?: string[];
  defaultOnlineMeetingProvider?: string;
}
interface GraphEvent {
  id: string;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: string;
  onlineMeeting?: { joinUrl?: string | null; conferenceId?: string | null } | null;
}

const TEAMS = 'teamsForBusiness';
const MEETING_FIELDS = ['isOnlineMeeting', 'onlineMeetingProvider', 'onlineMeeting'];
const online = { isOnlineMeeting: true, onlineMeetingProvider: TEAMS } as const;

export function teamsVideo(opts: TeamsOptions): VideoProvider {
  const { http, baseUrl }: { http: KyInstance; baseUrl: string } = microsoftHttp(opts);
  const pollInterval = Math.max(0, opts.pollIntervalMs ?? 500);
  const pollTimeout = Math.max(0, opts.pollTimeoutMs ?? 10_000);
  const enc = encodeURIComponent;
  const eventPath = (id: string) => `me/events/${enc(id)}`;
  const headers = { Prefer: PREFER_UTC };

  // The calendar (its id, and which meeting providers it allows), asked once per instance; failures are not kept.
  let calendar: Promise<GraphCalendarInfo> | undefined;
  function calendarInfo(): Promise<GraphCalendarInfo> {
    const path = opts.calendarId ? `me/calendars/${enc(opts.calendarId)}` : 'me/calendar';
    calendar ??= http.get(path, { searchParams: { $select: 'id,allowedOnlineMeetingProviders,defaultOnlineMeetingProvider' } }).json<GraphCalendarInfo>();
    calendar.catch(() => (calendar = undefined));
    return calendar;
  }

  const patch = (id: string, json: object) => http.patch(eventPath(id), { headers, json }).json<GraphEvent>();

  /** Reads the event until Graph has filled in the join URL, within the poll budget. */
  async function joinUrlOf(event: GraphEvent): Promise<string> {
    const deadline = Date.now() + pollTimeout;
    let current = event;
    while (!current.onlineMeeting?.joinUrl) {
      if (Date.now() + pollInterval > deadline) {
        throw new VideoError('teams', 'temporary', 'Microsoft 365 is still preparing the Teams meeting for this interview; Parley will check again shortly.', { code: 'pending' });
      }
      await sleep(pollInterval);
      current = await http.get(eventPath(current.id), { searchParams: { $select: MEETING_FIELDS.join(',') } }).json<GraphEvent>();
    }
    return current.onlineMeeting.joinUrl;
  }

  /** Makes the event a Teams meeting (unless it is one already) and answers its join URL. */
  async function finish(calendarId: string | undefined, event: GraphEvent): Promise<Meeting> {
    let current = event;
    if (!isTeams(current)) {
      if (current.isOnlineMeeting && current.onlineMeetingProvider && current.onlineMeetingProvider !== 'unknown') {
        // Outlook ignores changes to an event that is online already (say, a Skype meeting someone added).
        throw new VideoError('teams', 'account',
          `The interview's Outlook event already has a ${current.onlineMeetingProvider} meeting, which Outlook will not turn into a Teams meeting. Remove the online meeting from the event in Outlook, or choose another video provider.`,
          { code: 'other-online-meeting' });
      }
      current = await patch(current.id, online);
      if (!isTeams(current)) throw teamsUnavailable(undefined);
    }
    const joinUrl = await joinUrlOf(current);
    return { provider: 'teams', meetingId: current.id, joinUrl, data: { ...(calendarId ? { calendarId } : {}), eventId: current.id } };
  }

  async function create(input: MeetingInput): Promise<Meeting> {
    return guard(async () => {
      const cal = await calendarInfo();
      if (!(cal.allowedOnlineMeetingProviders ?? []).includes(TEAMS)) throw teamsUnavailable(cal);
      let event = await findEventByKey<GraphEvent>(http, baseUrl, cal.id, input.key, MEETING_FIELDS);
      if (!event) {
        event = await http
          .post(`me/calendars/${enc(cal.id)}/events`, {
            headers,
            json: {
              subject: input.topic,
              start: graphTime(input.start, input.timeZone),
              end: graphTime(input.end, input.timeZone),
              showAs: 'busy',
              ...online,
              // The same transactionId and key property as calendar sync's create: one event per key, whoever comes first.
              transactionId: transactionIdFor(input.key),
              singleValueExtendedProperties: [{ id: PARLEY_KEY_PROPERTY, value: input.key }],
            },
          })
          .json<GraphEvent>();
      }
      return finish(cal.id, event);
    });
  }

  return {
    id: 'teams',
    create,

    async update(meeting, input) {
      const id = meeting.data?.eventId ?? meeting.meetingId;
      return guard(async () => {
        let moved: GraphEvent;
        try {
          // Only the times: the online meeting (and its join URL) stays as it is.
          moved = await patch(id, { start: graphTime(input.start, input.timeZone), end: graphTime(input.end, input.timeZone) });
        } catch (err) {
          const mapped = await graphProviderError(err);
          if (mapped.kind !== 'not-found') throw mapped;
          // The event was deleted in Outlook: make the meeting again.
          return create(input);
        }
        return finish(meeting.data?.calendarId ?? opts.calendarId, moved);
      });
    },

    async remove(meeting) {
      const id = meeting.data?.eventId ?? meeting.meetingId;
      await guard(async () => {
        try {
          await http.delete(eventPath(id));
        } catch (err) {
          const mapped = await graphProviderError(err);
          if (mapped.kind === 'not-found') return; // already gone (calendar sync may have deleted it)
          throw mapped;
        }
      });
    },
  };
}

function isTeams(e: GraphEvent): boolean {
  return e.isOnlineMeeting === true && e.onlineMeetingProvider === TEAMS;
}

function teamsUnavailable(cal: GraphCalendarInfo | undefined): VideoError {
  const allowed = cal?.allowedOnlineMeetingProviders?.filter((p) => p !== 'unknown') ?? [];
  const offers = cal ? ` (it offers ${allowed.length ? allowed.join(', ') : 'no online meetings'})` : '';
  return new VideoError('teams', 'account',
    `Microsoft 365 cannot add Teams meetings to this calendar${offers}. This happens with personal Microsoft accounts and with work accounts that have no Microsoft Teams licence. Ask your IT admin to assign a Teams licence, or choose another video provider in Parley's settings.`,
    { code: 'teams-not-available' });
}

/** Runs a call and turns whatever it throws into a VideoError. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw await teamsError(err);
  }
}

/** Graph's answer (or the token source's) as a VideoError, in the words of LinkedIn Scheduler's video errors. */
export async function teamsError(err: unknown): Promise<VideoError> {
  if (err instanceof VideoError) return err;
  const p = await graphProviderError(err);
  const details = {
    ...(p.details.status !== undefined ? { status: p.details.status } : {}),
    ...(p.details.reason ? { code: p.details.reason } : {}),
    ...(p.details.retryAfterMs !== undefined ? { retryAfterMs: p.details.retryAfterMs } : {}),
  };
  switch (p.kind) {
    case 'auth':
      return new VideoError('teams', 'account', 'Parley cannot reach your Microsoft 365 account to create a Teams meeting: reconnect your Microsoft 365 calendar in Parley’s settings.', details);
    case 'scope':
      return new VideoError('teams', 'account',
        'Parley is not allowed to write your Microsoft 365 calendar, which it needs to add a Teams meeting. Reconnect and grant all the permissions asked for; if your organisation requires admin approval, ask your IT administrator.', details);
    case 'account':
    case 'invalid':
      return new VideoError('teams', 'account', p.message, details);
    case 'rate-limit':
    case 'unavailable':
    case 'timeout':
    case 'conflict':
      return new VideoError('teams', 'temporary', p.message, details);
    case 'not-found':
      return new VideoError('teams', 'config', 'Microsoft 365 could not find the calendar Parley adds Teams meetings to: choose another calendar for new interviews in Parley’s settings.', details);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
