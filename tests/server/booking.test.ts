import { describe, expect, it } from 'vitest';
import { form, useParley } from './harness.js';

const t = useParley();
// The clock starts Monday 2026-03-02 12:00Z; the recruiter works 9–17 in New York (UTC−5 until Mar 8).
const TUE_9AM = '2026-03-03T14:00:00.000Z';

async function setup(settings = {}) {
  const rec = await t.recruiter({ settings });
  const inv = await t.invitation(rec.token);
  return { ...rec, inv };
}

const candidate = (start: string, extra: Record<string, string> = {}) => ({
  start, timeZone: 'Asia/Kolkata', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'thanks', ...extra,
});

async function slots(linkToken: string, tz = 'Asia/Kolkata') {
  const res = await t.request(`/b/${linkToken}/slots?tz=${encodeURIComponent(tz)}`);
  return ((await res.json()) as { slots: { start: string }[] }).slots.map((s) => s.start);
}

describe('the booking page', () => {
  it('shows the recruiter, the length and free days in the chosen zone, and marks the link opened', async () => {
    const { inv, token } = await setup();
    const res = await t.request(`/b/${inv.linkToken}?tz=Asia/Kolkata`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Book a time with Rita Recruiter');
    expect(page).toContain('30 minutes');
    // 9:00 New York (EST) is 19:30 in Kolkata.
    expect(page).toContain('<h2>Tuesday, March 3</h2>');
    expect(page).toContain('7:30 PM');
    expect(page).not.toContain('<h2>Monday, March 2</h2>'); // no same-day meetings
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const list = await t.request('/api/invitations', { token });
    expect(((await list.json()) as { invitations: { status: string }[] }).invitations[0]!.status).toBe('opened');
  });

  it('leaves out busy time of the built-in calendar and answers the slots as JSON', async () => {
    const { inv, token } = await setup();
    expect(await slots(inv.linkToken)).toContain(TUE_9AM);
    await t.request('/api/calendar/events', { method: 'POST', token, json: { start: '2026-03-03T13:30:00Z', end: '2026-03-03T15:00:00Z' } });
    const free = await slots(inv.linkToken);
    expect(free).not.toContain(TUE_9AM);
    expect(free).not.toContain('2026-03-03T14:30:00.000Z');
    expect(free).toContain('2026-03-03T15:00:00.000Z');
  });

  it('says "no times left" when the calendar is full, and tells the candidate to reply', async () => {
    const { inv, token } = await setup({ horizonDays: 2 });
    await t.request('/api/calendar/events', { method: 'POST', token, json: { start: '2026-03-02T00:00:00Z', end: '2026-03-06T00:00:00Z' } });
    const page = await (await t.request(`/b/${inv.linkToken}`)).text();
    expect(page).toContain('No times left in the next 2 days — reply to Rita Recruiter on LinkedIn to find another time.');
    // The enhancement script shows the same text when a zone change leaves no times.
    expect(page).toContain('data-empty="No times left in the next 2 days');
    expect(page).not.toContain('class="slot"');
  });

  it('heads the page with the recruiter, the interview and its video, and serves the calendar script with the page nonce', async () => {
    const { inv } = await setup();
    const res = await t.request(`/b/${inv.linkToken}?tz=Asia/Kolkata`);
    const page = await res.text();
    expect(page).toContain('<span class="avatar" aria-hidden="true">RR</span>');
    expect(page).toContain('<span>Interview</span>');
    expect(page).toContain('<span>for Carla Candidate</span>');
    // The searchable zone picker: the current zone, and places to search by.
    expect(page).toContain('<input id="tz" name="tz" list="tz-list" value="Asia/Kolkata"');
    expect(page).toMatch(/<option value="Europe\/Berlin" label="Berlin, Germany · UTC\+01:00">/);
    // Each time is a plain link (the page without JavaScript) carrying its instant for the script.
    expect(page).toContain('data-start="2026-03-03T14:00:00.000Z" data-end="2026-03-03T14:30:00.000Z" aria-label="Tuesday, March 3 at 7:30 PM"');
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    const src = new RegExp(`<script src="(/assets/booking\\.js\\?v=[0-9a-f]+)" nonce="${nonce?.replace(/[+/=]/g, '\\$&')}" defer>`).exec(page)?.[1];
    expect(src).toBeDefined();
    const script = await t.request(src!);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain("role', 'gridcell'");
  });

  it('names the video provider when the link has one', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token, undefined, { video: 'jitsi' });
    const page = await (await t.request(`/b/${inv.linkToken}?tz=UTC`)).text();
    expect(page).toContain('<span>Jitsi Meet video call</span>');
  });

  it('answers malformed, unknown and wrong-type requests with clear 4xx', async () => {
    const { inv } = await setup();
    expect((await t.request('/b/not-a-token')).status).toBe(400);
    expect((await t.request(`/b/${'A'.repeat(32)}`)).status).toBe(404);
    expect((await t.request(`/b/${inv.linkToken}/slots?tz=Mars/Base`)).status).toBe(400);
    const wrongTypes = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: { start: 12, timeZone: [], name: { a: 1 } } });
    expect(wrongTypes.status).toBe(400);
    expect(((await wrongTypes.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty('start');
    const outOfRange = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate('2099-01-01T10:00:00Z') });
    expect(outOfRange.status).toBe(409);
    const badDate = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate('2026-02-31T10:00:00Z') });
    expect(badDate.status).toBe(400);
    const huge = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM, { customNote: 'x'.repeat(50_000), note: 'custom' }) });
    expect(huge.status).toBe(413);
    const notJson = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });
});

