import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leverConnector, markerFor, type LeverOptions } from '../../server/providers/ats/lever.js';
import { AtsError, type AtsConnector } from '../../server/providers/ats/types.js';
import { startFakeLever, type FakeLever } from '../fakes/lever.js';
import { atsContract, candidate } from '../support/ats-contract.js';

const started: FakeLever[] = [];
async function fresh(): Promise<FakeLever> {
  const f = await startFakeLever();
  started.push(f);
  return f;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

type Tuning = Partial<Omit<LeverOptions, 'fetch'>>;
const leverFor = (f: FakeLever, t: Tuning = {}): AtsConnector =>
  leverConnector({ apiKey: f.apiKey, performAs: f.users[0]!.id, baseUrl: `${f.url}/v1`, timeoutMs: 2_000, retries: 2, maxDelayMs: 20, ...t });

const published = (f: FakeLever) => f.postings.filter((p) => p.state === 'published');

atsContract('lever', async () => {
  const f = await fresh();
  const find = (id: string) => f.opportunities().find((o) => o.id === id);
  return {
    connector: leverFor(f),
    count: async () => f.opportunities().length,
    notes: async (r) => find(r.id)?.notes.map((n) => n.value) ?? [],
    postingId: published(f)[7]!.id,
    postingsOf: async (r) => find(r.id)?.postings ?? [],
    openPostingIds: async () => published(f).map((p) => p.id),
  };
});

async function failure(p: Promise<unknown>): Promise<AtsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AtsError);
  return err as AtsError;
}

