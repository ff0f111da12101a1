import { createHash, randomBytes } from 'node:crypto';
import { HTTPError, TimeoutError } from 'ky';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { graphProviderError, microsoftCalendar, toIana, type MicrosoftCalendarOptions } from '../../server/providers/calendar/microsoft.js';
import { ProviderError, type AccessTokenSource, type CalendarEventInput } from '../../server/providers/calendar/types.js';
import { calendarContract } from '../support/calendar-contract.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft/index.js';

const H = 3_600_000;
const base = Date.parse('2026-04-06T00:00:00Z'); // a Monday
const day = { start: base, end: base + 24 * H };
const REDIRECT = 'http://127.0.0.1:9/oauth/microsoft/callback';
const SCOPE = 'openid profile email offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Calendars.ReadWrite';

const fakes: FakeMicrosoft[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fakeMicrosoft(setup: (f: FakeMicrosoft) => void = () => {}) {
  const fake = await startFakeMicrosoft();
  fakes.push(fake);
  setup(fake);
  return fake;
}

/** Authorization code + PKCE against the fake, as the backend does: returns the code's redirect. */
async function authorize(fake: FakeMicrosoft, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const u = new URL(`${fake.url}/common/oauth2/v2.0/authorize`);
  const all: Record<string, string> = {
    client_id: fake.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: SCOPE,
    state: 'st-123',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== '') u.searchParams.set(k, v);
  const res = await fetch(u, { redirect: 'manual' });
  return { res, verifier, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : undefined };
}

async function tokenRequest(fake: FakeMicrosoft, form: Record<string, string>) {
  const res = await fetch(`${fake.url}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: fake.clientId, client_secret: fake.clientSecret, ...form }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A connected account: the OAuth dance, then a token source that refreshes with the refresh token. */
async function connect(fake: FakeMicrosoft) {
  const { location, verifier } = await authorize(fake);
  const code = location?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location}`);
  const first = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  if (first.status !== 200) throw new Error(JSON.stringify(first.body));
  let access = first.body.access_token as string;
  let refresh = first.body.refresh_token as string;
  const source: AccessTokenSource & { refreshes: number; grantedScope: string } = {
    refreshes: 0,
    grantedScope: first.body.scope,
    get: async () => access,
    refresh: async () => {
      source.refreshes++;
      const r = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: refresh });
      if (r.status !== 200) throw new ProviderError('microsoft', 'auth', `refresh refused: ${r.body.error}`, { reason: r.body.error });
      access = r.body.access_token;
      refresh = r.body.refresh_token ?? refresh;
      return access;
    },
  };
  return source;
}

async function connected(fake: FakeMicrosoft, opts: Partial<MicrosoftCalendarOptions> = {}) {
  const token = await connect(fake);
  const api = microsoftCalendar({ baseUrl: `${fake.url}/v1.0`, token, mailbox: fake.account.email, timeoutMs: 2_000, retries: 2, maxDelayMs: 100, ...opts });
  return { api, token };
}

const event = (key: string, startH: number, summary = `Interview ${key}`): CalendarEventInput => ({
  key,
  start: base + startH * H,
  end: base + startH * H + H / 2,
  timeZone: 'Europe/Berlin',
  summary,
  description: 'Phone: +49 30 1234567',
  attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
});

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spans = (list: { start: number; end: number }[]) => list.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()]);

// ---- the contract, on the default calendar (getSchedule) and on another one (calendarView) ----

for (const which of ['default', 'secondary'] as const) {
  calendarContract(`microsoft (${which} calendar)`, async () => {
    const fake = await fakeMicrosoft((f) => (f.pageSize = 2));
    const { api } = await connected(fake);
    const calendarId = which === 'default' ? fake.defaultCalendarId : fake.secondaryCalendarId;
    return {
      api,
      calendarId,
      addForeignEvent: async (e) => void fake.addEvent(calendarId, e),
      countEvents: async (summary) => fake.events(calendarId).filter((e) => e.subject === summary).length,
      withoutChangeMark: true,
    };
  });
}