describe('confirming a time', () => {
  it('shows the confirm step with contact fields, preset notes and the time in the candidate zone', async () => {
    const { inv } = await setup();
    const res = await t.request(`/b/${inv.linkToken}/confirm?start=${TUE_9AM}&tz=Asia/Kolkata`, { headers: { 'accept-language': 'en-IN,en;q=0.8' } });
    const page = await res.text();
    expect(page).toContain('Talk with Rita Recruiter for 30 minutes on Tuesday, March 3, 2026, 7:30 PM');
    expect(page).toContain('Excited about the opportunity!');
    expect(page).toContain('Thanks, looking forward to talking with you.');
    expect(page).toContain('value="IN" selected');
    expect(page).toContain('value="Carla Candidate"');
    // The title names the chosen time, so it is announced on arrival.
    expect(page).toContain('<title>Confirm Tuesday, March 3, 2026, 7:30 PM · Parley</title>');
    // "Your note" shows only with "Custom" (a CSS :has() rule on this fieldset; no script needed).
    expect(page).toContain('<fieldset class="note-choices">');
    expect(page).toContain('<div class="field custom-note">');
  });

  it('defaults the country code from the browser language region, else the time zone, never blindly +1', async () => {
    const { inv } = await setup();
    const country = async (tz: string, language?: string) => {
      const page = await (await t.request(`/b/${inv.linkToken}/confirm?start=${TUE_9AM}&tz=${encodeURIComponent(tz)}`,
        { headers: language ? { 'accept-language': language } : {} })).text();
      return /<option value="([A-Z]*)" selected>/.exec(page)?.[1];
    };
    expect(await country('America/New_York', 'de-DE,de;q=0.9')).toBe('DE');
    expect(await country('Europe/Vienna', 'de,en;q=0.5')).toBe('AT');
    expect(await country('Asia/Kolkata', 'en')).toBe('IN');
    expect(await country('Asia/Calcutta', 'en')).toBe('IN');
    expect(await country('America/Sao_Paulo')).toBe('BR');
    expect(await country('UTC', 'ja')).toBe('JP');
    // Nothing to go by: the candidate chooses.
    expect(await country('UTC')).toBe('');
    expect(await (await t.request(`/b/${inv.linkToken}/confirm?start=${TUE_9AM}&tz=UTC`)).text()).toContain('<option value="" selected>Choose your country</option>');
  });

  it('keeps what was typed and explains each invalid field', async () => {
    const { inv } = await setup();
    const res = await t.request(`/b/${inv.linkToken}/book`, form({ ...candidate(TUE_9AM), phone: '12', email: 'nope', note: 'custom', customNote: '' }));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Enter a valid phone number for the chosen country code');
    expect(page).toContain('Enter a valid email address, or leave it empty');
    expect(page).toContain('Write your note, or choose another option');
    expect(page).toContain('value="nope"');
    expect(await t.db().query('select 1 from bookings')).toHaveLength(0);
  });

  it('books, shows the confirmation, notifies the recruiter, writes the calendar and mails both sides', async () => {
    const { inv, token } = await setup();
    const res = await t.request(`/b/${inv.linkToken}/book`, form(candidate(TUE_9AM)));
    expect(res.status).toBe(303);
    const confirmation = await (await t.request(res.headers.get('location')!)).text();
    expect(confirmation).toContain('Your interview is scheduled');
    expect(confirmation).toContain('Tuesday, March 3, 2026, 7:30 PM – 8:00 PM');
    expect(confirmation).toContain('rita@example.com');
    expect(confirmation).toContain('calendar.google.com');
    expect(confirmation).toContain('outlook.live.com');
    expect(confirmation).toContain('interview.ics');

    const [booking] = await t.db().query<{ candidate_phone: string; note: string }>(`select candidate_phone, note from bookings`);
    expect(booking).toEqual({ candidate_phone: '+919876543210', note: 'Thanks, looking forward to talking with you.' });

    const interviews = await (await t.request('/api/interviews', { token })).json();
    expect(interviews).toMatchObject({ interviews: [{ start: TUE_9AM, candidateName: 'Carla Candidate', link: inv.url }] });
    const notes = (await (await t.request('/api/notifications', { token })).json()) as { notifications: { kind: string; message: string }[] };
    expect(notes.notifications[0]).toMatchObject({ kind: 'booked', message: 'Carla Candidate booked an interview on Tue, Mar 3, 2026, 9:00 AM (America/New_York)' });

    await t.state.parley.deps.jobs.runDue();
    const busy = await t.db().query<{ source: string }>(`select source from busy_events`);
    expect(busy).toEqual([{ source: 'booking' }]);
    expect(t.state.outbox.map((m) => m.to).sort()).toEqual(['carla@example.com', 'rita@example.com']);
    expect(t.state.outbox.find((m) => m.to === 'rita@example.com')!.ics!.content).toContain('METHOD:PUBLISH');
    expect(t.state.outbox.find((m) => m.to === 'carla@example.com')!.ics!.content).toContain('METHOD:REQUEST');
    // Running the jobs again changes nothing.
    await t.state.parley.deps.jobs.runDue();
    expect(t.state.outbox).toHaveLength(2);

    const ics = await t.request(`/b/${inv.linkToken}/interview.ics?tz=Asia/Kolkata`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = await ics.text();
    expect(text).toContain('DTSTART;TZID=Asia/Kolkata:20260303T193000');
    expect(text).toContain('BEGIN:VTIMEZONE');

    // The slot is gone for everyone else.
    const other = await t.invitation(token, { key: 'linkedin:in:second', name: 'Second' });
    expect(await slots(other.linkToken)).not.toContain(TUE_9AM);
  });

  it('answers "that time was just taken" with fresh slots when someone was faster', async () => {
    const { inv, token } = await setup();
    const other = await t.invitation(token, { key: 'linkedin:in:faster', name: 'Fast' });
    expect((await t.request(`/b/${other.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM) })).status).toBe(201);
    const html = await t.request(`/b/${inv.linkToken}/book`, form(candidate(TUE_9AM)));
    expect(html.status).toBe(409);
    const page = await html.text();
    expect(page).toContain('That time was just taken');
    expect(page).toContain('8:00 PM'); // 9:30 New York is still free
    const json = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM) });
    expect(json.status).toBe(409);
    const body = (await json.json()) as { slots: { start: string }[] };
    expect(body.slots[0]!.start).toBe('2026-03-03T14:30:00.000Z');
  });

  it('gives exactly one booking to 50 concurrent attempts for one slot', async () => {
    const { token } = await setup();
    const links = await Promise.all(Array.from({ length: 50 }, (_, i) => t.invitation(token, { key: `linkedin:in:racer-${i}`, name: `Racer ${i}` })));
    const answers = await Promise.all(links.map((l) => t.request(`/b/${l.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM) })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(await t.db().query(`select 1 from bookings where status = 'confirmed'`)).toHaveLength(1);
  });

  it('never lets one link book twice, even concurrently', async () => {
    const { inv } = await setup();
    const answers = await Promise.all([TUE_9AM, '2026-03-03T15:00:00.000Z', '2026-03-04T14:00:00.000Z'].map((s) =>
      t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(s) })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(await t.db().query(`select 1 from bookings`)).toHaveLength(1);
  });

  it('refuses a database-level overlap even if the application check is bypassed', async () => {
    const { inv, id } = await setup();
    await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM) });
    const [b] = await t.db().query<{ invitation_id: string }>(`select invitation_id from bookings`);
    await expect(t.db().query(
      `insert into bookings (recruiter_id, invitation_id, starts_at, ends_at, status, candidate_name, candidate_phone, candidate_time_zone)
       values ($1, $2, '2026-03-03T14:15:00Z', '2026-03-03T14:45:00Z', 'confirmed', 'x', 'y', 'UTC')`, [id, b!.invitation_id],
    )).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
  });
});

