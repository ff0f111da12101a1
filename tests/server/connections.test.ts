import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft/index.js';
import { connectThroughConsent } from '../support/oauth.js';
import { startRadicale, type Radicale } from '../support/radicale.js';
import { useParley } from './harness.js';

let google: FakeGoogle;
let radicale: Radicale;
let microsoft: FakeMicrosoft;
beforeAll(async () => {
  google = await startFakeGoogle();
  microsoft = await startFakeMicrosoft({ email: 'rita@contoso.example' });
  radicale = await startRadicale();
});
afterAll(async () => {
  await google?.close();
  await microsoft?.close();
  await radicale?.stop();
});

const t = useParley({
  env: () => ({
    GOOGLE_CLIENT_ID: google.clientId, GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.url}/token`, GOOGLE_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`, GOOGLE_CALENDAR_URL: `${google.url}/calendar/v3`, PROVIDER_TIMEOUT_MS: '1500',
    MICROSOFT_CLIENT_ID: microsoft.clientId, MICROSOFT_CLIENT_SECRET: microsoft.clientSecret,
    MICROSOFT_AUTHORITY: `${microsoft.url}/common`, MICROSOFT_GRAPH_URL: `${microsoft.url}/v1.0`,
  }),
});
beforeEach(() => google.reset());

const TUE_9AM_NY = Date.parse('2026-03-03T14:00:00Z');
type Connections = { connections: { id: string; provider: string; accountEmail: string; status: string; lastError: string | null; calendars: { id: string; name: string; isTarget: boolean; useForConflicts: boolean; readOnly: boolean }[] }[] };

const connectGoogle = (token: string, provider: 'google' | 'microsoft' = 'google') => connectThroughConsent(t.request, token, provider);

async function bookTuesday9(token: string) {
  const inv = await t.invitation(token);
  return t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: new Date(TUE_9AM_NY).toISOString(), timeZone: 'Europe/Berlin', name: 'Carla Candidate', country: 'DE', phone: '030 1234567', email: 'carla@example.com' } });
}

describe('connecting Google Calendar', () => {
  it('exchanges the code on the backend, keeps the refresh token sealed, and picks the primary calendar as target', async () => {
    const { token } = await t.recruiter();
    const res = await connectGoogle(token);
    expect(res.status).toBe(201);
    const { connections } = (await res.json()) as Connections;
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ provider: 'google', accountEmail: 'recruiter@example.com', status: 'active' });
    const primary = connections[0]!.calendars.find((c) => c.name && c.isTarget);
    expect(primary).toBeDefined();
    const holidays = connections[0]!.calendars.find((c) => c.readOnly);
    expect(holidays?.isTarget).toBe(false);
    const rows = await t.db().query<{ secret_sealed: string }>(`select secret_sealed from calendar_connections`);
    const refreshTokens = [...google.state.refreshTokens.keys()];
    expect(refreshTokens).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(refreshTokens[0]);
    expect(rows[0]!.secret_sealed).toMatch(/^v2\./);
  });

  it('says exactly which permission is missing when the user unticks one, and keeps nothing', async () => {
    const { token } = await t.recruiter();
    google.grantedScopes = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.readonly'];
    const res = await connectGoogle(token);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { connect: { problem: string; cause: string; missingScopes: string[] } };
    expect(body.connect.problem).toBe('insufficient-scopes');
    expect(body.connect.missingScopes).toEqual(['https://www.googleapis.com/auth/calendar.events']);
    expect(body.connect.cause).toContain('View and edit events on your calendars');
    expect(await t.db().query(`select 1 from calendar_connections`)).toHaveLength(0);
  });

  it('explains an account without Google Calendar', async () => {
    const { token } = await t.recruiter();
    google.fault({ path: /calendarList/ }, 'not-calendar-user');
    const res = await connectGoogle(token);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { connect: { problem: string } }).connect.problem).toBe('not-hosted');
  });
});