describe('microsoft: reading calendars', () => {
  it('lists every calendar across pages, with the default one primary and shared ones read-only', async () => {
    const fake = await fakeMicrosoft((f) => (f.pageSize = 2));
    const { api } = await connected(fake);
    const calendars = await api.listCalendars();
    expect(calendars).toHaveLength(4);
    expect(calendars.find((c) => c.id === fake.defaultCalendarId)).toMatchObject({ name: 'Calendar', primary: true, readOnly: false });
    expect(calendars.find((c) => c.id === fake.secondaryCalendarId)).toMatchObject({ primary: false, readOnly: false });
    expect(calendars.find((c) => c.id === fake.sharedCalendarId)).toMatchObject({ primary: false, readOnly: true });
    expect(fake.requests.filter((r) => r.path === '/v1.0/me/calendars')).toHaveLength(2);
  });

  it('asks getSchedule for the default calendar in UTC and counts tentative, away and elsewhere as busy', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake);
    const cal = fake.defaultCalendarId;
    fake.addEvent(cal, { start: base + 8 * H, end: base + 9 * H, summary: 'Maybe', showAs: 'tentative' });
    fake.addEvent(cal, { start: base + 10 * H, end: base + 11 * H, summary: 'Dentist', showAs: 'oof' });
    fake.addEvent(cal, { start: base + 12 * H, end: base + 13 * H, summary: 'Other office', showAs: 'workingElsewhere' });
    fake.addEvent(cal, { start: base + 14 * H, end: base + 15 * H, summary: 'Focus (free)', showAs: 'free' });
    fake.addEvent(cal, { start: base + 15 * H, end: base + 16 * H, summary: 'Review' });
    fake.addEvent(cal, { start: base + 15.5 * H, end: base + 17 * H, summary: 'Overlapping' });
    const busy = await api.busy([cal], day);
    expect(busy.map((b) => [(b.start - base) / H, (b.end - base) / H])).toEqual([[8, 9], [10, 11], [12, 13], [15, 17]]);
    const call = fake.requests.find((r) => r.path === '/v1.0/me/calendar/getSchedule')!;
    expect(call.body).toMatchObject({ schedules: [fake.account.email], startTime: { dateTime: '2026-04-06T00:00:00', timeZone: 'UTC' }, endTime: { dateTime: '2026-04-07T00:00:00', timeZone: 'UTC' } });
    expect(call.headers.prefer).toContain('outlook.timezone="UTC"');
    expect(fake.requests.some((r) => r.path.endsWith('/calendarView'))).toBe(false);
  });

  it('reads Windows zone names in answers, across a DST change, for both ways of reading', async () => {
    const fake = await fakeMicrosoft((f) => (f.windowsTimeZones = true));
    const { api } = await connected(fake);
    // US DST starts 2026-03-08: 10:00 in Los Angeles is 18:00Z before and 17:00Z after,
    // while Graph names the zone "Pacific Standard Time" on both dates.
    const before = Date.parse('2026-03-06T18:00:00Z');
    const after = Date.parse('2026-03-10T17:00:00Z');
    const range = { start: Date.parse('2026-03-05T00:00:00Z'), end: Date.parse('2026-03-12T00:00:00Z') };
    for (const cal of [fake.defaultCalendarId, fake.secondaryCalendarId]) {
      fake.addEvent(cal, { start: before, end: before + H, summary: 'Before DST', timeZone: 'Pacific Standard Time' });
      fake.addEvent(cal, { start: after, end: after + H, summary: 'After DST', timeZone: 'Pacific Standard Time' });
      fake.addEvent(cal, { start: after + 3 * H, end: after + 4 * H, summary: 'In Berlin', timeZone: 'W. Europe Standard Time' });
      const busy = await api.busy([cal], range);
      expect(spans(busy)).toEqual([
        ['2026-03-06T18:00:00.000Z', '2026-03-06T19:00:00.000Z'],
        ['2026-03-10T17:00:00.000Z', '2026-03-10T18:00:00.000Z'],
        ['2026-03-10T20:00:00.000Z', '2026-03-10T21:00:00.000Z'],
      ]);
    }
    // The answers really were in Windows names and local times (Prefer: outlook.timezone ignored).
    const raw = await fetch(
      `${fake.url}/v1.0/me/calendars/${encodeURIComponent(fake.secondaryCalendarId)}/calendarView?startDateTime=2026-03-10T00:00:00Z&endDateTime=2026-03-11T00:00:00Z`,
      { headers: { authorization: `Bearer ${fake.issueAccessToken()}`, prefer: 'outlook.timezone="UTC"' } },
    ).then((r) => r.json() as Promise<{ value: { start: { dateTime: string; timeZone: string } }[] }>);
    expect(raw.value[0]!.start).toEqual({ dateTime: '2026-03-10T10:00:00.0000000', timeZone: 'Pacific Standard Time' });
  });

  it('throws when getSchedule answers an error for the mailbox, never "free"', async () => {
    const fake = await fakeMicrosoft();
    fake.addEvent(fake.defaultCalendarId, { start: base + 9 * H, end: base + 10 * H, summary: 'Busy' });
    const { api } = await connected(fake, { mailbox: 'shared-inbox@contoso.onmicrosoft.com' });
    const err = await rejection(api.busy([fake.defaultCalendarId], day));
    expect(err.kind).toBe('account');
    expect(err.details.reason).toBe('no-mailbox');
    expect(err.message).toContain('shared-inbox@contoso.onmicrosoft.com');
  });
});