describe('lever connector', () => {
  let fake: FakeLever;
  beforeEach(async () => {
    fake = await fresh();
  });
  const calls = (method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path));
  const OPPS = /^\/v1\/opportunities$/;
  const NOTES = /^\/v1\/opportunities\/[^/]+\/notes$/;
  const POSTINGS = /^\/v1\/postings$/;

  it('creates an opportunity with Lever’s fields, the profile link first, as the acting user', async () => {
    const posting = published(fake)[3]!;
    const person = candidate({
      emails: ['carla@example.com', ' Carla@Example.com ', 'carla.work@example.org'],
      phones: ['+49 30 1234567', '+49 (30) 1234567', '+1 415 555 0100'],
      links: ['https://www.linkedin.com/in/carla-candidate/', 'https://github.com/carla', 'https://www.linkedin.com/in/carla-candidate/'],
      source: 'LinkedIn Recruiter',
    });
    const before = Date.now();
    const record = await leverFor(fake).createCandidate(person, { postingId: posting.id });

    const [post, ...more] = calls('POST', OPPS);
    expect(more).toEqual([]);
    expect(post!.query).toEqual({ perform_as: fake.users[0]!.id });
    const body = post!.body as Record<string, unknown>;
    expect(body).toEqual({
      name: `Carla ${person.lastName}`,
      headline: 'Staff Engineer at Initech',
      location: 'Berlin, Germany',
      emails: ['carla@example.com', 'carla.work@example.org'],
      phones: [{ value: '+49 30 1234567', type: 'other' }, { value: '+1 415 555 0100', type: 'other' }],
      links: ['https://www.linkedin.com/in/carla-candidate/', 'https://github.com/carla'],
      sources: ['LinkedIn Recruiter'],
      origin: 'sourced',
      postings: [posting.id],
      tags: ['Parley'],
      createdAt: expect.any(Number),
    });
    expect(body.createdAt as number).toBeLessThanOrEqual(before);
    expect(body.createdAt as number).toBeGreaterThan(before - 60_000);

    const [made] = fake.opportunities();
    expect(made).toMatchObject({ id: record.id, origin: 'sourced', postings: [posting.id], owner: fake.users[0]!.id, links: body.links });
    expect(record).toEqual({ id: made!.id, url: `https://hire.lever.co/candidates/${made!.id}`, kind: 'opportunity' });
  });

  it('builds a headline from title and company when the profile has none, and leaves out what is empty', async () => {
    await leverFor(fake).createCandidate(candidate({ headline: undefined, location: '  ', phones: [] }), {});
    const body = calls('POST', OPPS)[0]!.body as Record<string, unknown>;
    expect(body.headline).toBe('Staff Engineer at Initech');
    expect(body).not.toHaveProperty('location');
    expect(body).not.toHaveProperty('postings');
    expect(body.phones).toEqual([]);
  });

  it('finds the most recent opportunity of a person Lever deduplicated into one contact', async () => {
    const lever = leverFor(fake, { appUrl: 'https://hire.sandbox.lever.co/' });
    const person = candidate();
    const first = await lever.createCandidate(person, {});
    await new Promise((r) => setTimeout(r, 5));
    const second = await lever.createCandidate(person, { postingId: published(fake)[0]!.id });
    const [a, b] = fake.opportunities();
    expect(a!.contact).toBe(b!.contact); // one person, two opportunities, as in Lever
    expect(second.id).not.toBe(first.id);

    const found = await lever.findByEmail(person.emails[0]!.toUpperCase());
    expect(found).toEqual({ id: second.id, url: `https://hire.sandbox.lever.co/candidates/${second.id}`, kind: 'opportunity' });
    expect(calls('GET', OPPS).at(-1)!.query).toMatchObject({ email: person.emails[0]!.toUpperCase() });
  });

  it('reads every page of published postings and maps title, location and team', async () => {
    const postings = await leverFor(fake).listPostings();
    const want = published(fake);
    expect(want.length).toBeGreaterThan(100);
    expect(postings).toHaveLength(want.length);
    expect(postings[0]).toEqual({ id: want[0]!.id, title: want[0]!.text, location: want[0]!.categories.location, team: want[0]!.categories.team, state: 'published' });
    expect(postings.map((p) => p.id)).toEqual(want.map((p) => p.id));

    const pages = calls('GET', POSTINGS);
    expect(pages).toHaveLength(2);
    expect(pages[0]!.query).toEqual({ state: 'published', limit: '100' });
    expect(pages[1]!.query).toEqual({ state: 'published', limit: '100', offset: expect.any(String) });
  });

  it('marks each note with its key and reads the notes before writing', async () => {
    const lever = leverFor(fake);
    const record = await lever.createCandidate(candidate(), {});
    await lever.addNote(record, { key: 'n-1', text: 'Great call.\n' });
    await lever.addNote(record, { key: 'n-1', text: 'Great call.\n' });
    await lever.addNote(record, { key: 'n-10', text: 'Second note.' });

    const notes = fake.opportunities()[0]!.notes;
    expect(notes.map((n) => n.value)).toEqual([`Great call.\n\n${markerFor('n-1')}`, `Second note.\n\n${markerFor('n-10')}`]);
    expect(markerFor('n-1')).toBe('— Parley #n-1');
    expect(notes.every((n) => n.user === fake.users[0]!.id)).toBe(true);
    expect(calls('POST', NOTES)).toHaveLength(2);
    expect(calls('POST', NOTES).every((r) => r.query.perform_as === fake.users[0]!.id)).toBe(true);
    expect(calls('GET', NOTES)).toHaveLength(3);
  });

  it('writes a message as a note saying who wrote to whom and when', async () => {
    const lever = leverFor(fake);
    const record = await lever.createCandidate(candidate(), {});
    await lever.addMessage(record, {
      key: 'li-42', direction: 'received', at: Date.parse('2026-04-06T09:30:12Z'), from: 'Carla Candidate', to: 'Rita Recruiter', subject: 'Re: Backend role', text: 'Tuesday works.',
    });
    expect(fake.opportunities()[0]!.notes.map((n) => n.value)).toEqual([
      'Message received on 2026-04-06 09:30 UTC from Carla Candidate to Rita Recruiter:\nSubject: Re: Backend role\nTuesday works.\n\n— Parley #li-42',
    ]);
  });

  it('does not write a note twice when the answer to the first write was lost', async () => {
    const lever = leverFor(fake, { timeoutMs: 250 });
    const record = await lever.createCandidate(candidate(), {});
    fake.fault({ method: 'POST', path: NOTES }, { delayMs: 600 });
    await lever.addNote(record, { key: 'n-1', text: 'Only once.' });
    expect(fake.opportunities()[0]!.notes).toHaveLength(1);
    expect(calls('POST', NOTES)).toHaveLength(1);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.fault({ method: 'GET', path: POSTINGS }, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const postings = await leverFor(fake, { maxDelayMs: 2_000 }).listPostings();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(postings).toHaveLength(published(fake).length);
    expect(calls('GET', POSTINGS).map((r) => r.status)).toEqual([429, 200, 200]);
  });

  it('leaves a Retry-After longer than it may wait to the job queue, as a rate-limit error', async () => {
    fake.fault({ method: 'GET', path: OPPS }, { status: 429, retryAfterSeconds: 120 });
    const started = Date.now();
    const err = await failure(leverFor(fake, { maxDelayMs: 1_000 }).findByEmail('carla@example.com'));
    expect(Date.now() - started).toBeLessThan(900);
    expect(err).toMatchObject({ kind: 'rate-limit', temporary: true, details: { status: 429, retryAfterMs: 120_000 } });
    expect(calls('GET', OPPS)).toHaveLength(1);
  });

  it('tries again after a 500', async () => {
    fake.fault({ method: 'GET', path: OPPS }, { status: 500 });
    expect(await leverFor(fake).findByEmail('nobody@example.com')).toBeUndefined();
    expect(calls('GET', OPPS).map((r) => r.status)).toEqual([500, 200]);
  });

  it('gives up after `retries` more attempts with a temporary unavailable error', async () => {
    fake.fault({ method: 'GET', path: POSTINGS, times: 10 }, { status: 503 });
    const err = await failure(leverFor(fake, { retries: 2 }).listPostings());
    expect(err).toMatchObject({ ats: 'lever', kind: 'unavailable', temporary: true, details: { status: 503 } });
    expect(calls('GET', POSTINGS)).toHaveLength(3);
  });

  it('reports a slow Lever as a timeout after its retries', async () => {
    fake.fault({ method: 'GET', path: OPPS, times: 5 }, { delayMs: 800 });
    const started = Date.now();
    const err = await failure(leverFor(fake, { timeoutMs: 200, retries: 1 }).findByEmail('carla@example.com'));
    expect(err).toMatchObject({ kind: 'timeout', temporary: true });
    expect(calls('GET', OPPS)).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('adopts the opportunity a timed-out create made instead of creating a second', async () => {
    fake.fault({ method: 'POST', path: OPPS }, { delayMs: 600 });
    const person = candidate();
    const record = await leverFor(fake, { timeoutMs: 250 }).createCandidate(person, {});
    const all = fake.opportunities();
    expect(all).toHaveLength(1);
    expect(record.id).toBe(all[0]!.id);
    expect(calls('POST', OPPS)).toHaveLength(1);
    expect(calls('GET', OPPS)[0]!.query).toMatchObject({ email: person.emails[0] });
  });

  it('creates again after a 500 that made nothing', async () => {
    fake.fault({ method: 'POST', path: OPPS }, { status: 500 });
    const record = await leverFor(fake).createCandidate(candidate(), {});
    expect(fake.opportunities().map((o) => o.id)).toEqual([record.id]);
    expect(calls('POST', OPPS).map((r) => r.status)).toEqual([500, 201]);
  });

  it('does not repeat an ambiguous create it cannot look up (no email)', async () => {
    fake.fault({ method: 'POST', path: OPPS }, { status: 503 });
    const err = await failure(leverFor(fake).createCandidate(candidate({ emails: [] }), {}));
    expect(err).toMatchObject({ kind: 'unavailable', temporary: true });
    expect(err.message).toContain('look for');
    expect(calls('POST', OPPS)).toHaveLength(1);
  });

  it('retries a create refused with 429 straight away (Lever made nothing)', async () => {
    fake.fault({ method: 'POST', path: OPPS }, { status: 429, retryAfterSeconds: 0 });
    await leverFor(fake).createCandidate(candidate(), {});
    expect(calls('POST', OPPS).map((r) => r.status)).toEqual([429, 201]);
    expect(calls('GET', OPPS)).toHaveLength(0);
    expect(fake.opportunities()).toHaveLength(1);
  });

  it('reports a refused API key as an auth error, without retrying', async () => {
    const err = await failure(leverFor(fake, { apiKey: 'not-the-key' }).listPostings());
    expect(err).toMatchObject({ kind: 'auth', temporary: false, details: { status: 401 } });
    expect(err.message).toMatch(/Lever refused the API key/);
    expect(calls('GET', POSTINGS)).toHaveLength(1);

    fake.fault({ path: NOTES }, 'bad-key');
    const lever = leverFor(fake);
    const record = await lever.createCandidate(candidate(), {});
    expect((await failure(lever.addNote(record, { key: 'k', text: 'x' }))).kind).toBe('auth');
  });

  it('reports a key without permission for notes as a permission error', async () => {
    const lever = leverFor(fake);
    const record = await lever.createCandidate(candidate(), {});
    fake.fault({ method: 'POST', path: NOTES }, 'forbidden');
    const err = await failure(lever.addNote(record, { key: 'k', text: 'x' }));
    expect(err).toMatchObject({ kind: 'permission', temporary: false, details: { status: 403 } });
    expect(err.message).toMatch(/API key lacks the permission/);
  });

  it('says so when the acting user is missing, unknown or deactivated', async () => {
    const missing = await failure(leverFor(fake, { performAs: '' }).createCandidate(candidate(), {}));
    expect(missing).toMatchObject({ kind: 'invalid', details: { fields: ['perform_as'] } });
    expect(calls('POST', OPPS)).toHaveLength(0);

    const unknown = await failure(leverFor(fake, { performAs: '00000000-0000-4000-8000-000000000000' }).createCandidate(candidate(), {}));
    expect(unknown).toMatchObject({ kind: 'invalid', temporary: false, details: { status: 400, fields: ['perform_as'] } });
    expect(unknown.message).toMatch(/perform_as/);

    const former = fake.users.find((u) => u.deactivated)!;
    const deactivated = await failure(leverFor(fake, { performAs: former.id }).createCandidate(candidate(), {}));
    expect(deactivated).toMatchObject({ kind: 'permission', temporary: false, details: { status: 403 } });
    expect(deactivated.message).toMatch(/Lever user Parley writes as/);
    expect(fake.opportunities()).toHaveLength(0);
  });

  it('reports a posting Lever no longer has as not found', async () => {
    const err = await failure(leverFor(fake).createCandidate(candidate(), { postingId: '11111111-2222-4333-8444-555555555555' }));
    expect(err).toMatchObject({ kind: 'not-found', details: { status: 404 } });
    expect(fake.opportunities()).toHaveLength(0);
  });

  it('stays under Lever’s 10 requests a second on its own', async () => {
    const lever = leverFor(fake);
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, (_, i) => lever.findByEmail(`person${i}@example.com`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(calls('GET', OPPS)).toHaveLength(15);
  });

  it('the fake enforces Lever’s rate limit with 429 and Retry-After', async () => {
    const auth = `Basic ${Buffer.from(`${fake.apiKey}:`).toString('base64')}`;
    const answers = await Promise.all(Array.from({ length: 12 }, () => fetch(`${fake.url}/v1/postings?limit=1`, { headers: { authorization: auth } })));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited[0]!.json()).toMatchObject({ code: 'TooManyRequestsError' });
  });
});
