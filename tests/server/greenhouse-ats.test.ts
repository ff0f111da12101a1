import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { greenhouseConnector, type GreenhouseOptions } from '../../server/providers/ats/greenhouse.js';
import { AtsError, type AtsConnector, type AtsRecord } from '../../server/providers/ats/types.js';
import { startFakeGreenhouse, type FakeGreenhouse } from '../fakes/greenhouse/index.js';
import { atsContract, candidate } from '../support/ats-contract.js';

const started: FakeGreenhouse[] = [];
async function fresh(): Promise<FakeGreenhouse> {
  const f = await startFakeGreenhouse();
  started.push(f);
  return f;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

type Tuning = Partial<Omit<GreenhouseOptions, 'fetch'>>;
const APP = 'https://acme.greenhouse.example';
const v1For = (f: FakeGreenhouse, t: Tuning = {}): AtsConnector =>
  greenhouseConnector({
    auth: { version: 'v1', apiKey: f.apiKey }, onBehalfOf: f.userId, baseUrl: `${f.url}/v1`, appUrl: APP,
    timeoutMs: 2_000, retries: 2, maxDelayMs: 20, notFoundRetryMs: 300, ...t,
  });
const v3For = (f: FakeGreenhouse, t: Tuning = {}): AtsConnector =>
  v1For(f, { auth: { version: 'v3', clientId: f.clientId, clientSecret: f.clientSecret, tokenUrl: `${f.url}/oauth/token` }, baseUrl: `${f.url}/v3`, ...t });

const openJobs = (f: FakeGreenhouse) => f.jobs.filter((j) => j.status === 'open');
const personOf = (f: FakeGreenhouse, r: AtsRecord) => f.candidates().find((c) => String(c.id) === r.id);

atsContract('greenhouse', async () => {
  const f = await fresh();
  return {
    connector: v1For(f),
    count: async () => f.candidates().length,
    // Notes as they are; emails as Greenhouse shows them in the activity feed, with their addressing.
    notes: async (r) => {
      const p = personOf(f, r);
      return p ? [...p.notes, ...p.emails.map((e) => `From: ${e.from}\nTo: ${e.to}\nSubject: ${e.subject}\n\n${e.body}`)] : [];
    },
    postingId: String(openJobs(f)[7]!.id),
    postingsOf: async (r) => personOf(f, r)?.applications.flatMap((a) => (a.job_id === null ? [] : [String(a.job_id)])) ?? [],
    openPostingIds: async () => openJobs(f).map((j) => String(j.id)),
  };
});

async function failure(p: Promise<unknown>): Promise<AtsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AtsError);
  return err as AtsError;
}

