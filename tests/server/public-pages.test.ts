import { describe, expect, it } from 'vitest';
import { form, useParley } from './harness.js';

/*
 * The public pages (booking, join, interviewer) against a hostile candidate, recipient, recruiter
 * or interviewer name: every text they control is shown escaped, never as markup, and every page
 * carries the headers that keep it out of frames and its links out of Referer headers.
 */
const t = useParley();
const TUE_9AM = '2026-03-03T14:00:00.000Z';
const WED_9AM = '2026-03-04T14:00:00.000Z';
const PAYLOADS = ['<script>alert(1)</script>', '"onerror=alert(1) x="'];
type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

/** How hono/html writes a text: & < > " ' as entities. */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Where `needle` first occurs, with some context, for failure messages (pages are long). */
const around = (page: string, needle: string | RegExp) => {
  const i = typeof needle === 'string' ? page.indexOf(needle) : page.search(needle);
  return i < 0 ? '(absent)' : page.slice(Math.max(0, i - 80), i + 120);
};

/** The payload is on the page, but only as text: no script from it, no attribute broken out of. */
function expectOnlyEscaped(page: string, payload: string, where: string) {
  expect(page.includes(payload), `${where}: raw payload at ${around(page, payload)}`).toBe(false);
  expect(/<script>alert/i.test(page), `${where}: a script element from the payload at ${around(page, /<script>alert/i)}`).toBe(false);
  expect(/<[^>]*\sonerror\s*=/i.test(page), `${where}: an onerror attribute at ${around(page, /<[^>]*\sonerror\s*=/i)}`).toBe(false);
  expect(page.includes(escaped(payload)), `${where}: the payload, escaped, is not on the page`).toBe(true);
}

/** A hostile query value is not taken up at all. */
function expectNotEchoed(page: string, payload: string, where: string) {
  expect(page.includes(payload), `${where}: raw payload at ${around(page, payload)}`).toBe(false);
  expect(page.includes(`"${escaped(payload)}"`), `${where}: echoed as an attribute at ${around(page, `"${escaped(payload)}"`)}`).toBe(false);
}

/** The headers of a public page, and every script on it carrying the policy's nonce. */
async function expectSafePage(res: Response, where: string): Promise<string> {
  const page = await res.text();
  expect(res.headers.get('content-type'), where).toContain('text/html');
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...v]) => [name!, v]));
  expect(directives.get('default-src'), `${where}: ${csp}`).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors'), where).toEqual(["'none'"]);
  expect(directives.get('base-uri'), where).toEqual(["'none'"]);
  const scriptSrc = directives.get('script-src') ?? [];
  expect(scriptSrc.length, where).toBeGreaterThan(0);
  for (const source of scriptSrc) expect(source, `${where}: script-src allows only a nonce`).toMatch(/^'nonce-[A-Za-z0-9+/=_-]+'$/);
  expect(csp, where).not.toMatch(/unsafe-(inline|eval)/);
  expect(res.headers.get('x-frame-options'), where).toBe('DENY');
  expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  for (const tag of page.match(/<script\b[^>]*>/gi) ?? []) {
    const nonce = /\snonce="([^"]+)"/.exec(tag)?.[1];
    expect(nonce, `${where}: ${tag} without a nonce`).toBeTruthy();
    expect(scriptSrc, where).toContain(`'nonce-${nonce}'`);
  }
  // No inline event handlers or javascript: links anywhere (the policy would block them; none should be written).
  expect(/<[^>]*\son[a-z]+\s*=/i.test(page), `${where}: an event handler attribute at ${around(page, /<[^>]*\son[a-z]+\s*=/i)}`).toBe(false);
  expect(/(href|src|action)\s*=\s*"\s*javascript:/i.test(page), `${where}: a javascript: URL`).toBe(false);
  return page;
}

const candidate = (extra: Record<string, string> = {}) => ({
  start: TUE_9AM, timeZone: 'Asia/Kolkata', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none', customNote: '', ...extra,
});

