import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GOOGLE_SCOPE, googleCalendar, googleEventId } from '../../server/providers/calendar/google.js';
import { ProviderError, type AccessTokenSource, type CalendarApi, type CalendarEventInput } from '../../server/providers/calendar/types.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { calendarContract } from '../support/calendar-contract.js';

const H = 3_600_000;
const base = Date.parse('2026-04-06T00:00:00Z'); // a Monday
const day = { start: base, end: base + 24 * H };
const REDIRECT = 'https://parley.test/api/connections/google/callback';
const PARLEY_SCOPES = ['openid', 'email', GOOGLE_SCOPE.events, GOOGLE_SCOPE.readonly];

let fake: FakeGoogle;
beforeAll(async () => {
  fake = await startFakeGoogle();
});
afterAll(async () => {
  await fake?.close();
});

/** Signs in at the fake (authorization code + PKCE) and returns a token source like the backend's. */
async function connect(scopes = PARLEY_SCOPES): Promise<AccessTokenSource & { granted: string[] }> {
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${fake.url}/o/oauth2/v2/auth`);
  auth.search = new URLSearchParams({
    client_id: fake.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: scopes.join(' '), state: 'st-42',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', access_type: 'offline', prompt: 'consent',
  }).toString();
  const consent = await fetch(auth, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? 'about:blank');
  const code = back.searchParams.get('code');
  if (consent.status !== 302 || !code) throw new Error(`consent failed: ${consent.status} ${back}`);
  const answer = (await (await fetch(`${fake.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: fake.clientId, client_secret: fake.clientSecret }),
  })).json()) as { access_token: string; refresh_token: string; scope: string };
  let access = answer.access_token;
  return {
    granted: answer.scope.split(' '),
    get: async () => access,
    async refresh() {
      const res = await fetch(`${fake.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: answer.refresh_token, client_id: fake.clientId, client_secret: fake.clientSecret }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (body.error === 'invalid_grant') throw new ProviderError('google', 'auth', 'Google refused the refresh token: reconnect Google Calendar');
      if (!res.ok || !body.access_token) throw new ProviderError('google', 'unavailable', `token endpoint answered ${res.status}`);
      access = body.access_token;
      return access;
    },
  };
}

type Tuning = { timeoutMs?: number; retries?: number; maxDelayMs?: number };
const apiWith = (token: AccessTokenSource, t: Tuning = {}): CalendarApi =>
  googleCalendar({ baseUrl: `${fake.url}/calendar/v3`, token, timeoutMs: t.timeoutMs ?? 5_000, retries: t.retries ?? 2, maxDelayMs: t.maxDelayMs ?? 20 });

const input = (key: string, startH: number, summary = `Interview ${key}`): CalendarEventInput => ({
  key, start: base + startH * H, end: base + startH * H + H / 2, timeZone: 'Europe/Berlin', summary,
  description: 'Phone: +49 30 1234567', attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
});

const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
const refreshes = () => fake.requests.filter((r) => r.path === '/token' && (r.body as { grant_type?: string }).grant_type === 'refresh_token').length;
const live = (calendarId: string, summary: string) => fake.events(calendarId).filter((e) => e.summary === summary && e.status !== 'cancelled');

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

calendarContract('google', async () => {
  fake.reset();
  const calendarId = fake.primaryCalendarId();
  return {
    api: apiWith(await connect()),
    calendarId,
    addForeignEvent: async (e) => void fake.addEvent(calendarId, e),
    countEvents: async (summary) => live(calendarId, summary).length,
  };
});

describe('google calendar provider', () => {
  let token: Awaited<ReturnType<typeof connect>>;
  let api: CalendarApi;
  let primary: string;
  beforeEach(async () => {
    fake.reset();
    token = await connect();
    api = apiWith(token);
    primary = fake.primaryCalendarId();
    fake.requests.length = 0;
  });

  it('makes deterministic, valid event ids', () => {
    const keys = ['parley-1', 'parley-2', 'p', '', 'parley-1f3c-9a', 'parley-ünïcødé-🙂', 'x'.repeat(5000), 'parley-'.repeat(90)];
    const ids = keys.map(googleEventId);
    for (const id of ids) {
      expect(id).toMatch(/^[a-v0-9]+$/);
      expect(id.length).toBeGreaterThanOrEqual(5);
      expect(id.length).toBeLessThanOrEqual(1024);
    }
    expect(keys.map(googleEventId)).toEqual(ids);
    expect(new Set(ids).size).toBe(keys.length);
    expect(googleEventId('parley-1')).toBe('e1gn4r35f4mj2'); // base32hex of the key: stable across releases
  });

  it('lists calendars across pages: primary first-class, subscribed ones read-only', async () => {
    const team = fake.addCalendar({ summary: 'Team interviews', role: 'writer' });
    const shared = fake.addCalendar({ summary: 'Boss (free/busy)', role: 'freeBusyReader' });
    fake.state.maxPageSize = 2;
    const calendars = await api.listCalendars();
    expect(calendars).toEqual(expect.arrayContaining([
      { id: primary, name: primary, primary: true, readOnly: false },
      { id: team, name: 'Team interviews', primary: false, readOnly: false },
      { id: shared, name: 'Boss (free/busy)', primary: false, readOnly: true },
      { id: 'en.usa#holiday@group.v.calendar.google.com', name: 'Holidays in United States', primary: false, readOnly: true },
    ]));
    expect(calendars).toHaveLength(4);
    const pages = calls('GET', /\/users\/me\/calendarList$/);
    expect(pages).toHaveLength(2);
    expect(pages[1]!.query.pageToken).toBeTruthy();
  });

  it('reads free/busy of more than 50 calendars in batches of at most 50', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => fake.addCalendar({ summary: `Room ${i}`, role: 'reader' }));
    fake.addEvent(ids[0]!, { start: base + 9 * H, end: base + 10 * H, summary: 'a' });
    fake.addEvent(ids[70]!, { start: base + 9.5 * H, end: base + 11 * H, summary: 'b' });
    fake.addEvent(ids[119]!, { start: base + 14 * H, end: base + 15 * H, summary: 'c' });
    const busy = await api.busy(ids, day);
    expect(busy).toEqual([{ start: base + 9 * H, end: base + 11 * H }, { start: base + 14 * H, end: base + 15 * H }]);
    const batches = calls('POST', /\/freeBusy$/).map((r) => (r.body as { items: unknown[] }).items.length);
    expect(batches.sort((a, b) => b - a)).toEqual([50, 50, 20]);
    const first = calls('POST', /\/freeBusy$/)[0]!.body as { timeMin: string; timeMax: string };
    expect(first.timeMin).toBe('2026-04-06T00:00:00.000Z');
    expect(first.timeMax).toBe('2026-04-07T00:00:00.000Z');
  });

  it('never reads a calendar Google could not answer for as free', async () => {
    const flaky = fake.addCalendar({ summary: 'Flaky' });
    fake.addEvent(primary, { start: base + 9 * H, end: base + 10 * H, summary: 'x' });
    fake.state.calendars.get(flaky)!.freeBusyError = 'internalError';
    const err = await failure(api.busy([primary, flaky], day));
    expect(err.kind).toBe('unavailable');
    expect(err.temporary).toBe(true);
    expect(err.message).toContain(flaky);
    const gone = await failure(api.busy([primary, 'deleted-calendar@group.calendar.google.com'], day));
    expect(gone.kind).toBe('not-found');
    expect(gone.details.reason).toBe('notFound');
  });

  it('writes the event as Google expects it: own id, local wall time, no mail from Google', async () => {
    const ref = await api.createEvent(primary, input('parley-b1', 9));
    expect(ref.externalId).toBe(googleEventId('parley-b1'));
    expect(ref.etag).toBeTruthy();
    const [insert] = calls('POST', /\/calendars\/[^/]+\/events$/);
    expect(insert!.query.sendUpdates).toBe('none');
    expect(insert!.body).toMatchObject({
      id: googleEventId('parley-b1'),
      summary: 'Interview parley-b1',
      description: 'Phone: +49 30 1234567',
      start: { dateTime: '2026-04-06T11:00:00+02:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-04-06T11:30:00+02:00', timeZone: 'Europe/Berlin' },
      attendees: [{ email: 'carla@example.com', displayName: 'Carla Candidate' }],
      reminders: { useDefault: true },
    });
    expect(insert!.path).toBe(`/calendar/v3/calendars/${encodeURIComponent(primary)}/events`);
  });

  it('refreshes the token once on a 401 and carries on; a second 401 is an auth failure', async () => {
    fake.fault({ path: /calendarList/, times: 1 }, 'expired-token');
    expect((await api.listCalendars()).length).toBeGreaterThan(0);
    expect(refreshes()).toBe(1);
    expect(calls('GET', /calendarList/)).toHaveLength(2);

    fake.requests.length = 0;
    fake.fault({ path: /calendarList/, times: 2 }, 'expired-token');
    const err = await failure(api.listCalendars());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/reconnect/i);
    expect(refreshes()).toBe(1);
  });

  it('is an auth failure when the grant was revoked', async () => {
    const refreshToken = [...fake.state.refreshTokens.keys()][0]!;
    const revoke = await fetch(`${fake.url}/revoke`, { method: 'POST', body: new URLSearchParams({ token: refreshToken }) });
    expect(revoke.status).toBe(200);
    const err = await failure(api.busy([primary], day));
    expect(err.kind).toBe('auth');
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const slowApi = apiWith(token, { retries: 2, maxDelayMs: 3_000 });
    fake.fault({ method: 'POST', path: /\/freeBusy$/, times: 1 }, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    expect(await slowApi.busy([primary], day)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls('POST', /\/freeBusy$/)).toHaveLength(2);
  });

  it('retries 5xx and rate-limit 403s, and gives up after the retries it was given', async () => {
    fake.fault({ path: /\/freeBusy$/, times: 2 }, { status: 500 });
    expect(await api.busy([primary], day)).toEqual([]);
    expect(calls('POST', /\/freeBusy$/)).toHaveLength(3);

    fake.requests.length = 0;
    fake.fault({ path: /\/freeBusy$/, times: 1 }, 'rate-limit-403');
    expect(await api.busy([primary], day)).toEqual([]);
    expect(calls('POST', /\/freeBusy$/)).toHaveLength(2);

    fake.requests.length = 0;
    fake.fault({ path: /\/freeBusy$/, times: 3 }, { status: 503 }); // exactly what 1 + 2 retries use up
    const down = await failure(api.busy([primary], day));
    expect(down.kind).toBe('unavailable');
    expect(down.details.status).toBe(503);
    expect(calls('POST', /\/freeBusy$/)).toHaveLength(3); // 1 + retries (2)

    fake.requests.length = 0;
    fake.fault({ path: /\/freeBusy$/, times: 3 }, 'rate-limit-403');
    const limited = await failure(api.busy([primary], day));
    expect(limited.kind).toBe('rate-limit');
    expect(calls('POST', /\/freeBusy$/)).toHaveLength(3);
  });

  it('times out on a slow answer, and a retried create still leaves exactly one event', async () => {
    const impatient = apiWith(token, { timeoutMs: 150, retries: 0 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 600 });
    const err = await failure(impatient.createEvent(primary, input('parley-slow', 9)));
    expect(err.kind).toBe('timeout');
    expect(err.temporary).toBe(true);
    // Google carried out the insert although Parley stopped waiting.
    expect(live(primary, 'Interview parley-slow')).toHaveLength(1);
    const again = await impatient.createEvent(primary, input('parley-slow', 9));
    expect(again.externalId).toBe(googleEventId('parley-slow'));
    expect(live(primary, 'Interview parley-slow')).toHaveLength(1);

    // The same inside one call: the client's own retry after the timeout meets the 409 and adopts.
    const patient = apiWith(token, { timeoutMs: 150, retries: 1 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 600 });
    const ref = await patient.createEvent(primary, input('parley-slow-2', 11));
    expect(ref.externalId).toBe(googleEventId('parley-slow-2'));
    expect(live(primary, 'Interview parley-slow-2')).toHaveLength(1);
  });

  it('names the permission the user did not grant', async () => {
    fake.grantedScopes = ['openid', 'email', GOOGLE_SCOPE.readonly]; // "View and edit events" unticked
    const partial = await connect();
    expect(partial.granted).not.toContain(GOOGLE_SCOPE.events);
    const limited = apiWith(partial);
    expect(await limited.busy([primary], day)).toEqual([]); // reading still works
    const err = await failure(limited.createEvent(primary, input('parley-scope', 9)));
    expect(err.kind).toBe('scope');
    expect(err.details.missing).toEqual([GOOGLE_SCOPE.events]);
    expect(err.message).toMatch(/permission/i);
    expect(fake.events(primary)).toHaveLength(0);

    fake.fault({ path: /\/freeBusy$/ }, 'missing-scope');
    const reading = await failure(api.busy([primary], day));
    expect(reading.kind).toBe('scope');
    expect(reading.details.missing).toEqual([GOOGLE_SCOPE.readonly]);
  });

  it('says so when the Google account has no Google Calendar', async () => {
    fake.fault({ path: /calendarList/ }, 'not-calendar-user');
    const err = await failure(api.listCalendars());
    expect(err.kind).toBe('account');
    expect(err.details.reason).toBe('not-calendar-user');
    expect(err.message).toContain('This Google account has no Google Calendar');

    fake.state.users.get(primary)!.calendarUser = false;
    expect((await failure(api.busy([primary], day))).details.reason).toBe('not-calendar-user');
  });

  it('revives the event when a deleted key is created again', async () => {
    const first = await api.createEvent(primary, input('parley-again', 9));
    await api.deleteEvent(primary, first);
    expect(fake.events(primary).map((e) => e.status)).toEqual(['cancelled']);
    // The very same booking again (say, a cancellation undone): Google answers 409 for the id.
    const again = await api.createEvent(primary, input('parley-again', 9));
    expect(again.externalId).toBe(first.externalId);
    expect(again.etag).not.toBe(first.etag);
    expect(fake.events(primary)).toEqual([
      expect.objectContaining({ id: first.externalId, status: 'confirmed', start: new Date(base + 9 * H).toISOString() }),
    ]);
    expect(calls('PATCH', /events\//).map((r) => (r.body as { status?: string }).status)).toEqual(['confirmed']);
    expect(await api.busy([primary], day)).toEqual([{ start: base + 9 * H, end: base + 9.5 * H }]);
  });

  it('adopts an existing event for the key and brings it up to date', async () => {
    const first = await api.createEvent(primary, input('parley-moved', 9));
    const same = await api.createEvent(primary, input('parley-moved', 9));
    expect(same).toEqual(first); // adopted as it is: nothing written
    expect(calls('PATCH', /events\//)).toHaveLength(0);
    const moved = await api.createEvent(primary, input('parley-moved', 15));
    expect(moved.externalId).toBe(first.externalId);
    expect(live(primary, 'Interview parley-moved')).toEqual([expect.objectContaining({ start: new Date(base + 15 * H).toISOString() })]);
  });

  it('refuses writes it may not make, in words a recruiter can act on', async () => {
    const holidays = 'en.usa#holiday@group.v.calendar.google.com';
    const readOnly = await failure(api.createEvent(holidays, input('parley-ro', 9)));
    expect(readOnly.kind).toBe('invalid');
    expect(readOnly.details.reason).toBe('requiredAccessLevel');
    expect(readOnly.message).toMatch(/only read/);

    const invited = fake.addEvent(primary, { start: base + 9 * H, end: base + 10 * H, summary: 'Their meeting', organizer: 'boss@example.com' });
    const notMine = await failure(api.updateEvent(primary, { externalId: invited }, input('parley-x', 10)));
    expect(notMine.kind).toBe('invalid');
    expect(notMine.details.reason).toBe('forbiddenForNonOrganizer');
    expect(notMine.message).toMatch(/organizer/);

    const missing = await failure(api.updateEvent(primary, { externalId: googleEventId('parley-never') }, input('parley-never', 9)));
    expect(missing.kind).toBe('not-found');
  });
});

describe('the fake Google sign-in', () => {
  beforeEach(() => fake.reset());
  const authorize = (extra: Record<string, string> = {}) => {
    const u = new URL(`${fake.url}/o/oauth2/v2/auth`);
    u.search = new URLSearchParams({
      client_id: fake.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: PARLEY_SCOPES.join(' '), state: 'abc',
      code_challenge: createHash('sha256').update('v'.repeat(43)).digest('base64url'), code_challenge_method: 'S256', access_type: 'offline', ...extra,
    }).toString();
    return fetch(u, { redirect: 'manual' });
  };

  it('sends errors back to the redirect URI with the state, and refuses a wrong PKCE verifier', async () => {
    fake.authorizeError = 'access_denied';
    const denied = new URL((await authorize()).headers.get('location')!);
    expect(denied.origin + denied.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', state: 'abc' });

    fake.authorizeError = undefined;
    expect((await authorize({ code_challenge_method: 'plain' })).status).toBe(400);
    const ok = new URL((await authorize()).headers.get('location')!);
    const code = ok.searchParams.get('code')!;
    const exchange = (verifier: string) => fetch(`${fake.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: fake.clientId, client_secret: fake.clientSecret }),
    });
    const wrong = await exchange('w'.repeat(43));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    // Codes are single-use: even the right verifier cannot use it now.
    expect((await (await exchange('v'.repeat(43))).json()) as object).toMatchObject({ error: 'invalid_grant' });

    const fresh = new URL((await authorize()).headers.get('location')!).searchParams.get('code')!;
    const good = await fetch(`${fake.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: fresh, code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT, client_id: fake.clientId, client_secret: fake.clientSecret }),
    });
    const tokens = (await good.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string; id_token?: string };
    expect(tokens).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    expect(tokens.refresh_token).toBeTruthy();
    const claims = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1]!, 'base64url').toString()) as { email: string; aud: string };
    expect(claims).toMatchObject({ email: 'recruiter@example.com', aud: fake.clientId });
    const me = await fetch(`${fake.url}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toMatchObject({ email: 'recruiter@example.com', email_verified: true });
  });
});
