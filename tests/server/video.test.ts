import { describe, expect, it } from 'vitest';
import { form, useParley } from './harness.js';

const t = useParley();
const TUE_9AM = '2026-03-03T14:00:00.000Z';
const START = Date.parse(TUE_9AM);

async function bookWithVideo(video: string | null = 'jitsi', settings = {}) {
  const rec = await t.recruiter({ settings });
  const inv = await t.invitation(rec.token, { key: 'linkedin:in:carla', name: 'Carla Candidate' }, { video });
  const res = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: TUE_9AM, timeZone: 'Asia/Kolkata', name: 'Carla Candidate', country: 'IN', phone: '98765 43210', email: 'carla@example.com' } });
  expect(res.status).toBe(201);
  await t.state.parley.deps.jobs.runDue();
  const { interviews } = (await (await t.request('/api/interviews', { token: rec.token })).json()) as { interviews: Interview[] };
  return { ...rec, inv, interview: interviews[0]! };
}
type Interview = { id: string; video: null | { provider: string; status: string; joinUrl: string; accessCode: string | null; candidateJoinUrl: string; candidateAccessCode: string | null; error: string | null } };
const path = (url: string) => new URL(url).pathname;
const join = (url: string, code?: string) => t.request(path(url), form(code === undefined ? {} : { code }));

describe('video on a booking', () => {
  it('makes a meeting and gives the candidate and the recruiter different links and codes', async () => {
    const { interview, inv } = await bookWithVideo();
    const v = interview.video!;
    expect(v).toMatchObject({ provider: 'jitsi', status: 'ready', error: null });
    expect(v.joinUrl).toMatch(/^http:\/\/parley\.test\/j\/[A-Za-z0-9_-]{32}$/);
    expect(v.candidateJoinUrl).not.toBe(v.joinUrl);
    expect(v.accessCode).toMatch(/^\d{6}$/);
    expect(v.candidateAccessCode).toMatch(/^\d{6}$/);

    // The candidate's confirmation, .ics and mail carry their own link and code — never the recruiter's, never the room.
    const page = await (await t.request(`/b/${inv.linkToken}`)).text();
    expect(page).toContain(v.candidateJoinUrl);
    expect(page).toContain(v.candidateAccessCode);
    expect(page).not.toContain(v.joinUrl);
    expect(page).not.toContain('meet.jit.si');
    const ics = (await (await t.request(`/b/${inv.linkToken}/interview.ics`)).text()).replace(/\r\n /g, '');
    expect(ics).toContain(v.candidateJoinUrl);
    expect(ics).not.toContain('meet.jit.si');
    const toCandidate = t.state.outbox.find((m) => m.to === 'carla@example.com')!;
    expect(toCandidate.text).toContain(v.candidateJoinUrl);
    expect(toCandidate.text).toContain(v.candidateAccessCode!);
    expect(toCandidate.text).not.toContain(v.joinUrl);
    const toRecruiter = t.state.outbox.find((m) => m.to === 'rita@example.com')!;
    expect(toRecruiter.text).toContain(v.joinUrl);
    expect(toRecruiter.text).not.toContain(v.candidateJoinUrl);
  });

  it('forwards only inside the window, with the right code, and records every attempt', async () => {
    const { interview } = await bookWithVideo();
    const v = interview.video!;
    // A day early: the page says when it opens, and a join is refused.
    let page = await (await t.request(`${path(v.candidateJoinUrl)}?tz=Asia/Kolkata`)).text();
    expect(page).toContain('The interview opens at Tuesday, March 3, 2026, 7:20 PM');
    expect((await join(v.candidateJoinUrl, v.candidateAccessCode!)).status).toBe(409);

    t.state.now = START - 9 * 60_000; // 9 minutes before: open
    const open = await t.request(path(v.candidateJoinUrl));
    // The browser may follow the form's redirect to the provider.
    expect(open.headers.get('content-security-policy')).toContain("form-action 'self' https:");
    page = await open.text();
    expect(page).toContain('Join interview');
    expect(page).toContain('Access code');
    const wrong = await join(v.candidateJoinUrl, '000000' === v.candidateAccessCode ? '111111' : '000000');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That access code is not right');
    const ok = await join(v.candidateJoinUrl, v.candidateAccessCode!);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^https:\/\/meet\.jit\.si\/Parley-[a-z2-7]{26}$/);
    // The recruiter's link reaches the same meeting with the recruiter's code only.
    expect((await join(v.joinUrl, v.candidateAccessCode!)).status).toBe(v.accessCode === v.candidateAccessCode ? 303 : 400);
    expect((await join(v.joinUrl, v.accessCode!)).headers.get('location')).toBe(ok.headers.get('location'));

    t.state.now = START + 31 * 60_000; // after the end
    expect(await (await t.request(path(v.candidateJoinUrl))).text()).toContain('This interview has ended');
    expect((await join(v.candidateJoinUrl, v.candidateAccessCode!)).status).toBe(409);

    const outcomes = (await t.db().query<{ outcome: string }>(`select outcome from join_events order by at`)).map((r) => r.outcome);
    expect(outcomes).toEqual(['too-early', 'wrong-code', 'joined', ...(v.accessCode === v.candidateAccessCode ? ['joined'] : ['wrong-code']), 'joined', 'too-late']);
  });

  it('limits wrong codes per link, even when the right one follows', async () => {
    const { interview } = await bookWithVideo();
    const v = interview.video!;
    t.state.now = START;
    const bad = v.candidateAccessCode === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) expect((await join(v.candidateJoinUrl, bad)).status).toBe(400);
    const locked = await join(v.candidateJoinUrl, v.candidateAccessCode!);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many wrong access codes');
  });

  it('keeps the same join links through a reschedule and closes them on cancel', async () => {
    const { interview, inv } = await bookWithVideo();
    const v = interview.video!;
    const room = async () => {
      t.state.now = Date.parse((await (await t.request('/api/interviews', { token: (await login()).token })).json() as { interviews: { start: string }[] }).interviews[0]!.start);
      return (await join(v.candidateJoinUrl, v.candidateAccessCode!)).headers.get('location');
    };
    const before = await room();
    t.state.now = Date.parse('2026-03-02T12:00:00Z');
    expect((await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: '2026-03-04T15:00:00Z', timeZone: 'Asia/Kolkata' } })).status).toBe(200);
    await t.state.parley.deps.jobs.runDue();
    expect(await room()).toBe(before);
    t.state.now = Date.parse('2026-03-02T12:00:00Z');
    await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', json: {} });
    await t.state.parley.deps.jobs.runDue();
    t.state.now = Date.parse('2026-03-04T15:00:00Z');
    expect(await (await t.request(path(v.candidateJoinUrl))).text()).toContain('This interview was cancelled');
    expect((await join(v.candidateJoinUrl, v.candidateAccessCode!)).status).toBe(409);
  });

  it('keeps the booking and tells both sides in their own words when the meeting cannot be made', async () => {
    const { interview, inv, token } = await bookWithVideo('zoom');
    expect(interview.video).toMatchObject({ provider: 'zoom', status: 'failed' });
    expect(interview.video!.error).toContain("Something went wrong with generating the video conference for Carla Candidate's meeting");
    const notes = (await (await t.request('/api/notifications', { token })).json()) as { notifications: { kind: string; message: string }[] };
    expect(notes.notifications.some((n) => n.kind === 'video-failed' && n.message.includes('Zoom is not set up'))).toBe(true);
    const page = await (await t.request(`/b/${inv.linkToken}`)).text();
    expect(page).toContain('Something went wrong with the video conference. You can contact the recruiter for support.');
    expect(page).toContain('Your interview is scheduled');
  });

  it('books without video when the link has none', async () => {
    const { interview } = await bookWithVideo(null);
    expect(interview.video).toBeNull();
  });
});

