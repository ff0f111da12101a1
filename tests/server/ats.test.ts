import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLever, type FakeLever } from '../fakes/lever.js';
import { useParley } from './harness.js';

let lever: FakeLever;
beforeAll(async () => {
  lever = await startFakeLever();
});
afterAll(async () => lever?.close());

const t = useParley({ env: () => ({ LEVER_API_URL: `${lever.url}/v1`, LEVER_APP_URL: 'https://hire.lever.test', PROVIDER_TIMEOUT_MS: '800' }) });

let seq = 0;
const person = (overrides: Record<string, unknown> = {}) => {
  seq += 1;
  return {
    profileKey: `linkedin:in:ada-lovelace-${seq}`, profileUrl: `https://www.linkedin.com/in/ada-lovelace-${seq}/`, source: 'LinkedIn',
    firstName: 'Ada', lastName: 'Lovelace', emails: [`ada${seq}@example.com`], phones: ['+44 20 7946 0000'], headline: 'Analyst', company: 'Engines Ltd', location: 'London',
    ...overrides,
  };
};
type Candidate = { status: string; atsUrl: string | null; error: string | null; ats: string };

async function connected(policy: Record<string, boolean> = {}) {
  const { token } = await t.recruiter();
  const res = await t.request('/api/ats', { method: 'PUT', token, json: { ats: 'lever', apiKey: lever.apiKey, performAs: lever.users[0]!.id, ...policy } });
  expect(res.status).toBe(200);
  return token;
}
const exportOf = (token: string, body: unknown) => t.request('/api/ats/exports', { method: 'POST', token, json: body });
const stateOf = async (token: string, key: string) =>
  ((await (await t.request(`/api/ats/candidate?key=${encodeURIComponent(key)}`, { token })).json()) as { candidate: Candidate; entries: { text: string; pushed: boolean }[] });
const opportunitiesFor = (email: string) => lever.opportunities().filter((o) => o.emails.includes(email));
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    await t.db().query(`update jobs set run_at = now() where done_at is null`);
    await t.state.parley.deps.jobs.runDue();
  }
};