describe('microsoft: tokens and faults', () => {
  it('refreshes the token once on 401 and carries on, for reads and creates', async () => {
    const fake = await fakeMicrosoft();
    const { api, token } = await connected(fake);
    fake.fault({ method: 'GET', path: /^\/v1\.0\/me\/calendars$/, times: 1 }, 'expired-token');
    expect(await api.listCalendars()).toHaveLength(4);
    expect(token.refreshes).toBe(1);

    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, 'expired-token');
    const ref = await api.createEvent(fake.secondaryCalendarId, event('r1', 9));
    expect(token.refreshes).toBe(2);
    expect(fake.events(fake.secondaryCalendarId).map((e) => e.id)).toEqual([ref.externalId]);

    fake.expireAccessTokens(); // the hour is up: the real 401, not a fault
    expect(await api.busy([fake.secondaryCalendarId], day)).toEqual([{ start: base + 9 * H, end: base + 9.5 * H }]);
    expect(token.refreshes).toBe(3);
  });

  it('gives up with `auth` when the refreshed token is refused too, or the grant is revoked', async () => {
    const fake = await fakeMicrosoft();
    const { api, token } = await connected(fake);
    fake.fault({ path: /^\/v1\.0\/me\/calendars$/, times: 2 }, 'expired-token');
    const err = await rejection(api.listCalendars());
    expect(err.kind).toBe('auth');
    expect(err.details.status).toBe(401);
    expect(token.refreshes).toBe(1);

    fake.revokeRefreshTokens();
    fake.expireAccessTokens();
    expect((await rejection(api.listCalendars())).kind).toBe('auth');
  });

  it('waits for Retry-After on 429 and then succeeds; reports `rate-limit` when out of retries', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake, { maxDelayMs: 5_000 });
    fake.fault({ path: /^\/v1\.0\/me\/calendars$/, times: 1 }, { status: 429, retryAfterSeconds: 1 });
    expect(await api.listCalendars()).toHaveLength(4);
    const calls = fake.requests.filter((r) => r.path === '/v1.0/me/calendars');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);

    const { api: noRetry } = await connected(fake, { retries: 0 });
    fake.fault({ path: /^\/v1\.0\/me\/calendars$/, times: 1 }, { status: 429, retryAfterSeconds: 7 });
    const err = await rejection(noRetry.listCalendars());
    expect(err.kind).toBe('rate-limit');
    expect(err.details.retryAfterMs).toBe(7_000);
    expect(err.temporary).toBe(true);
  });

  it('retries a 500 and succeeds', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake);
    fake.addEvent(fake.secondaryCalendarId, { start: base + 9 * H, end: base + 10 * H, summary: 'Sync' });
    fake.fault({ path: /\/calendarView$/, times: 1 }, { status: 500 });
    expect(await api.busy([fake.secondaryCalendarId], day)).toEqual([{ start: base + 9 * H, end: base + 10 * H }]);
    expect(fake.requests.filter((r) => r.path.endsWith('/calendarView'))).toHaveLength(2);
  });

  it('stops after the configured retries with `unavailable`', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake, { retries: 2, maxDelayMs: 20 });
    fake.fault({ path: /\/calendarView$/ }, { status: 503 });
    const err = await rejection(api.busy([fake.secondaryCalendarId], day));
    expect(err.kind).toBe('unavailable');
    expect(err.details.status).toBe(503);
    expect(fake.requests.filter((r) => r.path.endsWith('/calendarView'))).toHaveLength(3);
  });

  it('reports `timeout` when Graph does not answer in time', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake, { timeoutMs: 150, retries: 0 });
    fake.fault({ path: /^\/v1\.0\/me\/calendars$/, times: 1 }, { delayMs: 600 });
    const started = Date.now();
    const err = await rejection(api.listCalendars());
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(550);
  });

  it('a create retried after a timeout leaves one event (transactionId)', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake, { timeoutMs: 200, retries: 2, maxDelayMs: 20 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 450 });
    const ref = await api.createEvent(fake.defaultCalendarId, event('t1', 9));
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'));
    expect(posts).toHaveLength(2);
    expect(posts[0]!.status).toBeUndefined(); // the first, timed-out POST is still being carried out…
    for (let i = 0; i < 100 && posts[0]!.status === undefined; i++) await sleep(10);
    expect(posts[0]!.status).toBe(201); // …and now it has been, after the retry made the event
    expect((posts[0]!.body as { transactionId: string }).transactionId).toBe((posts[1]!.body as { transactionId: string }).transactionId);
    expect(fake.events(fake.defaultCalendarId).map((e) => e.id)).toEqual([ref.externalId]);
  });

  it('a create retried long after a timed-out one adopts the event it made (extended property), not a second one', async () => {
    const fake = await fakeMicrosoft((f) => (f.honourTransactionId = false));
    const { api } = await connected(fake, { timeoutMs: 150, retries: 0 });
    fake.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 300 });
    expect((await rejection(api.createEvent(fake.secondaryCalendarId, event('t2', 9)))).kind).toBe('timeout');
    for (let i = 0; i < 50 && fake.events(fake.secondaryCalendarId).length === 0; i++) await sleep(20);
    const landed = fake.events(fake.secondaryCalendarId);
    expect(landed).toHaveLength(1); // Graph did create it after Parley gave up
    const ref = await api.createEvent(fake.secondaryCalendarId, event('t2', 9));
    expect(ref.externalId).toBe(landed[0]!.id);
    expect(fake.events(fake.secondaryCalendarId)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'))).toHaveLength(1);
    // A key that differs only in case is another booking: Graph's filter matches it, Parley does not adopt it.
    const other = await api.createEvent(fake.secondaryCalendarId, event('T2', 11));
    expect(other.externalId).not.toBe(ref.externalId);
    expect(fake.events(fake.secondaryCalendarId)).toHaveLength(2);
  });

  it('maps a missing Calendars.ReadWrite grant to `scope`', async () => {
    const readOnly = await fakeMicrosoft((f) => (f.grantedScopes = ['User.Read', 'Calendars.Read']));
    const { api, token } = await connected(readOnly);
    expect(token.grantedScope).not.toContain('Calendars.ReadWrite');
    expect(await api.busy([readOnly.defaultCalendarId], day)).toEqual([]); // reading is allowed
    const err = await rejection(api.createEvent(readOnly.defaultCalendarId, event('s1', 9)));
    expect(err.kind).toBe('scope');
    expect(err.details.missing).toEqual(['Calendars.ReadWrite']);
    expect(err.message).toMatch(/permission/i);

    const userOnly = await fakeMicrosoft((f) => (f.grantedScopes = ['User.Read']));
    expect((await rejection((await connected(userOnly)).api.listCalendars())).kind).toBe('scope');

    const fault = await fakeMicrosoft();
    const { api: faulted } = await connected(fault);
    fault.fault({ path: /\/calendarView$/ }, 'missing-scope');
    expect((await rejection(faulted.busy([fault.secondaryCalendarId], day))).kind).toBe('scope');
  });

  it.each([
    ['on-premise', 'mailbox-on-premise-or-inactive', /Your mailbox may be inactive, soft-deleted, or hosted on-premise/],
    ['inactive', 'mailbox-on-premise-or-inactive', /Your mailbox may be inactive, soft-deleted, or hosted on-premise/],
    ['no-mailbox', 'no-mailbox', /does not have a mailbox or calendar/],
  ] as const)('maps mailbox state %s to `account` (%s)', async (state, reason, wording) => {
    const fake = await fakeMicrosoft((f) => (f.mailboxState = state));
    const { api } = await connected(fake);
    for (const call of [() => api.listCalendars(), () => api.busy([fake.defaultCalendarId], day), () => api.deleteEvent(fake.defaultCalendarId, { externalId: 'AAMkADgone=' })]) {
      const err = await rejection(call());
      expect(err.kind).toBe('account');
      expect(err.details.reason).toBe(reason);
      expect(err.message).toMatch(wording);
    }
  });

  it('keeps at most 4 requests in flight per mailbox, so 12 parallel look-ups are never throttled', async () => {
    const fake = await fakeMicrosoft();
    fake.addEvent(fake.defaultCalendarId, { start: base + 9 * H, end: base + 10 * H, summary: 'Sync' });
    const { api } = await connected(fake, { retries: 0 }); // no retries: any 429 would reach the caller
    fake.fault({ method: 'POST', path: /getSchedule$/ }, { delayMs: 80 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => api.busy([fake.defaultCalendarId], day)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value.length === 1)).toBe(true);
    expect(fake.throttled).toBe(0);
    expect(fake.peakConcurrency).toBe(4);

    // Without the limiter's protection, the fake does throttle: the check above can fail.
    const control = await fakeMicrosoft();
    const { api: unlimited } = await connected(control, { retries: 0, maxConcurrent: 12 });
    control.fault({ method: 'POST', path: /getSchedule$/ }, { delayMs: 80 });
    const raw = await Promise.allSettled(Array.from({ length: 12 }, () => unlimited.busy([control.defaultCalendarId], day)));
    const refused = raw.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.reason instanceof ProviderError && r.reason.kind === 'rate-limit')).toBe(true);
    expect(control.throttled).toBeGreaterThan(0);
  });
});

