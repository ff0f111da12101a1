import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GOOGLE_SCOPE, googleCalendar, googleEventId } from '../../server/providers/calendar/google.js';
import { microsoftCalendar, PARLEY_KEY_PROPERTY, transactionIdFor } from '../../server/providers/calendar/microsoft.js';
import { ProviderError, type AccessTokenSource, type CalendarApi, type CalendarEventInput } from '../../server/providers/calendar/types.js';
import { googleMeetVideo, type GoogleMeetOptions } from '../../server/providers/video/google-meet.js';
import { teamsVideo, type TeamsOptions } from '../../server/providers/video/teams.js';
import { VideoError, type MeetingInput, type VideoProvider } from '../../server/providers/video/types.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft/index.js';

const H = 3_600_000;
const base = Date.parse('2026-04-06T00:00:00Z'); // a Monday
const MEET_URL = /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/;
const TEAMS_URL = /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3Ameeting_[\w-]+%40thread\.v2\/0\?context=/;

/** What the video job asks for. */
const meeting = (key: string, startH: number): MeetingInput => ({
  key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', topic: `Interview ${key}`, hostEmail: 'recruiter@example.com',
});
/** What calendar sync writes for the same booking. */
const calendarEvent = (key: string, startH: number): CalendarEventInput => ({
  key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', summary: `Interview: Carla Candidate (${key})`,
  description: 'Join with your personal Parley link.', attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
});
const iso = (h: number) => new Date(base + h * H).toISOString();

async function videoFailure(p: Promise<unknown>): Promise<VideoError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a VideoError, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VideoError);
  return err as VideoError;
}

const requestIdOf = (body: unknown) => (body as { conferenceData?: { createRequest?: { requestId?: string } } } | undefined)?.conferenceData?.createRequest?.requestId;