describe('greenhouse connector (Harvest v1)', () => {
  let fake: FakeGreenhouse;
  beforeEach(async () => {
    fake = await fresh();
  });
  const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
  const JOBS = /^\/v1\/jobs$/;
  const CANDIDATES = /^\/v1\/candidates$/;
  const PROSPECTS = /^\/v1\/prospects$/;
  const FEED = /^\/v1\/candidates\/\d+\/activity_feed$/;
  const NOTES = /^\/v1\/candidates\/\d+\/activity_feed\/notes$/;
  const EMAILS = /^\/v1\/candidates\/\d+\/activity_feed\/emails$/;

  it('creates a candidate with an application to the job, Harvest’s fields, Basic auth and On-Behalf-Of', async () => {
    const job = openJobs(fake)[3]!;
    const person = candidate({
      emails: ['carla@example.com', ' carla@example.com ', 'carla.work@example.org'],
      links: ['https://www.linkedin.com/in/carla-candidate/', 'https://github.com/carla'],
    });
    const record = await v1For(fake).createCandidate(person, { postingId: String(job.id) });

    const [post, ...more] = calls('POST', CANDIDATES);
    expect(more).toEqual([]);
    expect(calls('POST', PROSPECTS)).toEqual([]);
    expect(post!.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.apiKey}:`).toString('base64')}`);
    expect(post!.headers['on-behalf-of']).toBe(fake.userId);
    expect(post!.body).toEqual({
      first_name: 'Carla', last_name: person.lastName, company: 'Initech', title: 'Staff Engineer',
      email_addresses: [{ value: 'carla@example.com', type: 'personal' }, { value: 'carla.work@example.org', type: 'personal' }],
      phone_numbers: [{ value: '+49 30 1234567', type: 'other' }],
      social_media_addresses: [{ value: 'https://www.linkedin.com/in/carla-candidate/' }],
      website_addresses: [{ value: 'https://github.com/carla', type: 'other' }],
      addresses: [{ value: 'Berlin, Germany', type: 'other' }],
      tags: ['Parley'],
      applications: [{ job_id: job.id }],
    });

    const [made, ...others] = fake.candidates();
    expect(others).toEqual([]);
    expect(record).toEqual({ id: String(made!.id), url: `${APP}/people/${made!.id}`, kind: 'candidate' });
    expect(made).toMatchObject({ is_prospect: false, applications: [{ job_id: job.id, prospect: false }], tags: ['Parley'] });
    expect(await v1For(fake).findByEmail('carla.work@example.org')).toEqual(record);
  });

  it('creates a jobless prospect when no job is given, and tells prospects from candidates when finding them', async () => {
    const person = candidate();
    const record = await v1For(fake).createCandidate(person, {});
    expect(calls('POST', CANDIDATES)).toEqual([]);
    const [post] = calls('POST', PROSPECTS);
    expect(post!.headers['on-behalf-of']).toBe(fake.userId);
    expect(post!.body).not.toHaveProperty('applications');
    expect(post!.body).not.toHaveProperty('application');
    expect(record.kind).toBe('prospect');
    expect(personOf(fake, record)).toMatchObject({ is_prospect: true, applications: [{ job_id: null, prospect: true }] });
    expect(await v1For(fake).findByEmail(person.emails[0]!)).toEqual(record);

    // People recruiters put into Greenhouse themselves.
    const applicant = fake.addCandidate({ first_name: 'Ann', last_name: 'Applicant', emails: ['ann@example.com'], jobId: openJobs(fake)[0]!.id });
    const pooled = fake.addCandidate({ first_name: 'Pat', last_name: 'Prospect', emails: ['pat@example.com'], prospect: true });
    expect(await v1For(fake).findByEmail('ann@example.com')).toEqual({ id: String(applicant), url: `${APP}/people/${applicant}`, kind: 'candidate' });
    expect(await v1For(fake).findByEmail('PAT@example.com')).toEqual({ id: String(pooled), url: `${APP}/people/${pooled}`, kind: 'prospect' });
    expect(calls('GET', CANDIDATES).at(-1)!.query).toMatchObject({ email: 'PAT@example.com' });
  });

  it('puts LinkedIn and talent.io profiles into social_media_addresses and other links into website_addresses', async () => {
    const links = ['https://www.talent.io/p/en-fr/candidates/12345', 'https://de.linkedin.com/in/carla-candidate', 'https://carla.dev/', 'https://github.com/carla'];
    const record = await v1For(fake).createCandidate(candidate({ links }), {});
    expect(personOf(fake, record)).toMatchObject({
      social_media_addresses: [{ value: links[0] }, { value: links[1] }],
      website_addresses: [{ value: 'https://carla.dev/', type: 'other' }, { value: 'https://github.com/carla', type: 'other' }],
    });
  });

  it('lists open jobs through the Link header’s next pages, as postings', async () => {
    const postings = await v1For(fake).listPostings();

    const pages = calls('GET', JOBS);
    expect(pages).toHaveLength(2); // 110 open jobs, 100 a page
    expect(pages[0]!.query).toEqual({ status: 'open', per_page: '100', page: '1' });
    expect(pages[1]!.query).toEqual({ status: 'open', per_page: '100', page: '2' });
    expect(postings.map((p) => p.id).sort()).toEqual(openJobs(fake).map((j) => String(j.id)).sort());
    const closed = fake.jobs.find((j) => j.status === 'closed')!;
    expect(postings.map((p) => p.id)).not.toContain(String(closed.id));

    const berlin = openJobs(fake).find((j) => j.offices[0]!.name === 'Berlin')!;
    const remote = openJobs(fake).find((j) => j.offices[0]!.name === 'Remote')!;
    expect(postings.find((p) => p.id === String(berlin.id))).toEqual({ id: String(berlin.id), title: berlin.name, location: 'Berlin, Germany', team: berlin.departments[0]!.name, state: 'open' });
    expect(postings.find((p) => p.id === String(remote.id))?.location).toBe('Remote');
  });

  it('adds notes and emails to the activity feed as the acting user, once per key', async () => {
    const record = await v1For(fake).createCandidate(candidate(), {});
    const gh = v1For(fake);
    await gh.addNote(record, { key: 'n 1', text: 'Great call.' });
    await gh.addNote(record, { key: 'n  1', text: 'Great call.' }); // the same key, spaced differently
    await gh.addNote(record, { key: 'n 12', text: 'Second thought.' }); // a key that starts like the first
    await gh.addMessage(record, { key: 'm1', direction: 'received', at: Date.parse('2026-04-06T09:30:00Z'), from: 'carla@example.com', to: 'rita@acme.example', text: 'Tuesday works.' });

    const [note] = calls('POST', NOTES);
    expect(note!.headers['on-behalf-of']).toBe(fake.userId);
    expect(note!.body).toEqual({ user_id: Number(fake.userId), body: 'Great call.\n\n— Parley #n 1', visibility: 'public' });
    expect(calls('POST', NOTES)).toHaveLength(2);
    expect(calls('GET', FEED).length).toBeGreaterThanOrEqual(4); // every push looks first
    const [email] = calls('POST', EMAILS);
    expect(email!.body).toMatchObject({ user_id: Number(fake.userId), to: 'rita@acme.example', from: 'carla@example.com', subject: 'Message from carla@example.com' });
    expect((email!.body as { body: string }).body).toMatch(/^Tuesday works\.\n[\s\S]*2026-04-06T09:30:00Z[\s\S]*\n— Parley #m1$/);
    expect(personOf(fake, record)!.notes).toEqual(['Great call.\n\n— Parley #n 1', 'Second thought.\n\n— Parley #n 12']);
  });

  it('waits out Greenhouse’s delay before a new candidate exists: a note right after the create succeeds', async () => {
    fake.invisibleAfterCreateMs = 1_500;
    const gh = v1For(fake, { notFoundRetryMs: 10_000 });
    const person = candidate();
    const record = await gh.createCandidate(person, { postingId: String(openJobs(fake)[0]!.id) });
    expect(record.kind).toBe('candidate');
    expect(calls('POST', CANDIDATES)).toHaveLength(1);
    await gh.addNote(record, { key: 'n1', text: 'Exported right away.' });

    expect(personOf(fake, record)!.notes).toEqual(['Exported right away.\n\n— Parley #n1']);
    expect(calls('GET', FEED).filter((r) => r.status === 404).length).toBeGreaterThan(0);
    expect(calls('POST', NOTES).filter((r) => r.status === 201)).toHaveLength(1);
  });

  it('gives up on a candidate that stays missing after notFoundRetryMs, with not-found', async () => {
    fake.invisibleAfterCreateMs = 60_000;
    const gh = v1For(fake, { notFoundRetryMs: 400 });
    const record = await gh.createCandidate(candidate(), {});
    const t0 = Date.now();
    const err = await failure(gh.addNote(record, { key: 'n1', text: 'Too early.' }));
    expect(err.kind).toBe('not-found');
    expect(err.temporary).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(calls('GET', FEED).length).toBeGreaterThan(1);
    expect(calls('POST', NOTES)).toEqual([]);
  });

  it('honours Retry-After on 429, and leaves a long one to the job queue', async () => {
    fake.fault({ method: 'GET', path: JOBS }, { status: 429, retryAfterSeconds: 1 });
    const t0 = Date.now();
    const postings = await v1For(fake, { maxDelayMs: 5_000 }).listPostings();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(postings).toHaveLength(openJobs(fake).length);
    expect(calls('GET', JOBS).map((r) => r.status)).toEqual([429, 200, 200]);

    fake.fault({ method: 'GET', path: JOBS }, { status: 429, retryAfterSeconds: 60 });
    fake.requests.length = 0;
    const err = await failure(v1For(fake, { maxDelayMs: 5_000 }).listPostings());
    expect(err.kind).toBe('rate-limit');
    expect(err.temporary).toBe(true);
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(calls('GET', JOBS)).toHaveLength(1);
  });

  it('paces itself when X-RateLimit-Remaining reaches 0 instead of running into 429s', async () => {
    fake.rateLimit = { limit: 2, windowMs: 400 };
    const gh = v1For(fake, { maxDelayMs: 500 });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) await gh.listPostings();
    expect(calls('GET', JOBS)).toHaveLength(6);
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
  });

  it('retries a 500, and a create whose answer was lost looks the person up before posting again', async () => {
    fake.fault({ method: 'POST', path: NOTES }, { status: 500 });
    const record = await v1For(fake).createCandidate(candidate(), {});
    await v1For(fake).addNote(record, { key: 'n1', text: 'After a hiccup.' });
    expect(calls('POST', NOTES).map((r) => r.status)).toEqual([500, 201]);
    expect(personOf(fake, record)!.notes).toHaveLength(1);

    fake.fault({ method: 'POST', path: CANDIDATES }, { status: 500 });
    const person = candidate();
    const made = await v1For(fake).createCandidate(person, { postingId: String(openJobs(fake)[1]!.id) });
    expect(calls('POST', CANDIDATES).map((r) => r.status)).toEqual([500, 201]);
    expect(calls('GET', CANDIDATES).map((r) => r.query.email)).toEqual([person.emails[0]]);
    expect(fake.candidates().filter((c) => c.last_name === person.lastName)).toEqual([expect.objectContaining({ id: Number(made.id) })]);
  });

  it('adopts the person a timed-out create did make, instead of making a second', async () => {
    fake.fault({ method: 'POST', path: CANDIDATES }, { delayMs: 800 });
    const person = candidate();
    const record = await v1For(fake, { timeoutMs: 300 }).createCandidate(person, { postingId: String(openJobs(fake)[2]!.id) });
    const made = fake.candidates().filter((c) => c.last_name === person.lastName);
    expect(made).toHaveLength(1);
    expect(record).toEqual({ id: String(made[0]!.id), url: `${APP}/people/${made[0]!.id}`, kind: 'candidate' });
    expect(calls('POST', CANDIDATES)).toHaveLength(1);
  });

  it('gives up after the retries with unavailable, and with timeout when Greenhouse is slow', async () => {
    fake.fault({ method: 'GET', path: JOBS, times: 3 }, { status: 503 });
    const down = await failure(v1For(fake, { retries: 2 }).listPostings());
    expect(down.kind).toBe('unavailable');
    expect(down.temporary).toBe(true);
    expect(down.details.status).toBe(503);
    expect(calls('GET', JOBS)).toHaveLength(3);

    fake.fault({ method: 'GET', path: JOBS, times: 10 }, { delayMs: 1_000 });
    fake.requests.length = 0;
    const slow = await failure(v1For(fake, { timeoutMs: 200, retries: 1 }).listPostings());
    expect(slow.kind).toBe('timeout');
    expect(slow.temporary).toBe(true);
    expect(calls('GET', JOBS)).toHaveLength(2);
  });

  it('reports a refused API key as auth, without retrying', async () => {
    const err = await failure(v1For(fake, { auth: { version: 'v1', apiKey: 'not-the-key' } }).listPostings());
    expect(err.kind).toBe('auth');
    expect(err.temporary).toBe(false);
    expect(err.details.status).toBe(401);
    expect(calls('GET', JOBS)).toHaveLength(1);

    fake.fault({ path: CANDIDATES }, 'bad-key');
    expect((await failure(v1For(fake).findByEmail('carla@example.com'))).kind).toBe('auth');
  });

  it('reports a missing permission of the acting user or of the key as permission, naming it', async () => {
    const stranger = await failure(v1For(fake, { onBehalfOf: '999' }).createCandidate(candidate(), {}));
    expect(stranger.kind).toBe('permission');
    expect(stranger.message).toContain('On-Behalf-Of');
    expect(stranger.message).toContain('999');
    expect(fake.candidates()).toEqual([]);

    fake.fault({ method: 'GET', path: JOBS }, 'no-permission');
    const key = await failure(v1For(fake).listPostings());
    expect(key.kind).toBe('permission');
    expect(key.details.status).toBe(403);
    expect(key.message).toContain('GET: List Jobs');
    expect(calls('GET', JOBS)).toHaveLength(1);
  });

  it('reports refused data as invalid, with the fields Greenhouse names', async () => {
    const blank = await failure(v1For(fake).createCandidate(candidate({ firstName: ' ', emails: ['not-an-address'] }), {}));
    expect(blank.kind).toBe('invalid');
    expect(blank.details.status).toBe(422);
    expect(blank.details.fields).toEqual(['first_name', 'email_addresses']);
    expect(calls('POST', PROSPECTS)).toHaveLength(1);

    const closed = fake.jobs.find((j) => j.status === 'closed')!;
    const toClosed = await failure(v1For(fake).createCandidate(candidate(), { postingId: String(closed.id) }));
    expect(toClosed.kind).toBe('invalid');
    expect(toClosed.details.fields).toEqual(['applications.job_id']);

    const notAJob = await failure(v1For(fake).createCandidate(candidate(), { postingId: 'posting-7' }));
    expect(notAJob.kind).toBe('invalid');
    expect(calls('POST', CANDIDATES)).toHaveLength(1);
    expect(fake.candidates()).toEqual([]);
  });
});

