import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootParley, type Parley } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase, type Database } from '../../server/db.js';
import { createMailer } from '../../server/mail.js';
import { consume, ipBucket, LIMITS, sweepRateLimits } from '../../server/rate-limit.js';
import { forwardedClient } from '../../server/routes/client-key.js';
import { form, useParley } from './harness.js';

/*
 * Rate limits live in Postgres, so they hold across backend processes: a second Parley on the same
 * database (another pool on Postgres; the same PGlite, which allows one process) shares them.
 */
const t = useParley();
const TUE_9AM = '2026-03-03T14:00:00.000Z';
type Json = Record<string, any>;

// The harness keeps the clock on the same minute in every test: start each with no counts.
beforeEach(async () => {
  await t.db().query('delete from rate_limits');
});
let second: { parley: Parley; db?: Database } | undefined;
afterEach(async () => {
  await second?.parley.close();
  await second?.db?.close();
  second = undefined;
});

/** Another Parley process on the same database, with the test's clock. */
async function secondProcess(env: Record<string, string> = {}): Promise<Parley> {
  let db = t.db();
  let own: Database | undefined;
  if (process.env.DATABASE_URL) {
    const [{ schema }] = (await t.db().query<{ schema: string }>('select current_schema() as schema')) as [{ schema: string }];
    const url = new URL(process.env.DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema},public`);
    db = own = await openDatabase({ databaseUrl: url.toString() });
  }
  const config = loadConfig({ PUBLIC_URL: 'http://parley.test', PARLEY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), DATA_DIR: '/nonexistent-parley-test', ...env });
  const parley = await bootParley(config, { db, clock: () => t.state.now, startJobs: false, mailer: createMailer({ from: 'x@parley.test', outbox: () => undefined }) });
  second = { parley, db: own };
  return parley;
}

/** A request from a given client address (what @hono/node-server's getConnInfo reads). */
const from = (parley: Parley, ip: string, path: string, init: RequestInit = {}) =>
  parley.app.request(`http://parley.test${path}`, init, { incoming: { socket: { remoteAddress: ip } } });
const jsonBody = (body: unknown, extra: HeadersInit = {}): RequestInit => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...extra } });

