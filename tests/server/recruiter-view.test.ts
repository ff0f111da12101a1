import { describe, expect, it } from 'vitest';
import { hashToken, TOKEN_PATTERN } from '../../server/secrets.js';
import { useParley } from './harness.js';

const t = useParley();
const TUE_9AM = '2026-03-03T14:00:00.000Z';
const WED_9AM = '2026-03-04T14:00:00.000Z';

type Interview = { id: string; link: string; video: null | { joinUrl: string; accessCode: string | null; candidateJoinUrl: string; candidateAccessCode: string | null } };

async function book(video: string | null = 'jitsi', name = 'Carla Candidate') {
  const rec = await t.recruiter();
  const inv = await t.invitation(rec.token, { key: 'linkedin:in:carla', name: 'Carla Candidate' }, { video });
  const res = await t.request(`/b/${inv.linkToken}/book`, {
    method: 'POST',
    json: { start: TUE_9AM, timeZone: 'Asia/Kolkata', name, country: 'IN', phone: '98765 43210', email: 'carla@example.com', note: 'custom', customNote: 'Looking forward!\nSee you' },
  });
  expect(res.status).toBe(201);
  await t.state.parley.deps.jobs.runDue();
  const { interviews } = (await (await t.request('/api/interviews', { token: rec.token })).json()) as { interviews: Interview[] };
  return { ...rec, inv, interview: interviews[0]! };
}

const recruiterMails = () => t.state.outbox.filter((m) => m.to === 'rita@example.com');
const viewLink = (text: string) => /Open in Parley: (http:\/\/parley\.test\/r\/([A-Za-z0-9_-]+))/.exec(text);

describe("the recruiter's own view (/r/:token)", () => {
  it("is what the recruiter's mail opens: never the candidate's booking link or join link", async () => {
    const { inv, interview } = await book();
    const v = interview.video!;
    const [mail] = recruiterMails();
    expect(mail).toBeDefined();
    const match = viewLink(mail!.text);
    expect(match).not.toBeNull();
    const token = match![2]!;
    expect(token).toMatch(TOKEN_PATTERN); // 192 bits
    expect(token).not.toBe(inv.linkToken);
    // Text, HTML and the calendar file: no candidate token anywhere.
    const everything = [mail!.text, mail!.html ?? '', mail!.ics?.content.replace(/\r\n /g, '') ?? ''].join('\n');
    expect(everything).not.toContain(inv.linkToken);
    expect(everything).not.toContain(v.candidateJoinUrl);
    expect(mail!.html).toContain(`<a href="http://parley.test/r/${token}">Open in Parley</a>`);
    expect(mail!.ics!.content.replace(/\r\n /g, '')).toContain(`http://parley.test/r/${token}`);
    // The candidate's confirmation still has their own page, and not the recruiter's.
    const toCandidate = t.state.outbox.find((m) => m.to === 'carla@example.com')!;
    expect(toCandidate.text).toContain(`/b/${inv.linkToken}`);
    expect(toCandidate.text).not.toContain(token);
  });

  it("shows the interview, the candidate's contact and the recruiter's own join link and code, and points to the popup", async () => {
    const { inv, interview } = await book();
    const v = interview.video!;
    const token = viewLink(recruiterMails()[0]!.text)![2]!;
    const res = await t.request(`/r/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'nonce-");
    expect(csp).not.toContain('unsafe-inline');
    const page = await res.text();
    expect(page).toContain('Interview: Carla Candidate');
    expect(page).toContain('Tuesday, March 3, 2026, 9:00 AM – 9:30 AM (America/New_York)');
    expect(page).toContain('Tuesday, March 3, 2026, 7:30 PM – 8:00 PM (Asia/Kolkata)');
    expect(page).toContain('<a href="tel:+919876543210">+919876543210</a>');
    expect(page).toContain('carla@example.com');
    expect(page).toContain('Looking forward!<br>See you');
    expect(page).toContain(v.joinUrl);
    expect(page).toContain(v.accessCode!);
    expect(page).toContain('open the <strong>Parley</strong> extension');
    // Nothing of the candidate's: not the booking link, not their join link, no form that acts for them.
    expect(page).not.toContain(inv.linkToken);
    expect(page).not.toContain(v.candidateJoinUrl);
    if (v.candidateAccessCode !== v.accessCode) expect(page).not.toContain(v.candidateAccessCode!);
    expect(page).not.toContain('/b/');
    expect(page).not.toMatch(/<form/i);
  });

  it('stores the token only hashed and sealed, and keeps one link per interview across reschedule and cancel', async () => {
    const { inv } = await book(null);
    const token = viewLink(recruiterMails()[0]!.text)![2]!;
    const rows = await t.db().query<{ token_hash: string; token_sealed: string }>(`select token_hash, token_sealed from recruiter_links`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(rows[0]!.token_sealed).not.toContain(token);

    expect((await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: WED_9AM, timeZone: 'Asia/Kolkata' } })).status).toBe(200);
    await t.state.parley.deps.jobs.runDue();
    const moved = recruiterMails().find((m) => m.subject.startsWith('Interview rescheduled'))!;
    expect(viewLink(moved.text)![2]).toBe(token);
    expect(await (await t.request(`/r/${token}`)).text()).toContain('Wednesday, March 4, 2026, 9:00 AM');

    expect((await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', json: {} })).status).toBe(200);
    await t.state.parley.deps.jobs.runDue();
    const cancelled = recruiterMails().find((m) => m.subject.startsWith('Interview cancelled'))!;
    expect(viewLink(cancelled.text)![2]).toBe(token);
    const page = await (await t.request(`/r/${token}`)).text();
    expect(page).toContain('This interview was cancelled by the candidate.');
    expect(page).not.toContain(inv.linkToken);
    expect(await t.db().query(`select 1 from recruiter_links`)).toHaveLength(1);
  });

  it("shows a hostile candidate's name and note only as text", async () => {
    await book(null, '<script>alert(1)</script>"onerror=x');
    const token = viewLink(recruiterMails()[0]!.text)![2]!;
    const page = await (await t.request(`/r/${token}`)).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toMatch(/<[^>]*\sonerror=/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=x');
  });

  it('stops opening 30 days after the interview ended, and says where the interview still is', async () => {
    const { interview } = await book(null);
    const token = viewLink(recruiterMails()[0]!.text)![2]!;
    const [row] = await t.db().query<{ ends_at: Date }>(`select ends_at from bookings where id = $1`, [interview.id]);
    t.state.now = row!.ends_at.getTime() + 30 * 86_400_000;
    expect((await t.request(`/r/${token}`)).status).toBe(200);
    t.state.now += 60_000;
    const expired = await t.request(`/r/${token}`);
    expect(expired.status).toBe(410);
    const page = await expired.text();
    expect(page).toContain('This link has expired');
    expect(page).toContain('still in the Parley extension');
    expect(page).not.toContain('carla@example.com');
  });

  it('refuses malformed and unknown tokens, and never answers a candidate token', async () => {
    const { inv } = await book(null);
    expect((await t.request('/r/not-a-token')).status).toBe(400);
    expect((await t.request(`/r/${'A'.repeat(32)}`)).status).toBe(404);
    expect((await t.request(`/r/${inv.linkToken}`)).status).toBe(404);
  });
});