describe('greenhouse connector (Harvest v3)', () => {
  let fake: FakeGreenhouse;
  beforeEach(async () => {
    fake = await fresh();
  });
  const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
  const TOKEN = /^\/oauth\/token$/;
  const JOBS = /^\/v3\/jobs$/;

  it('signs in with client credentials once, caches the token, and follows cursor pages', async () => {
    const first = await v3For(fake).listPostings();
    const again = await v3For(fake).listPostings(); // another connector for the same account

    const tokens = calls('POST', TOKEN);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`);
    expect(tokens[0]!.body).toEqual({ grant_type: 'client_credentials', sub: fake.userId });

    const pages = calls('GET', JOBS);
    expect(pages).toHaveLength(4);
    expect(pages[0]!.query).toEqual({ status: 'open', per_page: '100' });
    expect(Object.keys(pages[1]!.query)).toEqual(['cursor']); // a cursor travels alone
    expect(pages.every((p) => /^Bearer \S+$/.test(p.headers.authorization ?? ''))).toBe(true);
    expect(pages.every((p) => p.status === 200)).toBe(true);
    expect(first.map((p) => p.id).sort()).toEqual(openJobs(fake).map((j) => String(j.id)).sort());
    expect(again).toEqual(first);
  });

  it('fetches a new token once when Greenhouse refuses the cached one', async () => {
    await v3For(fake).listPostings();
    fake.fault({ method: 'GET', path: JOBS }, 'bad-key');
    const postings = await v3For(fake).listPostings();
    expect(postings).toHaveLength(openJobs(fake).length);
    expect(calls('POST', TOKEN)).toHaveLength(2);
  });

  it('reports refused client credentials as auth, and the operations v3 does not offer yet as permission', async () => {
    const wrong = await failure(v3For(fake, { auth: { version: 'v3', clientId: fake.clientId, clientSecret: 'wrong', tokenUrl: `${fake.url}/oauth/token` } }).listPostings());
    expect(wrong.kind).toBe('auth');
    expect(calls('GET', JOBS)).toEqual([]);

    const unsupported = await failure(v3For(fake).createCandidate(candidate(), {}));
    expect(unsupported.kind).toBe('permission');
    expect(unsupported.message).toContain('Harvest v1/v2 API key');
    expect(fake.requests.filter((r) => r.method === 'POST' && !TOKEN.test(r.path))).toEqual([]);
  });
});