async function login() {
  const res = await t.request('/api/auth/login', { method: 'POST', json: { email: 'rita@example.com', password: 'correct horse battery' } });
  return (await res.json()) as { token: string };
}

describe('Add video link', () => {
  it('finds the next interview with a person, or creates one at a chosen time', async () => {
    const { token } = await t.recruiter();
    const none = (await (await t.request('/api/interviews/next?recipientKey=linkedin:in:dana', { token })).json()) as { interview: null };
    expect(none.interview).toBeNull();
    const created = await t.request('/api/interviews', { method: 'POST', token, json: { recipient: { key: 'linkedin:in:dana', name: 'Dana Doe' }, start: '2026-03-02T12:30:00Z', durationMinutes: 45, video: 'jitsi' } });
    expect(created.status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const next = (await (await t.request('/api/interviews/next?recipientKey=linkedin:in:dana', { token })).json()) as { interview: Interview & { start: string; candidateName: string } };
    expect(next.interview).toMatchObject({ start: '2026-03-02T12:30:00.000Z', candidateName: 'Dana Doe', video: { status: 'ready' } });
    // It is within 10 minutes of now+30: still too early; at 12:25 it opens.
    t.state.now = Date.parse('2026-03-02T12:25:00Z');
    expect((await join(next.interview.video!.candidateJoinUrl, next.interview.video!.candidateAccessCode!)).status).toBe(303);

    const overlap = await t.request('/api/interviews', { method: 'POST', token, json: { recipient: { key: 'linkedin:in:eve', name: 'Eve' }, start: '2026-03-02T12:45:00Z', durationMinutes: 30, video: 'jitsi' } });
    expect(overlap.status).toBe(409);
    const past = await t.request('/api/interviews', { method: 'POST', token, json: { recipient: { key: 'linkedin:in:eve', name: 'Eve' }, start: '2026-03-01T12:45:00Z', durationMinutes: 30, video: 'jitsi' } });
    expect(past.status).toBe(400);
  });

  it('gives each interviewer a link of their own, hidden until the interview day, and mails it', async () => {
    const { interview, token } = await bookWithVideo();
    const add = async (name: string, email: string) =>
      (await (await t.request(`/api/interviews/${interview.id}/participants`, { method: 'POST', token, json: { name, email } })).json()) as { participants: { url: string; code: string }[] };
    await add('Ian Interviewer', 'ian@example.com');
    const { participants } = await add('Ivy Interviewer', 'ivy@example.com');
    expect(participants).toHaveLength(2);
    expect(new Set([...participants.map((p) => p.url), interview.video!.joinUrl, interview.video!.candidateJoinUrl]).size).toBe(4);
    const before = await (await t.request(path(participants[0]!.url))).text();
    expect(before).toContain('This link opens on the day of the interview');
    expect(before).not.toContain('Carla');
    t.state.now = START - 60 * 60_000;
    expect(await (await t.request(path(participants[0]!.url))).text()).toContain('Interview: Carla Candidate');
    await t.state.parley.deps.jobs.runDue();
    const mail = t.state.outbox.find((m) => m.to === 'ian@example.com')!;
    expect(mail.text).toContain(participants[0]!.url);
    expect(mail.text).not.toContain(participants[1]!.url);
  });
});
