import { createHash } from 'node:crypto';
import { HTTPError, type KyInstance } from 'ky';
import { googleEventId, googleHttp, googleProviderError, googleTime, type GoogleDateTime } from '../calendar/google.js';
import { ProviderError, type AccessTokenSource } from '../calendar/types.js';
import { VideoError, type Meeting, type MeetingInput, type VideoProvider } from './types.js';

/**
 * Google Meet through Google Calendar API v3: a Meet link is a conference on a calendar event.
 *
 * - The conference goes on the interview's own calendar event, the one calendar sync writes for the
 *   same key (`googleEventId(key)`): whichever of the two runs first inserts the event, the other
 *   finds it through Google's 409 and adopts it. Never a second event.
 * - A conference is asked for with `conferenceData.createRequest` and `conferenceDataVersion=1`.
 *   Its requestId is derived from the key, so a retried request is ignored by Google rather than
 *   making a second conference; an event that already has a Meet conference is adopted as it is.
 * - Google answers `pending` while it prepares the conference: the event is read again, every
 *   `pollIntervalMs`, for at most `pollTimeoutMs` (then a `temporary` error; the next attempt picks
 *   the same pending request up). `failure` is asked again once with a fresh requestId (a passing
 *   hiccup), and then reported as `account` (Meet not available to this account).
 * - Calendar sync's PATCHes carry no conferenceData (and no conferenceDataVersion), so Google keeps
 *   the conference through every later change; `update` only moves the times.
 */
