import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../lib/schemas.js';
import { hashToken } from '../../server/secrets.js';
import { useParley } from './harness.js';

const t = useParley();

describe('accounts and sessions', () => {
  it('registers, signs in, answers /me, and signs out', async () => {
    const { token } = await t.recruiter();
    const me = await t.request('/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ recruiter: { email: 'rita@example.com', name: 'Rita Recruiter' } });

    const login = await t.request('/api/auth/login', { method: 'POST', json: { email: 'RITA@example.com ', password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    const second = ((await login.json()) as { token: string }).token;
    expect(second).not.toBe(token);

    expect((await t.request('/api/auth/logout', { method: 'POST', token })).status).toBe(200);
    expect((await t.request('/api/auth/me', { token })).status).toBe(401);
    expect((await t.request('/api/auth/me', { token: second })).status).toBe(200);
  });

  it('stores only password hashes and session token hashes', async () => {
    const { token } = await t.recruiter();
    const [r] = await t.db().query<{ password_hash: string }>(`select password_hash from recruiters`);
    expect(r!.password_hash).toMatch(/^scrypt\$/);
    const sessions = await t.db().query<{ token_hash: string }>(`select token_hash from sessions`);
    expect(sessions.map((s) => s.token_hash)).toEqual([hashToken(token)]);
  });

  it('refuses wrong passwords, duplicates, weak input and missing or expired sessions with readable messages', async () => {
    await t.recruiter();
    const wrong = await t.request('/api/auth/login', { method: 'POST', json: { email: 'rita@example.com', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { message: 'That email and password do not match an account' } });

    const dup = await t.request('/api/auth/register', { method: 'POST', json: { email: 'rita@example.com', name: 'R', password: 'long enough password' } });
    expect(dup.status).toBe(409);

    const weak = await t.request('/api/auth/register', { method: 'POST', json: { email: 'not-an-email', name: '', password: 'short' } });
    expect(weak.status).toBe(400);
    const body = (await weak.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields).toMatchObject({ email: 'Enter a valid email address', name: 'Enter your name', password: 'Use at least 10 characters' });

    expect((await t.request('/api/auth/me')).status).toBe(401);
    expect((await t.request('/api/auth/me', { headers: { authorization: 'Bearer x' } })).status).toBe(401);
    const { token } = await t.recruiter({ email: 'other@example.com' });
    t.state.now += 31 * 86_400_000;
    const expired = await t.request('/api/auth/me', { token });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it('answers malformed JSON and oversized bodies with 4xx, not 500', async () => {
    const bad = await t.request('/api/auth/login', { method: 'POST', body: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toHaveProperty('error.message');
    const huge = await t.request('/api/auth/login', { method: 'POST', json: { email: 'a@b.co', password: 'x'.repeat(200_000) } });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(/too large/);
  });
});

describe('scheduler settings', () => {
  it('starts with Mon–Fri 9–17, no same-day meetings and two-week links, and saves valid changes', async () => {
    const { token } = await t.recruiter();
    const res = await t.request('/api/settings', { token });
    const { settings } = (await res.json()) as { settings: ReturnType<typeof defaultSettings> };
    expect(settings).toEqual(defaultSettings('America/New_York'));
    expect(settings.noSameDay).toBe(true);
    expect(settings.linkExpiryDays).toBe(14);

    const next = { ...settings, durationMinutes: 45, workingHours: { ...settings.workingHours, '6': [{ start: '10:00', end: '12:00' }, { start: '13:00', end: '15:00' }] } };
    const put = await t.request('/api/settings', { method: 'PUT', token, json: next });
    expect(put.status).toBe(200);
    expect(await (await t.request('/api/settings', { token })).json()).toEqual({ settings: next });
  });

  it('rejects invalid settings field by field', async () => {
    const { token } = await t.recruiter();
    const bad = {
      ...defaultSettings('UTC'),
      timeZone: 'Mars/Olympus',
      durationMinutes: 0,
      workingHours: { ...defaultSettings().workingHours, '1': [{ start: '17:00', end: '09:00' }], '2': [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] },
      blockedDates: ['2026-13-45'],
    };
    const res = await t.request('/api/settings', { method: 'PUT', token, json: bad });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(error.fields).toMatchObject({
      timeZone: 'Unknown time zone: choose one from the list',
      durationMinutes: 'At least 5 minutes',
      'workingHours.1.0.end': 'The end must be after the start',
      'workingHours.2': 'Ranges on one day must not overlap',
    });
    expect(error.fields['blockedDates.0']).toBeDefined();
  });
});

describe('invitations', () => {
  it('creates a recipient-specific link, stores the token only hashed and sealed, and reuses the open link', async () => {
    const { token } = await t.recruiter();
    const first = await t.invitation(token);
    expect(first.res.status).toBe(201);
    expect(first.url).toMatch(/^http:\/\/parley\.test\/b\/[A-Za-z0-9_-]{32}$/);
    expect(first.status).toBe('created');

    const rows = await t.db().query<Record<string, unknown>>(`select * from invitations`);
    expect(JSON.stringify(rows)).not.toContain(first.linkToken);
    expect(rows[0]!.token_hash).toBe(hashToken(first.linkToken));

    const again = await t.invitation(token, { key: 'linkedin:in:carla-candidate', name: 'Carla Candidate' }, { durationMinutes: 45 });
    expect(again.res.status).toBe(200);
    expect(again.reused).toBe(true);
    expect(again.url).toBe(first.url);

    const other = await t.invitation(token, { key: 'linkedin:in:élodie-marchand-b81f22', name: 'Élodie Marchand' });
    expect(other.url).not.toBe(first.url);
    const thread = await t.invitation(token, { key: 'linkedin:thread:2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==', name: 'Group' });
    expect(thread.res.status).toBe(201);

    const list = await t.request('/api/invitations?recipientKey=linkedin:in:carla-candidate', { token });
    const { invitations } = (await list.json()) as { invitations: { durationMinutes: number }[] };
    expect(invitations).toHaveLength(1);
    expect(invitations[0]!.durationMinutes).toBe(45);
  });

  it('gives concurrent inserts for one recipient the same link', async () => {
    const { token } = await t.recruiter();
    const all = await Promise.all(Array.from({ length: 5 }, () => t.invitation(token)));
    expect(new Set(all.map((i) => i.url)).size).toBe(1);
  });

  it('expires after the link expiry and then issues a new link; revoked links stop working', async () => {
    const { token } = await t.recruiter();
    const first = await t.invitation(token);
    t.state.now += 15 * 86_400_000;
    const page = await t.request(`/b/${first.linkToken}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link has expired');
    const second = await t.invitation(token);
    expect(second.url).not.toBe(first.url);
    expect(second.res.status).toBe(201);

    const revoke = await t.request(`/api/invitations/${second.id}/revoke`, { method: 'POST', token });
    expect(await revoke.json()).toEqual({ status: 'revoked' });
    const gone = await t.request(`/b/${second.linkToken}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('withdrawn');
  });

  it('validates recipients and keeps recruiters apart', async () => {
    const { token } = await t.recruiter();
    const bad = await t.request('/api/invitations', { method: 'POST', token, json: { recipient: { key: 'no spaces allowed' }, durationMinutes: 'thirty' } });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { fields: Record<string, string> } };
    expect(Object.keys(error.fields)).toEqual(expect.arrayContaining(['recipient.key', 'durationMinutes']));

    const mine = await t.invitation(token);
    const other = await t.recruiter({ email: 'someone@example.com' });
    expect((await t.request(`/api/invitations/${mine.id}/revoke`, { method: 'POST', token: other.token })).status).toBe(404);
    expect((await t.request(`/api/invitations/not-a-uuid/revoke`, { method: 'POST', token })).status).toBe(400);
  });
});

describe("Parley's built-in calendar", () => {
  it('adds, lists and removes busy events, and rejects bad ranges', async () => {
    const { token } = await t.recruiter();
    const add = await t.request('/api/calendar/events', { method: 'POST', token, json: { start: '2026-03-03T14:00:00Z', end: '2026-03-03T15:00:00Z', summary: 'Team sync' } });
    expect(add.status).toBe(201);
    const { event } = (await add.json()) as { event: { id: string } };
    const list = await t.request('/api/calendar/events?from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z', { token });
    expect(((await list.json()) as { events: unknown[] }).events).toEqual([
      { id: event.id, start: '2026-03-03T14:00:00.000Z', end: '2026-03-03T15:00:00.000Z', summary: 'Team sync', source: 'manual' },
    ]);
    const backwards = await t.request('/api/calendar/events', { method: 'POST', token, json: { start: '2026-03-03T15:00:00Z', end: '2026-03-03T14:00:00Z' } });
    expect(backwards.status).toBe(400);
    expect((await t.request(`/api/calendar/events/${event.id}`, { method: 'DELETE', token })).status).toBe(200);
    expect((await t.request(`/api/calendar/events/${event.id}`, { method: 'DELETE', token })).status).toBe(404);
    expect((await t.request('/api/calendar/events?from=yesterday&to=tomorrow', { token })).status).toBe(400);
  });

  it('imports an .ics file idempotently and refuses a broken one', async () => {
    const { token } = await t.recruiter();
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:standup@test', 'DTSTAMP:20260301T000000Z',
      'DTSTART:20260303T150000Z', 'DTEND:20260303T153000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:Standup', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const post = () => t.request('/api/calendar/import', { method: 'POST', token, body: ics, headers: { 'content-type': 'text/calendar' } });
    expect(await (await post()).json()).toEqual({ imported: 3 });
    expect(await (await post()).json()).toEqual({ imported: 3 });
    const rows = await t.db().query(`select 1 from busy_events where source = 'import'`);
    expect(rows).toHaveLength(3);
    const broken = await t.request('/api/calendar/import', { method: 'POST', token, body: 'hello', headers: { 'content-type': 'text/calendar' } });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/not a valid iCalendar/);
  });
});

describe('calendar connections without provider credentials', () => {
  it('explains that Google and Microsoft are not set up on this server', async () => {
    const { token } = await t.recruiter();
    const res = await t.request('/api/connections/oauth/google', { token });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ connect: { problem: 'not-configured' } });
    const list = (await (await t.request('/api/connections', { token })).json()) as { providers: Record<string, boolean> };
    expect(list.providers).toEqual({ google: false, microsoft: false, caldav: true });
  });
});

describe('extension origin', () => {
  it('allows CORS from extension origins only', async () => {
    const ext = await t.request('/api/auth/me', { method: 'OPTIONS', headers: { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'access-control-request-method': 'GET' } });
    expect(ext.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
    const web = await t.request('/api/auth/me', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(web.headers.get('access-control-allow-origin')).toBeNull();
  });
});
