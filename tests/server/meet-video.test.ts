// Google Meet through the Google Calendar fake: the conference on the interview's event, alongside
// calendar sync, and how failures are reported.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GOOGLE_SCOPE, googleCalendar, googleEventId } from '../../server/providers/calendar/google.js';
import { ProviderError, type AccessTokenSource, type CalendarApi } from '../../server/providers/calendar/types.js';
import { googleMeetVideo, type GoogleMeetOptions } from '../../server/providers/video/google-meet.js';
import type { VideoProvider } from '../../server/providers/video/types.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { calendarEvent, iso, meeting, videoFailure } from './video-meetings.js';

const MEET_URL = /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/;

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