describe('microsoft: writes', () => {
  it('creates the event in the recruiter\'s zone with attendees, a transactionId and the key property', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake);
    await api.createEvent(fake.secondaryCalendarId, event('w1', 9));
    const post = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/events'))!;
    const body = post.body as Record<string, any>;
    expect(body.start).toEqual({ dateTime: '2026-04-06T11:00:00.000', timeZone: 'Europe/Berlin' });
    expect(body.body).toEqual({ contentType: 'text', content: 'Phone: +49 30 1234567' });
    expect(body.attendees).toEqual([{ type: 'required', emailAddress: { address: 'carla@example.com', name: 'Carla Candidate' } }]);
    expect(body.singleValueExtendedProperties).toEqual([{ id: expect.stringMatching(/^String \{[0-9a-f-]{36}\} Name /), value: 'w1' }]);
    expect(body.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    const [stored] = fake.events(fake.secondaryCalendarId);
    expect(stored).toMatchObject({ start: '2026-04-06T09:00:00.000Z', end: '2026-04-06T09:30:00.000Z', transactionId: body.transactionId });
  });

  it('reports `not-found` when updating an event the recruiter deleted in Outlook; refuses the read-only calendar', async () => {
    const fake = await fakeMicrosoft();
    const { api } = await connected(fake);
    const ref = await api.createEvent(fake.secondaryCalendarId, event('w2', 9));
    await api.deleteEvent(fake.secondaryCalendarId, ref);
    expect((await rejection(api.updateEvent(fake.secondaryCalendarId, ref, event('w2', 10)))).kind).toBe('not-found');
    const denied = await rejection(api.createEvent(fake.sharedCalendarId, event('w3', 9)));
    expect(denied.details.status).toBe(403);
    expect(fake.events(fake.sharedCalendarId)).toHaveLength(0);
  });
});