describe('connecting the ATS', () => {
  it('checks the key by reading the postings, and refuses a wrong one readably', async () => {
    const { token } = await t.recruiter();
    const bad = await t.request('/api/ats', { method: 'PUT', token, json: { ats: 'lever', apiKey: 'not-the-key-at-all', performAs: lever.users[0]!.id } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('Lever refused the API key');
    const ok = await t.request('/api/ats', { method: 'PUT', token, json: { ats: 'lever', apiKey: lever.apiKey, performAs: lever.users[0]!.id } });
    expect(await ok.json()).toEqual({ connected: true, ats: 'lever', postings: 104 });
    const sealed = await t.db().query<{ credentials_sealed: string }>(`select credentials_sealed from ats_connections`);
    expect(JSON.stringify(sealed)).not.toContain(lever.apiKey);
    const postings = (await (await t.request('/api/ats/postings', { token })).json()) as { postings: { id: string }[] };
    expect(postings.postings).toHaveLength(104);
  });
});

describe('exporting', () => {
  it('creates one opportunity with the posting, and gives the In-Lever link', async () => {
    const token = await connected();
    const posting = lever.postings.find((p) => p.state === 'published')!;
    const p = person({ postingId: posting.id });
    const res = await exportOf(token, p);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { candidate: Candidate }).candidate.status).toBe('pending');
    await settle();
    const { candidate } = await stateOf(token, p.profileKey);
    expect(candidate).toMatchObject({ status: 'exported', ats: 'lever' });
    expect(candidate.atsUrl).toMatch(/^https:\/\/hire\.lever\.test\/candidates\//);
    const opps = opportunitiesFor(p.emails[0]!);
    expect(opps).toHaveLength(1);
    expect(opps[0]).toMatchObject({ name: 'Ada Lovelace', origin: 'sourced', postings: [posting.id] });
    expect(opps[0]!.links[0]).toBe(p.profileUrl);
  });

  it('never duplicates: double clicks, a second export, and a person already in Lever', async () => {
    const token = await connected();
    const p = person();
    const answers = await Promise.all([exportOf(token, p), exportOf(token, p), exportOf(token, p)]);
    expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
    await settle();
    expect((await exportOf(token, p)).status).toBe(200);
    await settle();
    expect(opportunitiesFor(p.emails[0]!)).toHaveLength(1);

    // Same address, another profile (e.g. the Recruiter view of the same person): linked, not created.
    const again = person({ emails: p.emails, profileKey: 'linkedin:talent:AEMAAtwin', profileUrl: 'https://www.linkedin.com/talent/profile/AEMAAtwin' });
    await exportOf(token, again);
    await settle();
    expect((await stateOf(token, again.profileKey)).candidate.status).toBe('linked');
    expect(opportunitiesFor(p.emails[0]!)).toHaveLength(1);
  });

  it('queues through an outage and a timed-out create, and still makes exactly one', async () => {
    const token = await connected();
    const p = person();
    lever.fault({ method: 'POST', path: /\/opportunities$/, times: 4 }, { status: 503 });
    await exportOf(token, p);
    await t.state.parley.deps.jobs.runDue();
    const pending = await stateOf(token, p.profileKey);
    expect(pending.candidate.status).toBe('pending');
    expect(pending.candidate.error).toMatch(/will finish by itself/);
    lever.fault({ method: 'POST', path: /\/opportunities$/, times: 1 }, { delayMs: 1500 });
    await settle();
    await new Promise((r) => setTimeout(r, 1600));
    await settle();
    expect((await stateOf(token, p.profileKey)).candidate.status).toBe('exported');
    expect(opportunitiesFor(p.emails[0]!)).toHaveLength(1);
  });

  it('asks for the minimum the ATS needs, field by field', async () => {
    const token = await connected();
    const res = await exportOf(token, person({ firstName: '', emails: [] }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(error.fields).toMatchObject({ firstName: 'Enter the first name', emails: 'Enter at least one email address' });
    const unknownPosting = await exportOf(token, person({ postingId: 'no-such-posting' }));
    expect(unknownPosting.status).toBe(400);
  });

  it('with "export only after reply", explains why until the candidate replied', async () => {
    const token = await connected({ exportOnlyAfterReply: true });
    const p = person();
    const refused = await exportOf(token, p);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("hasn't replied yet");
    expect((await exportOf(token, { ...p, replied: true })).status).toBe(202);
  });
});

describe('after export', () => {
  it('pushes notes once, messages when the workspace wants them, and nothing after unlinking', async () => {
    const token = await connected({ pushMessages: true });
    const p = person();
    await exportOf(token, p);
    // A note written while the export is still pending goes out right after it.
    await t.request(`/api/ats/candidate/notes?key=${encodeURIComponent(p.profileKey)}`, { method: 'POST', token, json: { key: 'note-aaaaaaaa', text: 'Strong on analytics' } });
    await settle();
    await t.request(`/api/ats/candidate/messages?key=${encodeURIComponent(p.profileKey)}`, {
      method: 'POST', token, json: { messages: [{ key: 'msg-1', direction: 'sent', at: Date.parse('2026-03-01T10:00:00Z'), from: 'Rita', to: 'Ada', text: 'Hi Ada!' }] },
    });
    await settle();
    await settle();
    const notes = opportunitiesFor(p.emails[0]!)[0]!.notes.map((n) => n.value);
    expect(notes.filter((n) => n.includes('Strong on analytics'))).toHaveLength(1);
    expect(notes.filter((n) => n.includes('Hi Ada!'))).toHaveLength(1);
    expect((await stateOf(token, p.profileKey)).entries.every((e) => e.pushed)).toBe(true);

    expect((await t.request('/api/ats', { method: 'DELETE', token })).status).toBe(200);
    await t.request(`/api/ats/candidate/notes?key=${encodeURIComponent(p.profileKey)}`, { method: 'POST', token, json: { key: 'note-bbbbbbbb', text: 'After unlinking' } });
    await settle();
    expect(opportunitiesFor(p.emails[0]!)[0]!.notes.some((n) => n.value.includes('After unlinking'))).toBe(false);
    expect(opportunitiesFor(p.emails[0]!)).toHaveLength(1); // still in Lever
  });

  it('lists candidates for the extension cache and deletes Parley’s data on request', async () => {
    const token = await connected();
    const p = person();
    await exportOf(token, p);
    await settle();
    const list = (await (await t.request('/api/ats/candidates', { token })).json()) as { candidates: { profileKey: string; status: string }[] };
    expect(list.candidates.map((c) => [c.profileKey, c.status])).toEqual([[p.profileKey, 'exported']]);
    expect((await t.request(`/api/ats/candidate?key=${encodeURIComponent(p.profileKey)}`, { method: 'DELETE', token })).status).toBe(200);
    expect((await t.request(`/api/ats/candidate?key=${encodeURIComponent(p.profileKey)}`, { token })).status).toBe(404);
    expect(await t.db().query(`select 1 from ats_candidates`)).toHaveLength(0);
  });
});
