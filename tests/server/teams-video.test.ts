// Microsoft Teams through the Microsoft Graph fake: the interview's event as a Teams meeting, alongside
// calendar sync, accounts without Teams, and how failures are reported.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { microsoftCalendar, PARLEY_KEY_PROPERTY, transactionIdFor } from '../../server/providers/calendar/microsoft.js';
import { ProviderError, type AccessTokenSource } from '../../server/providers/calendar/types.js';
import { teamsVideo, type TeamsOptions } from '../../server/providers/video/teams.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft/index.js';
import { calendarEvent, iso, meeting, videoFailure } from './video-meetings.js';

const TEAMS_URL = /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3Ameeting_[\w-]+%40thread\.v2\/0\?context=/;

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