describe('microsoft: mappings', () => {
  it('maps Windows zone names to IANA and lets IANA names through', () => {
    expect(toIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(toIana('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(toIana('Europe/Berlin')).toBe('Europe/Berlin');
    expect(toIana('America/Sao_Paulo')).toBe('America/Sao_Paulo');
    expect(toIana('UTC')).toBe('UTC');
    expect(toIana('tzone://Microsoft/Utc')).toBe('UTC');
    const offset = (name: string, iso: string) => DateTime.fromISO(iso, { zone: toIana(name) }).offset;
    expect(offset('Pacific Standard Time', '2026-01-15T12:00:00')).toBe(-480);
    expect(offset('Pacific Standard Time', '2026-07-15T12:00:00')).toBe(-420);
    expect(offset('India Standard Time', '2026-07-15T12:00:00')).toBe(330);
    expect(offset('Nepal Standard Time', '2026-07-15T12:00:00')).toBe(345);
    expect(offset('Dateline Standard Time', '2026-07-15T12:00:00')).toBe(-720);
    expect(offset('AUS Eastern Standard Time', '2026-01-15T12:00:00')).toBe(660);
  });

  const httpError = (status: number, body: unknown, path = '/v1.0/me/calendars', headers: Record<string, string> = {}) =>
    new HTTPError(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }),
      new Request(`https://graph.microsoft.com${path}`),
      {} as ConstructorParameters<typeof HTTPError>[2],
    );
  const graph = (code: string, message = '') => ({ error: { code, message, innerError: { date: '2026-04-06T09:00:00', 'request-id': 'x' } } });

  it.each([
    [401, graph('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'), '/v1.0/me/calendars', 'auth', undefined],
    [401, graph('ErrorMailboxNotFound'), '/v1.0/me/calendar', 'account', 'no-mailbox'],
    [404, graph('ResourceNotFound', 'Resource could not be discovered.'), '/v1.0/me/calendar', 'account', 'no-mailbox'],
    [404, graph('MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.'), '/v1.0/me/events/x', 'account', 'mailbox-on-premise-or-inactive'],
    [404, graph('ErrorInvalidUser', "The requested user 'x' is invalid."), '/v1.0/me/calendar', 'account', 'invalid-user'],
    [404, graph('ErrorItemNotFound', 'The specified object was not found in the store.'), '/v1.0/me/events/x', 'not-found', 'ErrorItemNotFound'],
    [403, graph('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), '/v1.0/me/calendars', 'scope', 'Authorization_RequestDenied'],
    [503, graph('ServiceNotAvailable'), '/v1.0/me/calendars', 'unavailable', 'ServiceNotAvailable'],
    [412, graph('ErrorIrresolvableConflict'), '/v1.0/me/events/x', 'conflict', 'ErrorIrresolvableConflict'],
    [400, graph('TimeZoneNotSupportedException', "The following TimeZone value is not supported: 'Mars'."), '/v1.0/me/events', 'invalid', 'TimeZoneNotSupportedException'],
  ] as const)('maps %i %j to %s', async (status, body, path, kind, reason) => {
    const err = await graphProviderError(httpError(status, body, path));
    expect(err.kind).toBe(kind);
    expect(err.details.status).toBe(status);
    if (reason) expect(err.details.reason).toBe(reason);
  });

  it('keeps Retry-After on 429 and maps timeouts', async () => {
    const throttled = await graphProviderError(httpError(429, graph('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'), '/v1.0/me/calendar/getSchedule', { 'retry-after': '3' }));
    expect(throttled).toMatchObject({ kind: 'rate-limit', details: { retryAfterMs: 3_000 } });
    expect((await graphProviderError(new TimeoutError(new Request('https://graph.microsoft.com/v1.0/me')))).kind).toBe('timeout');
  });
});

describe('fake Entra ID', () => {
  it('redirects authorize errors back with the AADSTS description and the state', async () => {
    const fake = await fakeMicrosoft((f) => {
      f.authorizeError = { error: 'access_denied', description: 'AADSTS65001: The user or administrator has not consented to use the application.' };
    });
    const { res, location } = await authorize(fake);
    expect(res.status).toBe(302);
    expect(location!.origin + location!.pathname).toBe(REDIRECT);
    expect(location!.searchParams.get('error')).toBe('access_denied');
    expect(location!.searchParams.get('error_description')).toMatch(/^AADSTS65001/);
    expect(location!.searchParams.get('state')).toBe('st-123');

    fake.authorizeError = undefined;
    const noPkce = await authorize(fake, { code_challenge: '', code_challenge_method: '' });
    expect(noPkce.location!.searchParams.get('error')).toBe('invalid_request');
    const plain = await authorize(fake, { code_challenge_method: 'plain' });
    expect(plain.location!.searchParams.get('error')).toBe('invalid_request');
    expect((await authorize(fake, { client_id: 'someone-else' })).res.status).toBe(400);
  });

  it('checks the PKCE verifier, the client secret and single use of codes, with Entra error bodies', async () => {
    const fake = await fakeMicrosoft();
    const a = await authorize(fake);
    const code = a.location!.searchParams.get('code')!;
    const wrongVerifier = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    expect(wrongVerifier.body.error_description).toMatch(/^AADSTS501481: /);

    const badSecret = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: a.verifier, client_secret: 'nope' });
    expect(badSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const ok = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: a.verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
    const claims = JSON.parse(Buffer.from(ok.body.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: fake.clientId, email: fake.account.email, tid: fake.tenantId });

    const again = await tokenRequest(fake, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: a.verifier });
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });

    const refreshed = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token });
    expect(refreshed.status).toBe(200);
    fake.revokeRefreshTokens();
    const revoked = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token });
    expect(revoked.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });
});