describe('reschedule and cancel', () => {
  it('moves the booking, keeps the link, notifies, and updates the calendar event', async () => {
    const { inv, token } = await setup();
    await t.request(`/b/${inv.linkToken}/book`, form(candidate(TUE_9AM)));
    await t.state.parley.deps.jobs.runDue();
    const page = await (await t.request(`/b/${inv.linkToken}?reschedule=1&tz=America/New_York`)).text();
    expect(page).toContain('Pick a new time with Rita Recruiter');
    // Overlapping its own old slot is fine when moving.
    const moved = await t.request(`/b/${inv.linkToken}/reschedule`, form({ start: '2026-03-03T14:30:00.000Z', timeZone: 'America/New_York' }));
    expect(moved.status).toBe(303);
    const after = await (await t.request(moved.headers.get('location')!)).text();
    expect(after).toContain('Your interview was moved');
    expect(after).toContain('9:30 AM');
    await t.state.parley.deps.jobs.runDue();
    const busy = await t.db().query<{ starts_at: Date }>(`select starts_at from busy_events where source = 'booking'`);
    expect(busy.map((b) => b.starts_at.toISOString())).toEqual(['2026-03-03T14:30:00.000Z']);
    const kinds = ((await (await t.request('/api/notifications', { token })).json()) as { notifications: { kind: string }[] }).notifications.map((n) => n.kind);
    expect(kinds).toEqual(['rescheduled', 'booked']);
    const mails = t.state.outbox.filter((m) => m.to === 'rita@example.com');
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text).toContain('Previously');
  });

  it('cancels, frees the slot, re-opens the link and removes the calendar event', async () => {
    const { inv, token } = await setup();
    await t.request(`/b/${inv.linkToken}/book`, form(candidate(TUE_9AM)));
    await t.state.parley.deps.jobs.runDue();
    const res = await t.request(`/b/${inv.linkToken}/cancel`, form({}));
    expect(res.status).toBe(303);
    const page = await (await t.request(res.headers.get('location')!)).text();
    expect(page).toContain('Your interview was cancelled');
    expect(await slots(inv.linkToken)).toContain(TUE_9AM);
    await t.state.parley.deps.jobs.runDue();
    expect(await t.db().query(`select 1 from busy_events`)).toHaveLength(0);
    const cancelMail = t.state.outbox.find((m) => m.ics?.method === 'CANCEL');
    expect(cancelMail?.to).toBe('rita@example.com');
    expect(((await (await t.request('/api/interviews', { token })).json()) as { interviews: unknown[] }).interviews).toHaveLength(0);
  });

  it('refuses changes once the interview has started', async () => {
    const { inv } = await setup();
    await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(TUE_9AM) });
    t.state.now = Date.parse(TUE_9AM) + 60_000;
    const page = await (await t.request(`/b/${inv.linkToken}`)).text();
    expect(page).not.toContain('Cancel interview');
    const res = await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', json: {} });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/already started/);
  });

  it('refuses a cross-site form post', async () => {
    const { inv } = await setup();
    const res = await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });
});