describe('with Google connected', () => {
  it('removes busy time of the Google calendar from the booking page', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    google.addEvent(google.primaryCalendarId(), { start: TUE_9AM_NY, end: TUE_9AM_NY + 3_600_000, summary: 'Hiring sync' });
    const inv = await t.invitation(token);
    const { slots } = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: { start: string }[] };
    const starts = slots.map((s) => s.start);
    expect(starts).not.toContain('2026-03-03T14:00:00.000Z');
    expect(starts).not.toContain('2026-03-03T14:30:00.000Z');
    expect(starts).toContain('2026-03-03T15:00:00.000Z');
  });

  it("a panel's booking page reads Google once, then only its change mark every 10 s, and shows a new meeting at the next check", async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    // Rita interviews in her own one-session panel: her Google calendar is the panel's.
    const add = await t.request('/api/panels/interviewers', { method: 'POST', token, json: { email: 'rita@example.com', name: 'Rita Recruiter' } });
    const rita = ((await add.json()) as { interviewer: { id: string } }).interviewer;
    const created = await t.request('/api/panels/templates', {
      method: 'POST', token,
      json: {
        name: 'Hiring chat', shape: 'sequence', order: 'fixed', gapMinutes: 0, video: null,
        message: 'Hi {candidate_first_name}, book here: {booking_link}',
        sessions: [{ name: 'Chat', durationMinutes: 30, interviewers: [rita.id], pool: [] }],
      },
    });
    expect(created.status).toBe(201);
    const template = ((await created.json()) as { template: { id: string } }).template;
    const shared = await t.request(`/api/panels/templates/${template.id}/share`, { method: 'POST', token, json: { recipient: { key: 'linkedin:in:carla', name: 'Carla Candidate' } } });
    const linkToken = String(((await shared.json()) as { invitation: { url: string } }).invitation.url).split('/b/')[1]!;
    const starts = async () => ((await (await t.request(`/b/${linkToken}/slots`)).json()) as { slots: { start: string }[] }).slots.map((x) => x.start);
    const calls = (path: RegExp, method = 'GET') => google.requests.filter((r) => r.method === method && path.test(r.path)).length;
    const freeBusy = () => calls(/\/freeBusy$/, 'POST');
    const marks = () => calls(/\/events$/);

    expect(await starts()).toContain('2026-03-03T14:00:00.000Z');
    expect(freeBusy()).toBe(1);
    // Rita accepts a meeting in Google Calendar itself.
    google.addEvent(google.primaryCalendarId(), { start: TUE_9AM_NY, end: TUE_9AM_NY + 3_600_000, summary: 'Hiring sync' });
    t.state.now += 5_000;
    expect(await starts()).toContain('2026-03-03T14:00:00.000Z'); // within 10 s: served from the cache, Google not asked
    expect(freeBusy()).toBe(1);
    t.state.now += 5_000;
    const after = await starts();
    expect(after).not.toContain('2026-03-03T14:00:00.000Z');
    expect(after).toContain('2026-03-03T15:00:00.000Z');
    expect(freeBusy()).toBe(2);
    // Nothing changes for a while: a mark every 10 s, no second reading of the busy time.
    const marksBefore = marks();
    for (let i = 0; i < 5; i++) {
      t.state.now += 10_000;
      await starts();
    }
    expect(freeBusy()).toBe(2);
    expect(marks() - marksBefore).toBe(5);
    // The time just taken cannot be booked either (a booking reads every calendar live).
    const booked = await t.request(`/b/${linkToken}/book`, { method: 'POST', json: { start: '2026-03-03T14:00:00.000Z', timeZone: 'UTC', name: 'Carla Candidate', country: 'DE', phone: '030 1234567', email: 'carla@example.com' } });
    expect(booked.status).toBe(409);
  });

  it('unticking a calendar stops it counting', async () => {
    const { token } = await t.recruiter({ settings: {} });
    const { connections } = (await (await connectGoogle(token)).json()) as Connections;
    google.addEvent(google.primaryCalendarId(), { start: TUE_9AM_NY, end: TUE_9AM_NY + 3_600_000, summary: 'Hiring sync' });
    const primary = connections[0]!.calendars.find((c) => c.isTarget)!;
    const patched = await t.request(`/api/connections/calendars/${primary.id}`, { method: 'PATCH', token, json: { useForConflicts: false } });
    expect(patched.status).toBe(200);
    const inv = await t.invitation(token);
    const { slots } = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: { start: string }[] };
    expect(slots.map((s) => s.start)).toContain('2026-03-03T14:00:00.000Z');
  });

  it('never treats an unreadable calendar as free: no times, and the health line says why', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    google.fault({ path: /freeBusy/, times: 20 }, { status: 500 });
    const inv = await t.invitation(token);
    const answer = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: unknown[]; calendarError?: string };
    expect(answer.slots).toEqual([]);
    expect(answer.calendarError).toBeDefined();
    const page = await (await t.request(`/b/${inv.linkToken}`)).text();
    expect(page).toContain('calendar cannot be read right now');
    const { connections } = (await (await t.request('/api/connections', { token })).json()) as Connections;
    expect(connections[0]!.lastError).toMatch(/Google Calendar/);
  });

  it('writes the booking to Google exactly once, moves it on reschedule and deletes it on cancel', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    const inv = await t.invitation(token);
    const booked = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: new Date(TUE_9AM_NY).toISOString(), timeZone: 'Europe/Berlin', name: 'Carla Candidate', country: 'DE', phone: '030 1234567' } });
    expect(booked.status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    await t.state.parley.deps.jobs.runDue();
    const events = () => google.events(google.primaryCalendarId()).filter((e) => e.status !== 'cancelled');
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ summary: 'Interview: Carla Candidate' });

    await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: '2026-03-03T16:00:00Z', timeZone: 'Europe/Berlin' } });
    await t.state.parley.deps.jobs.runDue();
    expect(events()).toHaveLength(1);
    expect(Date.parse(events()[0]!.start)).toBe(Date.parse('2026-03-03T16:00:00Z'));

    await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', json: {} });
    await t.state.parley.deps.jobs.runDue();
    expect(events()).toHaveLength(0);
  });

  it('keeps the booking when Google is down, and writes the event once when it is back', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    // Every attempt of the first run fails (the client retries 3 times).
    google.fault({ method: 'POST', path: /\/events$/, times: 4 }, { status: 503 });
    expect((await bookTuesday9(token)).status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const [job] = await t.db().query<{ done_at: Date | null; last_error: string | null; attempts: number }>(`select done_at, last_error, attempts from jobs where kind = 'calendar.sync'`);
    expect(job).toMatchObject({ done_at: null, attempts: 1 });
    expect(job!.last_error).toBeTruthy();
    expect(await t.db().query(`select 1 from bookings where status = 'confirmed'`)).toHaveLength(1);

    // Google is back: the job's next run writes the event, once.
    await t.db().query(`update jobs set run_at = now() where done_at is null`);
    await t.state.parley.deps.jobs.runDue();
    expect(google.events(google.primaryCalendarId()).filter((e) => e.status !== 'cancelled')).toHaveLength(1);
    const [after] = await t.db().query<{ done_at: Date | null }>(`select done_at from jobs where kind = 'calendar.sync'`);
    expect(after!.done_at).not.toBeNull();
  });

  it('does not duplicate the event when the first create times out but Google applied it', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    google.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 2500 });
    expect((await bookTuesday9(token)).status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    await t.db().query(`update jobs set run_at = now() where done_at is null`);
    await t.state.parley.deps.jobs.runDue();
    const events = google.events(google.primaryCalendarId()).filter((e) => e.status !== 'cancelled');
    expect(events).toHaveLength(1);
  });

  it('refreshes an expired access token itself; a revoked grant asks the recruiter to reconnect', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    google.fault({ path: /freeBusy/ }, 'expired-token');
    const inv = await t.invitation(token);
    const ok = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: unknown[] };
    expect(ok.slots.length).toBeGreaterThan(0);

    for (const grant of google.state.refreshTokens.values()) grant.revoked = true;
    google.fault({ path: /freeBusy/ }, 'expired-token');
    const refused = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: unknown[] };
    expect(refused.slots).toEqual([]);
    const { connections } = (await (await t.request('/api/connections', { token })).json()) as Connections;
    expect(connections[0]!.status).toBe('needs_reconnect');
    // Reconnecting brings it back.
    expect((await connectGoogle(token)).status).toBe(201);
    const again = (await (await t.request('/api/connections', { token })).json()) as Connections;
    expect(again.connections[0]!.status).toBe('active');
  });

  it('revokes the grant on disconnect', async () => {
    const { token } = await t.recruiter({ settings: {} });
    const { connections } = (await (await connectGoogle(token)).json()) as Connections;
    const res = await t.request(`/api/connections/${connections[0]!.id}`, { method: 'DELETE', token });
    expect(((await res.json()) as Connections).connections).toEqual([]);
    expect(google.requests.some((r) => r.method === 'POST' && r.path === '/revoke')).toBe(true);
  });
});