// ============================================================================================
describe('Google Meet', () => {
  const REDIRECT = 'https://parley.test/api/connections/google/callback';
  const SCOPES = ['openid', 'email', GOOGLE_SCOPE.events, GOOGLE_SCOPE.readonly];
  let fake: FakeGoogle;
  let token: AccessTokenSource;
  let meet: VideoProvider;
  let calendar: CalendarApi;
  let primary: string;

  beforeAll(async () => {
    fake = await startFakeGoogle();
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** Authorization code + PKCE at the fake; a token source like the backend's. */
  async function connect(): Promise<AccessTokenSource> {
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(`${fake.url}/o/oauth2/v2/auth`);
    auth.search = new URLSearchParams({
      client_id: fake.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPES.join(' '), state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', access_type: 'offline',
    }).toString();
    const code = new URL((await fetch(auth, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (await fetch(`${fake.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: fake.clientId, client_secret: fake.clientSecret }),
    })).json()) as { access_token: string; refresh_token: string };
    let access = tokens.access_token;
    return {
      get: async () => access,
      async refresh() {
        const res = await fetch(`${fake.url}/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: fake.clientId, client_secret: fake.clientSecret }),
        });
        const body = (await res.json()) as { access_token?: string; error?: string };
        if (!body.access_token) throw new ProviderError('google', 'auth', `refresh refused: ${body.error}`);
        access = body.access_token;
        return access;
      },
    };
  }

  const meetWith = (t: AccessTokenSource, o: Partial<GoogleMeetOptions> = {}) =>
    googleMeetVideo({ baseUrl: `${fake.url}/calendar/v3`, token: t, timeoutMs: 5_000, retries: 2, maxDelayMs: 20, pollIntervalMs: 5, pollTimeoutMs: 2_000, ...o });
  const live = () => fake.events(primary).filter((e) => e.status !== 'cancelled');
  const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
  const eventPath = (key: string) => new RegExp(`/events/${googleEventId(key)}$`);
  /** The distinct conference requests sent (a repeated requestId is the same request: Google ignores it). */
  const conferenceRequests = () => [...new Set(fake.requests.map((r) => requestIdOf(r.body)).filter((id) => id !== undefined))];

  beforeEach(async () => {
    fake.reset();
    token = await connect();
    meet = meetWith(token);
    calendar = googleCalendar({ baseUrl: `${fake.url}/calendar/v3`, token, timeoutMs: 5_000, retries: 2, maxDelayMs: 20 });
    primary = fake.primaryCalendarId();
    fake.requests.length = 0;
  });

  it('puts a Meet conference on the interview’s event and waits while Google says pending', async () => {
    fake.meetPendingPolls = 2;
    const m = await meet.create(meeting('parley-g1', 9));
    expect(m.provider).toBe('google-meet');
    expect(m.joinUrl).toMatch(MEET_URL);
    expect(m.meetingId).toBe(googleEventId('parley-g1'));
    expect(m.data).toMatchObject({ calendarId: 'primary', eventId: googleEventId('parley-g1') });

    const [insert] = calls('POST', /\/events$/);
    expect(insert!.query).toMatchObject({ conferenceDataVersion: '1', sendUpdates: 'none' });
    expect(insert!.body).toMatchObject({
      id: googleEventId('parley-g1'),
      start: { dateTime: '2026-04-06T11:00:00+02:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-04-06T11:30:00+02:00', timeZone: 'Europe/Berlin' },
      extendedProperties: { private: { parleyKey: 'parley-g1' } },
      conferenceData: { createRequest: { conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    });
    expect(requestIdOf(insert!.body)).toBeTruthy();
    // Pending on insert and on the first read; ready on the second read.
    expect(calls('GET', eventPath('parley-g1'))).toHaveLength(2);
    expect(live()).toEqual([expect.objectContaining({ id: googleEventId('parley-g1'), conference: 'success', hangoutLink: m.joinUrl })]);
  });

  it('creating twice (also at the same time) makes one event, one conference and one link', async () => {
    const first = await meet.create(meeting('parley-g2', 9));
    const again = await meet.create(meeting('parley-g2', 9));
    expect(again.joinUrl).toBe(first.joinUrl);
    expect(again.meetingId).toBe(first.meetingId);
    expect(conferenceRequests()).toHaveLength(1);

    const [a, b] = await Promise.all([meet.create(meeting('parley-g2b', 11)), meet.create(meeting('parley-g2b', 11))]);
    expect(a.joinUrl).toMatch(MEET_URL);
    expect(b.joinUrl).toBe(a.joinUrl);
    expect(live()).toHaveLength(2);
    expect(new Set(live().map((e) => e.hangoutLink))).toEqual(new Set([first.joinUrl, a.joinUrl]));
  });

  it('calendar sync first, then video: the same event gets the conference', async () => {
    const ref = await calendar.createEvent(primary, calendarEvent('parley-g3', 9));
    expect(live()[0]!.conference).toBeUndefined();
    const m = await meet.create(meeting('parley-g3', 9));
    expect(m.meetingId).toBe(ref.externalId);
    expect(live()).toEqual([expect.objectContaining({
      id: ref.externalId, summary: 'Interview: Carla Candidate (parley-g3)', attendees: ['carla@example.com'], conference: 'success', hangoutLink: m.joinUrl,
    })]);
    const asked = calls('PATCH', eventPath('parley-g3'));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.query.conferenceDataVersion).toBe('1');
    expect(Object.keys(asked[0]!.body as object)).toEqual(['conferenceData']); // nothing of calendar sync's is overwritten
  });

  it('video first, then calendar sync create and update: one event, and the conference stays', async () => {
    const m = await meet.create(meeting('parley-g4', 9));
    const ref = await calendar.createEvent(primary, calendarEvent('parley-g4', 9));
    expect(ref.externalId).toBe(m.meetingId);
    expect(live()).toEqual([expect.objectContaining({ summary: 'Interview: Carla Candidate (parley-g4)', attendees: ['carla@example.com'], hangoutLink: m.joinUrl })]);

    await calendar.updateEvent(primary, ref, calendarEvent('parley-g4', 14));
    expect(live()).toEqual([expect.objectContaining({ start: iso(14), conference: 'success', hangoutLink: m.joinUrl })]);
    // Calendar sync's patches carry no conferenceData and no conferenceDataVersion: Google keeps the conference.
    const syncPatches = calls('PATCH', eventPath('parley-g4'));
    expect(syncPatches.length).toBeGreaterThanOrEqual(1);
    for (const p of syncPatches) {
      expect(p.query.conferenceDataVersion).toBeUndefined();
      expect(p.body).not.toHaveProperty('conferenceData');
    }
    expect(conferenceRequests()).toHaveLength(1);
  });

  it('a reschedule moves the event and keeps the very same Meet link', async () => {
    const m = await meet.create(meeting('parley-g5', 9));
    const moved = await meet.update(m, meeting('parley-g5', 15));
    expect(moved.joinUrl).toBe(m.joinUrl);
    expect(moved.meetingId).toBe(m.meetingId);
    expect(live()).toEqual([expect.objectContaining({ start: iso(15), end: iso(15.5), hangoutLink: m.joinUrl })]);
    const patch = calls('PATCH', eventPath('parley-g5'));
    expect(patch).toHaveLength(1);
    expect(Object.keys(patch[0]!.body as object).sort()).toEqual(['end', 'start']);
    expect(conferenceRequests()).toHaveLength(1);
    // A later create for the key (a retried job) adopts that same link.
    expect((await meet.create(meeting('parley-g5', 15))).joinUrl).toBe(m.joinUrl);
  });

  it('puts a conference back when someone removed it from the event', async () => {
    const m = await meet.create(meeting('parley-g5b', 9));
    const stored = fake.state.events.get(primary)!.get(googleEventId('parley-g5b'))!;
    stored.conference = undefined;
    const moved = await meet.update(m, meeting('parley-g5b', 10));
    expect(moved.joinUrl).toMatch(MEET_URL);
    expect(moved.joinUrl).not.toBe(m.joinUrl);
    expect(live()).toEqual([expect.objectContaining({ start: iso(10), hangoutLink: moved.joinUrl })]);
  });

  it('removing twice is fine, and so is calendar sync deleting the same event before or after', async () => {
    const m = await meet.create(meeting('parley-g6', 9));
    const ref = await calendar.createEvent(primary, calendarEvent('parley-g6', 9));
    await meet.remove(m);
    await meet.remove(m);
    await calendar.deleteEvent(primary, ref);
    expect(live()).toHaveLength(0);
    expect(fake.events(primary).map((e) => e.status)).toEqual(['cancelled']);

    const other = await meet.create(meeting('parley-g6b', 11));
    await calendar.deleteEvent(primary, { externalId: other.meetingId });
    await meet.remove(other);
    expect(live()).toHaveLength(0);
    expect(calls('DELETE', /\/events\//).length).toBe(5);
  });

  it('reports a conference Google could not create as `account`, after asking once more', async () => {
    fake.meetFailure = true;
    const err = await videoFailure(meet.create(meeting('parley-g7', 9)));
    expect(err.provider).toBe('google-meet');
    expect(err.kind).toBe('account');
    expect(err.message).toMatch(/Meet/);
    // Asked again with a new requestId (Google ignores a repeated one).
    expect(conferenceRequests()).toHaveLength(2);

    // A one-off failure: the second request succeeds.
    fake.requests.length = 0;
    fake.meetFailure = 1;
    const m = await meet.create(meeting('parley-g7b', 11));
    expect(m.joinUrl).toMatch(MEET_URL);
    expect(conferenceRequests()).toHaveLength(2);
  });

  it('gives up waiting on a long-pending conference with `temporary`; the next attempt picks the same request up', async () => {
    fake.meetPendingPolls = 1_000;
    const impatient = meetWith(token, { pollIntervalMs: 5, pollTimeoutMs: 40 });
    const err = await videoFailure(impatient.create(meeting('parley-g8', 9)));
    expect(err.kind).toBe('temporary');
    fake.state.events.get(primary)!.get(googleEventId('parley-g8'))!.conference!.pendingReads = 1;
    const m = await impatient.create(meeting('parley-g8', 9));
    expect(m.joinUrl).toMatch(MEET_URL);
    expect(conferenceRequests()).toHaveLength(1);
    expect(live()).toHaveLength(1);
  });

  it('5xx, 429 and timeouts are `temporary`, after the retries it was given', async () => {
    fake.fault({ method: 'POST', path: /\/events$/, times: 3 }, { status: 503 });
    const down = await videoFailure(meet.create(meeting('parley-g9', 9)));
    expect(down.kind).toBe('temporary');
    expect(down.details.status).toBe(503);
    expect(calls('POST', /\/events$/)).toHaveLength(3); // 1 + 2 retries
    expect(live()).toHaveLength(0);

    const noRetry = meetWith(token, { retries: 0 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { status: 429, retryAfterSeconds: 7 });
    const limited = await videoFailure(noRetry.create(meeting('parley-g9', 9)));
    expect(limited.kind).toBe('temporary');
    expect(limited.details.retryAfterMs).toBe(7_000);

    const impatient = meetWith(token, { retries: 0, timeoutMs: 100 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 400 });
    expect((await videoFailure(impatient.create(meeting('parley-g9', 9)))).kind).toBe('temporary');
    // Google made the event although Parley stopped waiting: the next attempt adopts it.
    await new Promise((r) => setTimeout(r, 400));
    const m = await impatient.create(meeting('parley-g9', 9));
    expect(m.joinUrl).toMatch(MEET_URL);
    expect(live()).toHaveLength(1);
  });

  it('no usable Google access is `account`, with what to do', async () => {
    fake.fault({ path: /\/events/, times: 2 }, 'expired-token'); // refused again after the refresh
    const expired = await videoFailure(meet.create(meeting('parley-g10', 9)));
    expect(expired.kind).toBe('account');
    expect(expired.message).toContain('reconnect Google Calendar');

    const noConnection = meetWith({
      get: () => Promise.reject(new ProviderError('google', 'auth', 'This calendar connection was removed')),
      refresh: () => Promise.reject(new ProviderError('google', 'auth', 'This calendar connection was removed')),
    });
    const gone = await videoFailure(noConnection.create(meeting('parley-g10', 9)));
    expect(gone.kind).toBe('account');
    expect(gone.message).toContain('cannot reach your Google account');

    fake.grantedScopes = ['openid', 'email', GOOGLE_SCOPE.readonly];
    const readOnly = meetWith(await connect());
    const scope = await videoFailure(readOnly.create(meeting('parley-g10', 9)));
    expect(scope.kind).toBe('account');
    expect(scope.message).toMatch(/permission/);
    expect(live()).toHaveLength(0);
  });

  it('the fake, like Google, ignores conferenceData without conferenceDataVersion=1', async () => {
    const access = await token.get();
    const send = (method: string, path: string, body: object, version?: string) =>
      fetch(`${fake.url}/calendar/v3/calendars/primary/events${path}${version ? `?conferenceDataVersion=${version}` : ''}`, {
        method, headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
    const ask = { conferenceData: { createRequest: { requestId: 'r1', conferenceSolutionKey: { type: 'hangoutsMeet' } } } };
    const times = { start: { dateTime: '2026-04-06T09:00:00Z' }, end: { dateTime: '2026-04-06T10:00:00Z' } };
    const plain = (await (await send('POST', '', { id: 'plainevent1', summary: 'x', ...times, ...ask })).json()) as { conferenceData?: unknown };
    expect(plain.conferenceData).toBeUndefined();
    expect((await send('PATCH', '/plainevent1', ask)).status).toBe(200);
    expect(fake.events(primary)[0]!.conference).toBeUndefined();
    const asked = (await (await send('PATCH', '/plainevent1', ask, '1')).json()) as { conferenceData?: { createRequest?: { status?: { statusCode?: string } } } };
    expect(asked.conferenceData?.createRequest?.status?.statusCode).toBe('pending');
    // A full update without conferenceDataVersion keeps the conference; with version 1 and no conferenceData it drops it.
    expect((await send('PUT', '/plainevent1', { summary: 'y', ...times })).status).toBe(200);
    expect(fake.events(primary)[0]!.conference).toBe('pending');
    expect((await send('PUT', '/plainevent1', { summary: 'y', ...times }, '1')).status).toBe(200);
    expect(fake.events(primary)[0]!.conference).toBeUndefined();
    const wrongType = await send('PATCH', '/plainevent1', { conferenceData: { createRequest: { requestId: 'r2', conferenceSolutionKey: { type: 'addOn' } } } }, '1');
    expect(wrongType.status).toBe(400);
  });
});

// ============================================================================================
describe('Microsoft Teams', () => {
  const REDIRECT = 'http://127.0.0.1:9/oauth/microsoft/callback';
  const SCOPE = 'openid profile email offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Calendars.ReadWrite';
  const fakes: FakeMicrosoft[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });

  async function connect(fake: FakeMicrosoft) {
    const verifier = randomBytes(32).toString('base64url');
    const u = new URL(`${fake.url}/common/oauth2/v2.0/authorize`);
    u.search = new URLSearchParams({
      client_id: fake.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: SCOPE, state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const code = new URL((await fetch(u, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const tokenRequest = async (form: Record<string, string>) => {
      const res = await fetch(`${fake.url}/common/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: fake.clientId, client_secret: fake.clientSecret, ...form }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    const first = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    let access = first.body.access_token!;
    let refresh = first.body.refresh_token!;
    const source: AccessTokenSource & { refreshes: number } = {
      refreshes: 0,
      get: async () => access,
      refresh: async () => {
        source.refreshes++;
        const r = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refresh });
        if (r.status !== 200) throw new ProviderError('microsoft', 'auth', `refresh refused: ${r.body.error}`);
        access = r.body.access_token!;
        refresh = r.body.refresh_token ?? refresh;
        return access;
      },
    };
    return source;
  }

  async function setup(configure: (f: FakeMicrosoft) => void = () => {}) {
    const fake = await startFakeMicrosoft();
    fakes.push(fake);
    configure(fake);
    const token = await connect(fake);
    const common = { baseUrl: `${fake.url}/v1.0`, token, mailbox: fake.account.email, timeoutMs: 2_000, retries: 2, maxDelayMs: 20 };
    const teamsWith = (o: Partial<TeamsOptions> = {}) => teamsVideo({ ...common, pollIntervalMs: 5, pollTimeoutMs: 1_000, ...o });
    const cal = microsoftCalendar(common);
    const events = () => fake.events(fake.defaultCalendarId);
    const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
    return { fake, token, teams: teamsWith(), teamsWith, cal, events, calls };
  }

  it('makes the interview’s event a Teams meeting and answers its join URL', async () => {
    const { fake, teams, events, calls } = await setup();
    const m = await teams.create(meeting('parley-t1', 9));
    expect(m.provider).toBe('teams');
    expect(m.joinUrl).toMatch(TEAMS_URL);
    expect(events()).toEqual([expect.objectContaining({ id: m.meetingId, subject: 'Interview parley-t1', start: iso(9), end: iso(9.5), joinUrl: m.joinUrl })]);
    const [post] = calls('POST', /\/events$/);
    expect(post!.path).toBe(`/v1.0/me/calendars/${encodeURIComponent(fake.defaultCalendarId)}/events`);
    expect(post!.body).toMatchObject({
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: transactionIdFor('parley-t1'),
      singleValueExtendedProperties: [{ id: PARLEY_KEY_PROPERTY, value: 'parley-t1' }],
      start: { dateTime: '2026-04-06T11:00:00.000', timeZone: 'Europe/Berlin' },
    });
    // The calendar was asked whether it allows Teams meetings.
    expect(calls('GET', /\/me\/calendar$/)[0]!.query.$select).toContain('allowedOnlineMeetingProviders');
  });

  it('creating twice (also at the same time) makes one event and one join URL', async () => {
    const { teams, events, calls } = await setup();
    const first = await teams.create(meeting('parley-t2', 9));
    const again = await teams.create(meeting('parley-t2', 9));
    expect(again).toEqual(first);
    expect(calls('POST', /\/events$/)).toHaveLength(1);
    expect(calls('PATCH', /\/me\/events\//)).toHaveLength(0);

    const [a, b] = await Promise.all([teams.create(meeting('parley-t2b', 11)), teams.create(meeting('parley-t2b', 11))]);
    expect(b.joinUrl).toBe(a.joinUrl);
    expect(b.meetingId).toBe(a.meetingId);
    expect(events().map((e) => e.joinUrl)).toEqual([first.joinUrl, a.joinUrl]);
  });

  it('calendar sync first, then video: the same event becomes the Teams meeting', async () => {
    const { fake, teams, cal, events, calls } = await setup();
    const ref = await cal.createEvent(fake.defaultCalendarId, calendarEvent('parley-t3', 9));
    expect(events()[0]!.joinUrl).toBeUndefined();
    const m = await teams.create(meeting('parley-t3', 9));
    expect(m.meetingId).toBe(ref.externalId);
    expect(m.joinUrl).toMatch(TEAMS_URL);
    expect(events()).toEqual([expect.objectContaining({ id: ref.externalId, subject: 'Interview: Carla Candidate (parley-t3)', attendees: ['carla@example.com'], joinUrl: m.joinUrl })]);
    expect(calls('POST', /\/events$/)).toHaveLength(1); // calendar sync's only
    const patches = calls('PATCH', /\/me\/events\//);
    expect(patches.map((p) => p.body)).toEqual([{ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }]);
  });

  it('video first, then calendar sync create and update: one event, and the meeting stays', async () => {
    const { fake, teams, cal, events, calls } = await setup();
    const m = await teams.create(meeting('parley-t4', 9));
    const ref = await cal.createEvent(fake.defaultCalendarId, calendarEvent('parley-t4', 9));
    expect(ref.externalId).toBe(m.meetingId);
    await cal.updateEvent(fake.defaultCalendarId, ref, calendarEvent('parley-t4', 14));
    expect(events()).toEqual([expect.objectContaining({
      id: m.meetingId, subject: 'Interview: Carla Candidate (parley-t4)', attendees: ['carla@example.com'], start: iso(14), joinUrl: m.joinUrl,
    })]);
    // Calendar sync's PATCH never mentions the online meeting.
    const [syncPatch] = calls('PATCH', /\/me\/events\//);
    expect(syncPatch!.body).not.toHaveProperty('isOnlineMeeting');
    expect(syncPatch!.body).not.toHaveProperty('onlineMeetingProvider');
    // And the video provider still reads the same meeting.
    expect((await teams.create(meeting('parley-t4', 14))).joinUrl).toBe(m.joinUrl);
  });

  it('a reschedule moves the event and keeps the very same join URL', async () => {
    const { teams, events, calls } = await setup();
    const m = await teams.create(meeting('parley-t5', 9));
    const moved = await teams.update(m, meeting('parley-t5', 15));
    expect(moved).toEqual(m);
    expect(events()).toEqual([expect.objectContaining({ start: iso(15), end: iso(15.5), joinUrl: m.joinUrl })]);
    const [patch] = calls('PATCH', /\/me\/events\//);
    expect(Object.keys(patch!.body as object).sort()).toEqual(['end', 'start']);
  });

  it('a reschedule of an event deleted in Outlook makes the meeting again', async () => {
    const { fake, teams, cal, events } = await setup();
    const m = await teams.create(meeting('parley-t5b', 9));
    await cal.deleteEvent(fake.defaultCalendarId, { externalId: m.meetingId });
    const again = await teams.update(m, meeting('parley-t5b', 10));
    expect(again.meetingId).not.toBe(m.meetingId);
    expect(again.joinUrl).toMatch(TEAMS_URL);
    expect(events()).toEqual([expect.objectContaining({ id: again.meetingId, start: iso(10), joinUrl: again.joinUrl })]);
  });

  it('removing twice is fine, and so is calendar sync deleting the same event', async () => {
    const { fake, teams, cal, events } = await setup();
    const m = await teams.create(meeting('parley-t6', 9));
    const ref = await cal.createEvent(fake.defaultCalendarId, calendarEvent('parley-t6', 9));
    await teams.remove(m);
    await teams.remove(m);
    await cal.deleteEvent(fake.defaultCalendarId, ref);
    expect(events()).toHaveLength(0);
  });

  it('a calendar without Teams (personal account, no licence) is `account`, with the reason', async () => {
    const { teams, events } = await setup((f) => (f.teamsAvailable = false));
    const err = await videoFailure(teams.create(meeting('parley-t7', 9)));
    expect(err.provider).toBe('teams');
    expect(err.kind).toBe('account');
    expect(err.details.code).toBe('teams-not-available');
    expect(err.message).toMatch(/personal Microsoft accounts/);
    expect(err.message).toMatch(/Teams licence/);
    expect(events()).toHaveLength(0);

    // Graph ignores isOnlineMeeting without a word: the answer is checked too.
    const { fake: later, teams: cached, events: laterEvents } = await setup();
    await cached.create(meeting('parley-t7a', 9)); // the calendar allowed Teams when first asked
    later.teamsAvailable = false;
    const ignored = await videoFailure(cached.create(meeting('parley-t7b', 11)));
    expect(ignored.kind).toBe('account');
    expect(ignored.details.code).toBe('teams-not-available');
    expect(laterEvents().find((e) => e.subject === 'Interview parley-t7b')?.joinUrl).toBeUndefined();
  });

  it('waits briefly for a join URL Graph has not filled in yet', async () => {
    const { fake, teams, calls, teamsWith } = await setup((f) => (f.teamsJoinUrlDelayGets = 2));
    const m = await teams.create(meeting('parley-t8', 9));
    expect(m.joinUrl).toMatch(TEAMS_URL);
    expect(calls('GET', new RegExp(`/me/events/${encodeURIComponent(m.meetingId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))).toHaveLength(2);

    fake.teamsJoinUrlDelayGets = 1_000;
    const impatient = teamsWith({ pollIntervalMs: 5, pollTimeoutMs: 30 });
    expect((await videoFailure(impatient.create(meeting('parley-t8b', 11)))).kind).toBe('temporary');
  });

  it('5xx, 429 and timeouts are `temporary`, after the retries it was given', async () => {
    const { fake, teams, teamsWith, events, calls } = await setup();
    fake.fault({ method: 'POST', path: /\/events$/, times: 3 }, { status: 503 });
    const down = await videoFailure(teams.create(meeting('parley-t9', 9)));
    expect(down.kind).toBe('temporary');
    expect(down.details.status).toBe(503);
    expect(calls('POST', /\/events$/)).toHaveLength(3); // 1 + 2 retries
    expect(events()).toHaveLength(0);

    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { status: 429, retryAfterSeconds: 7 });
    const limited = await videoFailure(teamsWith({ retries: 0 }).create(meeting('parley-t9', 9)));
    expect(limited.kind).toBe('temporary');
    expect(limited.details.retryAfterMs).toBe(7_000);

    fake.fault({ method: 'PATCH', path: /\/me\/events\//, times: 1 }, { delayMs: 300 });
    const m = await teams.create(meeting('parley-t9', 9));
    const slow = await videoFailure(teamsWith({ retries: 0, timeoutMs: 100 }).update(m, meeting('parley-t9', 12)));
    expect(slow.kind).toBe('temporary');
  });

  it('no usable Microsoft access (401 after the refresh) is `account`', async () => {
    const { fake, teams, token } = await setup();
    fake.fault({ path: /^\/v1\.0\/me\// }, 'expired-token');
    const err = await videoFailure(teams.create(meeting('parley-t10', 9)));
    expect(err.kind).toBe('account');
    expect(err.message).toMatch(/reconnect your Microsoft 365 calendar/);
    expect(token.refreshes).toBe(1);
  });

  it('shares the mailbox’s concurrency limit with calendar sync: never throttled', async () => {
    const { fake, teamsWith, token } = await setup();
    // No retries (any 429 would reach the caller), and slow answers so that requests overlap.
    const teams = teamsWith({ retries: 0 });
    const cal = microsoftCalendar({ baseUrl: `${fake.url}/v1.0`, token, mailbox: fake.account.email, timeoutMs: 2_000, retries: 0 });
    fake.fault({ method: 'GET', path: /\/events$/ }, { delayMs: 40 });
    const results = await Promise.allSettled([
      ...Array.from({ length: 6 }, (_, i) => teams.create(meeting(`parley-c${i}`, 8 + i / 2))),
      ...Array.from({ length: 6 }, (_, i) => cal.createEvent(fake.defaultCalendarId, calendarEvent(`parley-d${i}`, 13 + i))),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.throttled).toBe(0);
    expect(fake.peakConcurrency).toBe(4);
    expect(fake.events(fake.defaultCalendarId)).toHaveLength(12);
  });
});