describe.each(PAYLOADS)('public pages with %s', (payload) => {
  it('booking: the recruiter’s and recipient’s names, and time zone queries', async () => {
    const rec = await t.recruiter({ name: `Rita ${payload}` });
    const inv = await t.invitation(rec.token, { key: 'linkedin:in:carla', name: `Carla ${payload}` });
    const base = `/b/${inv.linkToken}`;

    let page = await expectSafePage(await t.request(base), 'booking page');
    expectOnlyEscaped(page, payload, 'booking page');
    page = await expectSafePage(await t.request(`${base}?tz=${encodeURIComponent(payload)}`), 'booking page, hostile tz');
    expectNotEchoed(page, payload, 'booking page, hostile tz');

    const confirm = await t.request(`${base}/confirm?start=${encodeURIComponent(TUE_9AM)}&tz=Asia%2FKolkata`);
    page = await expectSafePage(confirm, 'confirm page');
    expectOnlyEscaped(page, payload, 'confirm page');
    const hostileTz = await t.request(`${base}/confirm?start=${encodeURIComponent(TUE_9AM)}&tz=${encodeURIComponent(payload)}`);
    expect(hostileTz.status).toBe(303);
    expect(hostileTz.headers.get('location')).toBe(base);
  });

  it('booking: every field the candidate types, shown back after an error', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    const base = `/b/${inv.linkToken}`;
    // Each field hostile in turn (the others valid), so each is shown back beside its own error.
    for (const field of ['name', 'phone', 'email', 'customNote', 'timeZone'] as const) {
      // A hostile name or note is valid: another field is left empty so that the form comes back.
      const values = candidate({ ...(field === 'name' ? { phone: '' } : {}), ...(field === 'customNote' ? { note: 'custom', name: '' } : {}), [field]: payload });
      const res = await t.request(`${base}/book`, form(values));
      expect(res.status, field).toBe(400);
      const page = await expectSafePage(res, `confirm page, ${field}`);
      if (field === 'timeZone') {
        // An unknown zone is not echoed at all: the page falls back to the recruiter's zone.
        expectNotEchoed(page, payload, 'confirm page, timeZone');
      } else {
        expectOnlyEscaped(page, payload, `confirm page, ${field}`);
      }
    }
    // A name that is valid but hostile: booked, then on the confirmation, reschedule and join pages.
    const booked = await t.request(`${base}/book`, form(candidate({ name: `Carla ${payload}`, note: 'custom', customNote: payload })));
    expect(booked.status).toBe(303);
    await expectSafePage(await t.request(base), 'confirmation page');
    await expectSafePage(await t.request(`${base}?reschedule=1&tz=${encodeURIComponent(payload)}`), 'reschedule list');
    const moveTo = await t.request(`${base}/confirm?start=${encodeURIComponent(WED_9AM)}&tz=Asia%2FKolkata&reschedule=1`);
    await expectSafePage(moveTo, 'reschedule confirm page');
  });

  it('join: the candidate’s name on the recruiter’s and interviewers’ links, and time zone queries', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token, { key: 'linkedin:in:carla', name: 'Carla' }, { video: 'jitsi' });
    const res = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate({ name: `Carla ${payload}`, note: 'custom', customNote: payload }) });
    expect(res.status).toBe(201);
    await t.state.parley.deps.jobs.runDue();
    const [interview] = (await json(await t.request('/api/interviews', { token: rec.token }))).interviews as Json[];
    const recruiterLink = new URL(interview!.video.joinUrl).pathname;
    const candidateLink = new URL(interview!.video.candidateJoinUrl).pathname;

    let page = await expectSafePage(await t.request(recruiterLink), 'join page (recruiter)');
    expectOnlyEscaped(page, payload, 'join page (recruiter)');
    t.state.now = Date.parse(TUE_9AM) - 5 * 60_000;
    page = await expectSafePage(await t.request(recruiterLink), 'join page (recruiter), open');
    expectOnlyEscaped(page, payload, 'join page (recruiter), open');
    page = await expectSafePage(await t.request(`${candidateLink}?tz=${encodeURIComponent(payload)}`), 'join page (candidate), hostile tz');
    expectNotEchoed(page, payload, 'join page (candidate), hostile tz');
    const wrong = await t.request(candidateLink, form({ code: payload }));
    expect(wrong.status).toBe(400);
    page = await expectSafePage(wrong, 'join page, wrong code');
    expectNotEchoed(page, payload, 'join page, wrong code');
    // The policy still lets the form go on to the provider's https meeting, nowhere else.
    expect(wrong.headers.get('content-security-policy')).toContain("form-action 'self' https:;");
  });

  it('panels: template, session and interviewer names on the booking page, and the interviewer page', async () => {
    const rita = await t.recruiter();
    await t.request('/api/auth/register', { method: 'POST', json: { email: 'dana@example.com', name: 'Dana', password: 'correct horse battery', timeZone: 'Europe/London' } });
    const add = async (email: string, name: string) =>
      (await json(await t.request('/api/panels/interviewers', { method: 'POST', token: rita.token, json: { email, name } }))).interviewer as Json;
    const dana = await add('dana@example.com', `Dana ${payload}`);
    await add('pat@example.com', `Pat ${payload}`); // no account yet: mailed a one-time link
    const created = await t.request('/api/panels/templates', {
      method: 'POST', token: rita.token,
      json: {
        name: `Loop ${payload}`, shape: 'sequence', order: 'fixed', gapMinutes: 0, video: null,
        message: 'Please book: {booking_link}',
        sessions: [{ name: `Design ${payload}`, durationMinutes: 45, interviewers: [dana.id], pool: [] }],
      },
    });
    expect(created.status).toBe(201);
    const template = (await json(created)).template as Json;
    const shared = await json(await t.request(`/api/panels/templates/${template.id}/share`, {
      method: 'POST', token: rita.token, json: { recipient: { key: 'linkedin:in:carla', name: 'Carla' } },
    }));
    const linkToken = String(shared.invitation.url).split('/b/')[1]!;
    const page = await expectSafePage(await t.request(`/b/${linkToken}`), 'panel booking page');
    expectOnlyEscaped(page, `Loop ${payload}`, 'panel booking page, template name');
    expectOnlyEscaped(page, `Design ${payload}`, 'panel booking page, session name');
    expectOnlyEscaped(page, `Dana ${payload}`, 'panel booking page, interviewer name');

    await t.state.parley.deps.jobs.runDue();
    const mail = t.state.outbox.find((m) => m.to === 'pat@example.com')!;
    const invite = /\/i\/([A-Za-z0-9_-]{32})/.exec(mail.text)![1]!;
    const interviewerPage = await expectSafePage(await t.request(`/i/${invite}`), 'interviewer page');
    expectOnlyEscaped(interviewerPage, `Pat ${payload}`, 'interviewer page');
    const badHours = await t.request(`/i/${invite}/hours`, form({ timeZone: payload, start: '09:00', end: '17:00' }));
    expect(badHours.status).toBe(400);
    expectNotEchoed(await expectSafePage(badHours, 'interviewer page, error'), payload, 'interviewer page, error');
  });
});

describe('every public page', () => {
  it('has the headers, including message pages and refusals', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    for (const path of ['/b/not-a-token', `/b/${'A'.repeat(32)}`, `/j/${'A'.repeat(32)}`, '/j/nope', `/i/${'A'.repeat(32)}`, `/b/${inv.linkToken}`]) {
      await expectSafePage(await t.request(path), path);
    }
  });
});