describe('video through the connected calendars', () => {
  it('Google Meet: one calendar event carries both the interview and the conference, and the gateway forwards to it', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await connectGoogle(token);
    const inv = await t.invitation(token, { key: 'linkedin:in:carla', name: 'Carla Candidate' }, { video: 'google-meet' });
    expect((await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: new Date(TUE_9AM_NY).toISOString(), timeZone: 'Europe/Berlin', name: 'Carla Candidate', country: 'DE', phone: '030 1234567' } })).status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    await t.state.parley.deps.jobs.runDue();
    const events = google.events(google.primaryCalendarId()).filter((e) => e.status !== 'cancelled');
    expect(events).toHaveLength(1);
    const { interviews } = (await (await t.request('/api/interviews', { token })).json()) as { interviews: { video: { status: string; joinUrl: string; accessCode: string } }[] };
    expect(interviews[0]!.video.status).toBe('ready');
    t.state.now = TUE_9AM_NY;
    const joined = await t.request(new URL(interviews[0]!.video.joinUrl).pathname, { method: 'POST', body: new URLSearchParams({ code: interviews[0]!.video.accessCode }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(joined.status).toBe(303);
    expect(joined.headers.get('location')).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  });

  it('Teams: the meeting is added to the Outlook event and survives a reschedule', async () => {
    const { token } = await t.recruiter({ settings: {} });
    expect((await connectGoogle(token, 'microsoft')).status).toBe(201);
    const inv = await t.invitation(token, { key: 'linkedin:in:tessa', name: 'Tessa Teams' }, { video: 'teams' });
    await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: new Date(TUE_9AM_NY).toISOString(), timeZone: 'Europe/Berlin', name: 'Tessa Teams', country: 'DE', phone: '030 1234567' } });
    await t.state.parley.deps.jobs.runDue();
    const joinTarget = async () => {
      const { interviews } = (await (await t.request('/api/interviews', { token })).json()) as { interviews: { start: string; video: { joinUrl: string; accessCode: string } }[] };
      t.state.now = Date.parse(interviews[0]!.start);
      const res = await t.request(new URL(interviews[0]!.video.joinUrl).pathname, { method: 'POST', body: new URLSearchParams({ code: interviews[0]!.video.accessCode }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      return res.headers.get('location');
    };
    const before = await joinTarget();
    expect(before).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    t.state.now = Date.parse('2026-03-02T12:00:00Z');
    await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: '2026-03-04T15:00:00Z', timeZone: 'Europe/Berlin' } });
    await t.state.parley.deps.jobs.runDue();
    expect(await joinTarget()).toBe(before);
    const events = microsoft.events(microsoft.defaultCalendarId).filter((e) => e.subject === 'Interview: Tessa Teams');
    expect(events).toHaveLength(1);
    expect(Date.parse(events[0]!.start + (events[0]!.start.endsWith('Z') ? '' : 'Z'))).toBe(Date.parse('2026-03-04T15:00:00Z'));
  });
});