export interface GoogleMeetOptions {
  /** e.g. https://www.googleapis.com/calendar/v3 */
  baseUrl: string;
  token: AccessTokenSource;
  /** The calendar the interview's event lives in; default the account's primary calendar. */
  calendarId?: string;
  timeoutMs?: number;
  retries?: number;
  maxDelayMs?: number;
  /** Between reads of an event whose conference is still pending; default 1 s. */
  pollIntervalMs?: number;
  /** How long to wait for a pending conference in one call; default 20 s. */
  pollTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface ConferenceData {
  createRequest?: { requestId?: string; conferenceSolutionKey?: { type?: string }; status?: { statusCode?: 'pending' | 'success' | 'failure' | string } };
  entryPoints?: { entryPointType?: string; uri?: string }[];
  conferenceSolution?: { key?: { type?: string } };
  conferenceId?: string;
}
interface GoogleEvent {
  id: string;
  status?: 'confirmed' | 'tentative' | 'cancelled';
  start?: GoogleDateTime;
  end?: GoogleDateTime;
  hangoutLink?: string;
  conferenceData?: ConferenceData;
}

type ConferenceState = { state: 'ready'; joinUrl: string } | { state: 'pending' } | { state: 'failed'; requestId: string } | { state: 'none' };

const MEET = 'hangoutsMeet';
const noMail = { sendUpdates: 'none' } as const;
const withConference = { ...noMail, conferenceDataVersion: 1 } as const;

export function googleMeetVideo(opts: GoogleMeetOptions): VideoProvider {
  const http: KyInstance = googleHttp(opts);
  const defaultCalendar = opts.calendarId ?? 'primary';
  const pollInterval = Math.max(0, opts.pollIntervalMs ?? 1_000);
  const pollTimeout = Math.max(0, opts.pollTimeoutMs ?? 20_000);
  const events = (calendarId: string) => `calendars/${encodeURIComponent(calendarId)}/events`;
  const eventPath = (calendarId: string, id: string) => `${events(calendarId)}/${encodeURIComponent(id)}`;

  const get = (calendarId: string, id: string) => http.get(eventPath(calendarId, id)).json<GoogleEvent>();
  const patch = (calendarId: string, id: string, json: object, conference = false) =>
    http.patch(eventPath(calendarId, id), { searchParams: conference ? withConference : noMail, json }).json<GoogleEvent>();
  const ask = (requestId: string) => ({ conferenceData: { createRequest: { requestId, conferenceSolutionKey: { type: MEET } } } });

  /** The interview's event, inserted with a conference request, or the one that key already made. */
  async function insertOrAdopt(calendarId: string, input: MeetingInput): Promise<GoogleEvent> {
    const id = googleEventId(input.key);
    const times = { start: googleTime(input.start, input.timeZone), end: googleTime(input.end, input.timeZone) };
    try {
      return await http
        .post(events(calendarId), {
          searchParams: withConference,
          json: { id, summary: input.topic, ...times, extendedProperties: { private: { parleyKey: input.key } }, ...ask(requestIdFor(input.key)) },
        })
        .json<GoogleEvent>();
    } catch (err) {
      // 409: the id exists: calendar sync (or an earlier attempt) made the event. Adopt it.
      if (!(err instanceof HTTPError) || err.response.status !== 409) throw err;
    }
    const existing = await get(calendarId, id).catch(async (err: unknown) => {
      const mapped = await googleProviderError(err);
      if (mapped.kind === 'not-found') {
        throw new VideoError('google-meet', 'account', 'Google Calendar already holds an event with this interview’s id that Parley cannot open, so it cannot add the Meet link to it.', { status: 409, code: 'duplicate' });
      }
      throw mapped;
    });
    // Deleted earlier (Google keeps it as `cancelled`): the interview is on again, so is its event.
    if (existing.status === 'cancelled') return patch(calendarId, id, { status: 'confirmed', ...times });
    return existing;
  }

  /** Reads the event until its conference is no longer pending, within the poll budget. */
  async function waitWhilePending(calendarId: string, event: GoogleEvent): Promise<GoogleEvent> {
    const deadline = Date.now() + pollTimeout;
    let current = event;
    while (conferenceState(current).state === 'pending') {
      if (Date.now() + pollInterval > deadline) {
        throw new VideoError('google-meet', 'temporary', 'Google is still preparing the Meet link for this interview; Parley will check again shortly.', { code: 'pending' });
      }
      await sleep(pollInterval);
      current = await get(calendarId, current.id);
    }
    return current;
  }

  /** Makes sure the event has a ready Meet conference: adopts one, waits for a pending one, or asks for one. */
  async function ensureConference(calendarId: string, event: GoogleEvent, key: string): Promise<GoogleEvent> {
    let current = event;
    let asked = 0;
    // At most: one request, one more after a failure; each followed by its wait.
    for (let round = 0; round < 6; round++) {
      const c = conferenceState(current);
      if (c.state === 'ready') return current;
      if (c.state === 'pending') {
        current = await waitWhilePending(calendarId, current);
        continue;
      }
      if (c.state === 'failed' && asked >= 1) {
        throw new VideoError('google-meet', 'account',
          'Google could not create a Meet link for this Google account. Google Meet may be turned off for it by your Google Workspace admin: ask them to allow Meet, or choose another video provider in Parley’s settings.',
          { code: 'conference-failure' });
      }
      // None yet (calendar sync made the event), or a failed one: ask (again). After a failure the
      // new requestId is derived from the failed one, so two workers retrying still ask only once.
      const requestId = c.state === 'failed' ? requestIdFor(`${key}|${c.requestId}`) : requestIdFor(key);
      asked++;
      current = await patch(calendarId, current.id, ask(requestId), true);
    }
    throw new VideoError('google-meet', 'temporary', 'Google did not finish the Meet link for this interview; Parley will try again.', { code: 'unsettled' });
  }

  async function create(input: MeetingInput): Promise<Meeting> {
    return guard(async () => {
      const event = await insertOrAdopt(defaultCalendar, input);
      return meetingOf(defaultCalendar, await ensureConference(defaultCalendar, event, input.key));
    });
  }

  return {
    id: 'google-meet',
    create,

    async update(meeting, input) {
      const calendarId = meeting.data?.calendarId ?? defaultCalendar;
      const id = meeting.data?.eventId ?? googleEventId(input.key);
      return guard(async () => {
        let moved: GoogleEvent;
        try {
          // Only the times: no conferenceData, so Google keeps the conference (and its link) as it is.
          moved = await patch(calendarId, id, { start: googleTime(input.start, input.timeZone), end: googleTime(input.end, input.timeZone) });
        } catch (err) {
          const mapped = await googleProviderError(err);
          if (mapped.kind !== 'not-found') throw mapped;
          // The event is gone for good (purged, or another calendar): make the meeting again.
          return create(input);
        }
        // Someone removed the conference in Google Calendar: put one back.
        return meetingOf(calendarId, await ensureConference(calendarId, moved, input.key));
      });
    },

    async remove(meeting) {
      const calendarId = meeting.data?.calendarId ?? defaultCalendar;
      const id = meeting.data?.eventId ?? meeting.meetingId;
      await guard(async () => {
        try {
          await http.delete(eventPath(calendarId, id), { searchParams: noMail });
        } catch (err) {
          // 404: never there or purged; 410: deleted already (calendar sync may have done it).
          if (err instanceof HTTPError && (err.response.status === 404 || err.response.status === 410)) return;
          throw err;
        }
      });
    },
  };
}

/** A conference create request's id for a key: the same key asks for the same conference. */
function requestIdFor(seed: string): string {
  return `parley-${createHash('sha256').update(seed).digest('hex').slice(0, 40)}`;
}

function conferenceState(e: GoogleEvent): ConferenceState {
  const data = e.conferenceData;
  if (!data) return { state: 'none' };
  const type = data.conferenceSolution?.key?.type ?? data.createRequest?.conferenceSolutionKey?.type;
  const status = data.createRequest?.status?.statusCode;
  if (status === 'pending') return { state: 'pending' };
  if (status === 'failure') return { state: 'failed', requestId: data.createRequest?.requestId ?? '' };
  const video = data.entryPoints?.find((p) => p.entryPointType === 'video' && p.uri)?.uri;
  const joinUrl = e.hangoutLink ?? (type === MEET ? video : undefined);
  // A conference of another kind (an add-on's) is not a Meet link: ask for Meet instead.
  if (joinUrl && (type === undefined || type === MEET)) return { state: 'ready', joinUrl };
  return { state: 'none' };
}

function meetingOf(calendarId: string, e: GoogleEvent): Meeting {
  const c = conferenceState(e);
  if (c.state !== 'ready') throw new VideoError('google-meet', 'temporary', 'Google has not finished the Meet link for this interview yet; Parley will try again.');
  const data: Record<string, string> = { calendarId, eventId: e.id };
  if (e.conferenceData?.conferenceId) data.conferenceId = e.conferenceData.conferenceId;
  return { provider: 'google-meet', meetingId: e.id, joinUrl: c.joinUrl, data };
}

/** Runs a call and turns whatever it throws into a VideoError. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw await meetError(err);
  }
}

/** Google's answer (or the token source's) as a VideoError, in the words of LinkedIn Scheduler's video errors. */
export async function meetError(err: unknown): Promise<VideoError> {
  if (err instanceof VideoError) return err;
  const p: ProviderError = await googleProviderError(err);
  const details = {
    ...(p.details.status !== undefined ? { status: p.details.status } : {}),
    ...(p.details.reason ? { code: p.details.reason } : {}),
    ...(p.details.retryAfterMs !== undefined ? { retryAfterMs: p.details.retryAfterMs } : {}),
  };
  switch (p.kind) {
    case 'auth':
      return new VideoError('google-meet', 'account', 'Parley cannot reach your Google account to create a Meet link: reconnect Google Calendar in Parley’s settings.', details);
    case 'scope':
      return new VideoError('google-meet', 'account',
        'Parley was not given the Google permission to edit your calendar events, which it needs to add a Meet link: connect Google Calendar again and tick every permission Parley asks for.', details);
    case 'account':
      return new VideoError('google-meet', 'account', p.message, details);
    case 'rate-limit':
    case 'unavailable':
    case 'timeout':
    case 'conflict':
      return new VideoError('google-meet', 'temporary', p.message, details);
    case 'not-found':
      return new VideoError('google-meet', 'config', 'Google Calendar could not find the calendar Parley adds Meet links to: choose another calendar for new interviews in Parley’s settings.', details);
    case 'invalid':
      return new VideoError('google-meet', 'account', p.message, details);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