describe('rate limits across processes', () => {
  it('wrong passwords for one address, whichever process answers, then again after the window', async () => {
    await t.recruiter();
    const b = await secondProcess();
    const apps = [t.state.parley, b];
    const wrong = { email: 'rita@example.com', password: 'not the password' };
    for (let i = 0; i < LIMITS.signInPerAddress.limit; i++) {
      // Alternate processes and addresses: the limit is the account's.
      const res = await from(apps[i % 2]!, `198.51.100.${i}`, '/api/auth/login', jsonBody(wrong));
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const locked = await from(apps[0]!, '198.51.100.200', '/api/auth/login', jsonBody({ ...wrong, password: 'correct horse battery' }));
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(((await locked.json()) as Json).error.message).toMatch(/^Too many attempts\. Please wait (\d+ (seconds|minutes)|a minute) and try again\.$/);
    // Another account is not affected.
    expect((await from(b, '198.51.100.200', '/api/auth/login', jsonBody({ email: 'someone@example.com', password: 'x' }))).status).toBe(401);

    t.state.now += retryAfter * 1000;
    expect((await from(b, '198.51.100.200', '/api/auth/login', jsonBody({ ...wrong, password: 'correct horse battery' }))).status).toBe(200);
  });

  it('counts only failures per address: signing in again and again is fine', async () => {
    await t.recruiter();
    for (let i = 0; i < LIMITS.signInPerAddress.limit + 5; i++) {
      const res = await t.request('/api/auth/login', { method: 'POST', json: { email: 'rita@example.com', password: 'correct horse battery' } });
      expect(res.status).toBe(200);
    }
  });

  it('every sign-in and sign-up from one address, over all accounts', async () => {
    const b = await secondProcess();
    const ip = '2001:db8:1:2::7';
    for (let i = 0; i < LIMITS.authPerIp.limit; i++) {
      const res = await from(i % 2 ? b : t.state.parley, ip, '/api/auth/login', jsonBody({ email: `nobody${i}@example.com`, password: 'x' }));
      expect(res.status).toBe(401);
    }
    // The same /64 network is the same client; another client is not affected.
    const register = { email: 'new@example.com', name: 'New', password: 'correct horse battery' };
    expect((await from(t.state.parley, '2001:db8:1:2:ffff::1', '/api/auth/register', jsonBody(register))).status).toBe(429);
    expect((await from(b, '2001:db8:1:3::1', '/api/auth/register', jsonBody(register))).status).toBe(201);
  });

  it('book, reschedule and cancel per link, as a readable page or JSON with Retry-After', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    const b = await secondProcess();
    const apps = [t.state.parley, b];
    const bad = { start: TUE_9AM, timeZone: 'UTC', name: '', country: 'US', phone: '', note: 'none' };
    for (let i = 0; i < LIMITS.bookingChangesPerToken.limit; i++) {
      const res = await from(apps[i % 2]!, `203.0.113.${i}`, `/b/${inv.linkToken}/book`, { ...form(bad), headers: form(bad).headers });
      expect(res.status, `attempt ${i + 1}`).toBe(400);
    }
    const page = await from(b, '203.0.113.99', `/b/${inv.linkToken}/cancel`, form({}));
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toMatch(/Too many requests\. Please wait (\d+ (seconds|minutes)|a minute) and try again\./);
    const api = await from(t.state.parley, '203.0.113.99', `/b/${inv.linkToken}/book`, jsonBody(bad));
    expect(api.status).toBe(429);
    expect(((await api.json()) as Json).error.message).toContain('Too many requests');
    // Viewing the page is still fine, and another link is not affected.
    expect((await from(b, '203.0.113.99', `/b/${inv.linkToken}`)).status).toBe(200);
    const other = await t.invitation(rec.token, { key: 'linkedin:in:other', name: 'Other' });
    expect((await from(b, '203.0.113.99', `/b/${other.linkToken}/book`, jsonBody(bad))).status).toBe(400);
  });

  it('wrong access codes on a join link: atomic, so parallel guesses cannot slip through', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token, { key: 'linkedin:in:carla', name: 'Carla' }, { video: 'jitsi' });
    const booked = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: TUE_9AM, timeZone: 'UTC', name: 'Carla', country: 'IN', phone: '98765 43210' } });
    expect(booked.status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const [interview] = ((await (await t.request('/api/interviews', { token: rec.token })).json()) as Json).interviews as Json[];
    const link = new URL(interview!.video.candidateJoinUrl).pathname;
    const code = String(interview!.video.candidateAccessCode);
    const bad = code === '123456' ? '654321' : '123456';
    t.state.now = Date.parse(TUE_9AM) - 5 * 60_000;
    const b = await secondProcess();

    // A right code takes its attempt back: joining again and again is fine.
    for (let i = 0; i < 8; i++) expect((await from(i % 2 ? b : t.state.parley, '192.0.2.1', link, form({ code }))).status).toBe(303);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => from(i % 2 ? b : t.state.parley, `192.0.2.${10 + i}`, link, form({ code: bad }))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(LIMITS.joinCodesPerLink.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LIMITS.joinCodesPerLink.limit);
    const locked = await from(b, '192.0.2.250', link, form({ code }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Too many wrong access codes');
  });

  it('an interviewer link, per link', async () => {
    const rita = await t.recruiter();
    await t.request('/api/panels/interviewers', { method: 'POST', token: rita.token, json: { email: 'pat@example.com', name: 'Pat' } });
    await t.state.parley.deps.jobs.runDue();
    const invite = /\/i\/([A-Za-z0-9_-]{32})/.exec(t.state.outbox.find((m) => m.to === 'pat@example.com')!.text)![1]!;
    const b = await secondProcess();
    for (let i = 0; i < LIMITS.interviewerPerToken.limit; i++) {
      expect((await from(i % 2 ? b : t.state.parley, `198.18.0.${i}`, `/i/${invite}`)).status).toBe(200);
    }
    const res = await from(b, '198.18.1.1', `/i/${invite}/hours`, form({ timeZone: 'UTC', days: '1', start: '09:00', end: '17:00' }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the counter', () => {
  it('keeps one row per key and window, and deletes windows that ended long ago', async () => {
    const deps = { db: t.db(), clock: () => t.state.now };
    const rule = { name: 'test:thing', windowMs: 60_000, limit: 2 };
    expect((await consume(deps, [[rule, 'a']])).limited).toBe(false);
    expect((await consume(deps, [[rule, 'a'], [rule, undefined]])).limited).toBe(false);
    const third = await consume(deps, [[rule, 'a']]);
    expect(third).toMatchObject({ limited: true });
    expect(third.limited && third.retryAfterSeconds).toBe(60); // the clock is on a whole minute
    const rows = await t.db().query<{ key: string; count: number }>(`select key, count from rate_limits where key like 'test:thing:%'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.count).toBe(3);
    expect(rows[0]!.key).not.toContain(':a'); // identifiers are stored hashed
    t.state.now += 2 * 86_400_000;
    expect((await consume(deps, [[rule, 'a']])).limited).toBe(false); // a new window (and a sweep in the background)
    await sweepRateLimits(deps);
    expect(await t.db().query(`select 1 from rate_limits where window_start < $1`, [new Date(t.state.now - 86_400_000)])).toHaveLength(0);
  });

  it('behind a proxy (TRUST_PROXY_HOPS=1): each client behind it has its own count, and a forged header gains nothing', async () => {
    const proxied = await secondProcess({ TRUST_PROXY_HOPS: '1' });
    const proxy = '10.0.0.5';
    const via = (client: string, forged = '') => ({ 'x-forwarded-for': `${forged}${client}` });
    for (let i = 0; i < LIMITS.authPerIp.limit; i++) {
      // The client forges a new address on the left of every request; the proxy appends the real one.
      const res = await from(proxied, proxy, '/api/auth/login', jsonBody({ email: `nobody${i}@example.com`, password: 'x' }, via('203.0.113.9', `198.18.0.${i % 250}, `)));
      expect(res.status).toBe(401);
    }
    const register = { email: 'new@example.com', name: 'New', password: 'correct horse battery' };
    expect((await from(proxied, proxy, '/api/auth/register', jsonBody(register, via('203.0.113.9')))).status).toBe(429);
    // Another client behind the same proxy is not locked out with the first.
    expect((await from(proxied, proxy, '/api/auth/register', jsonBody(register, via('203.0.113.10')))).status).toBe(201);
    // Without TRUST_PROXY_HOPS the header is anyone's to send, so it is ignored: the connection counts.
    expect(forwardedClient('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
    expect(forwardedClient('10.0.0.5', '1.2.3.4, 203.0.113.9, 10.0.0.4', 2)).toBe('203.0.113.9');
    expect(forwardedClient('10.0.0.5', '203.0.113.9', 3)).toBe('203.0.113.9');
    expect(forwardedClient('10.0.0.5', 'not-an-address', 1)).toBe('10.0.0.5');
  });

  it('puts IPv6 clients in their /64 and IPv4-mapped addresses with IPv4', () => {
    expect(ipBucket('2001:db8:1:2::7')).toBe(ipBucket('2001:0db8:0001:0002:ffff:0:0:1'));
    expect(ipBucket('2001:db8:1:2::7')).not.toBe(ipBucket('2001:db8:1:3::7'));
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipBucket('192.0.2.1')).toBe('192.0.2.1');
  });
});