describe('connecting Microsoft 365', () => {
  beforeEach(() => {
    microsoft.mailboxState = 'ok';
    microsoft.clearFaults();
  });

  it('connects, reads busy time through Graph, and writes the booking with a transactionId', async () => {
    const { token } = await t.recruiter({ settings: {} });
    const res = await connectGoogle(token, 'microsoft');
    expect(res.status).toBe(201);
    const { connections } = (await res.json()) as Connections;
    expect(connections[0]).toMatchObject({ provider: 'microsoft', accountEmail: 'rita@contoso.example', status: 'active' });
    microsoft.addEvent(microsoft.defaultCalendarId, { start: TUE_9AM_NY, end: TUE_9AM_NY + 3_600_000, summary: 'Interview loop' });
    const inv = await t.invitation(token);
    const { slots } = (await (await t.request(`/b/${inv.linkToken}/slots`)).json()) as { slots: { start: string }[] };
    expect(slots.map((s) => s.start)).not.toContain('2026-03-03T14:00:00.000Z');
    expect((await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: '2026-03-03T16:00:00Z', timeZone: 'Europe/Berlin', name: 'Carla Candidate', country: 'DE', phone: '030 1234567' } })).status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const created = microsoft.events(microsoft.defaultCalendarId).filter((e) => e.subject === 'Interview: Carla Candidate');
    expect(created).toHaveLength(1);
    expect(created[0]!.transactionId).toBeTruthy();
  });

  it.each([
    ['on-premise', 'mailbox-inactive'],
    ['inactive', 'mailbox-inactive'],
    ['no-mailbox', 'no-mailbox'],
  ] as const)('explains a %s mailbox', async (state, problem) => {
    const { token } = await t.recruiter({ settings: {} });
    microsoft.mailboxState = state;
    const res = await connectGoogle(token, 'microsoft');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { connect: { problem: string } }).connect.problem).toBe(problem);
  });
});

describe('connecting CalDAV', () => {
  it('connects with an app password, and refuses a wrong one with the reason', async () => {
    const { token } = await t.recruiter({ settings: {} });
    await radicale.calendarUrl('work');
    const wrong = await t.request('/api/connections/caldav', { method: 'POST', token, json: { serverUrl: radicale.url, username: radicale.username, password: 'nope' } });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { connect: { problem: string } }).connect.problem).toBe('bad-credentials');
    const ok = await t.request('/api/connections/caldav', { method: 'POST', token, json: { serverUrl: radicale.url, username: radicale.username, password: radicale.password } });
    expect(ok.status).toBe(201);
    const { connections } = (await ok.json()) as Connections;
    expect(connections[0]).toMatchObject({ provider: 'caldav', status: 'active' });
    expect(connections[0]!.calendars.some((c) => c.isTarget)).toBe(true);
    // A booking lands on the CalDAV server.
    expect((await bookTuesday9(token)).status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const [link] = await t.db().query<{ external_id: string }>(`select external_id from calendar_event_links`);
    expect(link!.external_id).toMatch(/parley.*\.ics$/);
  });
});
