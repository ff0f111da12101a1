import { describe, expect, it } from 'vitest';
import { form, useParley } from './harness.js';

const t = useParley();
// The clock starts Monday 2026-03-02 12:00Z. Dana works 9–17 in London (09:00–17:00Z until Mar 29),
// Eli 9–17 in New York (14:00–22:00Z until Mar 8). A loop of Dana 60 min, 15 min gap, Eli 45 min
// fits starts from 12:45Z to 16:00Z; the first on a UTC half-hour grid is Tuesday 13:00Z.
const FIRST = '2026-03-03T13:00:00.000Z';

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

const candidate = (start: string, extra: Record<string, string> = {}) => ({
  start, timeZone: 'UTC', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none', ...extra,
});

async function person(email: string, name: string, timeZone: string) {
  const res = await t.request('/api/auth/register', { method: 'POST', json: { email, name, password: 'correct horse battery', timeZone } });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; recruiter: { id: string } };
}

async function panelSetup(opts: { pool?: boolean; pending?: boolean } = {}) {
  const rita = await t.recruiter();
  await person('dana@example.com', 'Dana Lead', 'Europe/London');
  await person('eli@example.com', 'Eli Engineer', 'America/New_York');
  const add = async (email: string, name: string) =>
    (await json(await t.request('/api/panels/interviewers', { method: 'POST', token: rita.token, json: { email, name } }))).interviewer as Json;
  const dana = await add('dana@example.com', 'Dana Lead');
  const eli = await add('eli@example.com', 'Eli Engineer');
  const extra = opts.pool || opts.pending ? await add('pat@example.com', 'Pat Pending') : undefined;
  const res = await t.request('/api/panels/templates', {
    method: 'POST', token: rita.token,
    json: {
      name: 'Onsite loop', shape: 'sequence', order: 'fixed', gapMinutes: 15, video: 'jitsi',
      message: 'Hi {candidate_first_name}, please book your {interview_name} ({duration}): {booking_link} — {recruiter_name}',
      sessions: [
        { name: 'System design', durationMinutes: 60, interviewers: [dana.id], pool: [] },
        { name: 'Coding', durationMinutes: 45, interviewers: opts.pool ? [] : [eli.id], pool: opts.pool ? [eli.id, extra!.id] : [] },
        ...(opts.pending ? [{ name: 'Chat', durationMinutes: 30, interviewers: [extra!.id], pool: [] }] : []),
      ],
    },
  });
  expect(res.status).toBe(201);
  const template = (await json(res)).template as Json;
  return { rita, dana, eli, extra, template };
}

async function share(token: string, templateId: string, key = 'linkedin:in:carla-candidate', extra: object = {}) {
  const res = await t.request(`/api/panels/templates/${templateId}/share`, {
    method: 'POST', token, json: { recipient: { key, name: 'Carla Candidate' }, ...extra },
  });
  const body = await json(res);
  return { res, body, linkToken: body.invitation ? String(body.invitation.url).split('/b/')[1]! : '' };
}

async function slots(linkToken: string, tz = 'UTC') {
  const body = await json(await t.request(`/b/${linkToken}/slots?tz=${encodeURIComponent(tz)}`));
  return body as { slots: { start: string; end: string }[]; calendarError?: string };
}

describe('interviewers and templates', () => {
  it('lists interviewers with their status and refuses bad templates with clear messages', async () => {
    const { rita, dana, extra } = await panelSetup({ pending: true });
    const list = (await json(await t.request('/api/panels/interviewers', { token: rita.token }))).interviewers as Json[];
    expect(list.map((p) => [p.name, p.status, p.timeZone])).toEqual([
      ['Dana Lead', 'hours', 'Europe/London'], ['Eli Engineer', 'hours', 'America/New_York'], ['Pat Pending', 'pending', null],
    ]);
    // Pat got a one-time link to connect a calendar or mark hours; Dana and Eli have accounts already.
    await t.state.parley.deps.jobs.runDue();
    expect(t.state.outbox.map((m) => m.to)).toEqual(['pat@example.com']);
    expect(extra!.status).toBe('pending');

    const bad = async (patch: object) => {
      const res = await t.request('/api/panels/templates', {
        method: 'POST', token: rita.token,
        json: { name: 'X', shape: 'together', video: null, message: 'Book: {booking_link}', sessions: [{ name: 'A', durationMinutes: 30, interviewers: [dana.id], pool: [] }], ...patch },
      });
      expect(res.status).toBe(400);
      return String((await json(res)).error.message);
    };
    expect(await bad({ message: 'Hi {first_name}: {booking_link}' })).toContain('Unknown placeholder {first_name}');
    expect(await bad({ message: 'Hi {candidate_first_name}' })).toContain('{booking_link}');
    expect(await bad({ sessions: [{ name: 'A', durationMinutes: 30, interviewers: [dana.id], pool: [] }, { name: 'B', durationMinutes: 30, interviewers: [dana.id], pool: [] }] }))
      .toContain('exactly one session');
    expect(await bad({ sessions: [{ name: 'A', durationMinutes: 30, interviewers: ['00000000-0000-4000-8000-000000000000'], pool: [] }] }))
      .toContain('not on your list');
  });

  it('keeps each recruiter’s interviewers and templates their own', async () => {
    const { template, dana } = await panelSetup();
    const other = await t.recruiter({ email: 'olga@example.com', name: 'Olga Other' });
    expect(((await json(await t.request('/api/panels/templates', { token: other.token }))).templates as Json[])).toEqual([]);
    expect((await t.request(`/api/panels/templates/${template.id}/share`, { method: 'POST', token: other.token, json: { recipient: { key: 'linkedin:in:x' } } })).status).toBe(404);
    expect((await t.request(`/api/panels/templates/${template.id}`, { method: 'DELETE', token: other.token })).status).toBe(404);
    expect((await t.request(`/api/panels/interviewers/${dana.id}`, { method: 'DELETE', token: other.token })).status).toBe(404);
  });
});

describe('sharing and booking a loop', () => {
  it('fills the message, offers only times everyone is free, and books every session at once', async () => {
    const { rita, template } = await panelSetup();
    const shared = await share(rita.token, String(template.id));
    expect(shared.res.status).toBe(201);
    expect(shared.body.message).toBe(`Hi Carla, please book your Onsite loop (2 h): ${shared.body.invitation.url} — Rita Recruiter`);

    const offered = await slots(shared.linkToken);
    expect(offered.slots[0]).toEqual({ start: FIRST, end: '2026-03-03T15:00:00.000Z' });
    expect(offered.slots.filter((s) => s.start.startsWith('2026-03-03')).map((s) => s.start.slice(11, 16)))
      .toEqual(['13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00']);

    // Only offered starts can be booked: 7 minutes off the grid is refused with fresh times.
    const off = await t.request(`/b/${shared.linkToken}/book`, { method: 'POST', json: candidate('2026-03-03T13:07:00.000Z') });
    expect(off.status).toBe(409);

    const booked = await t.request(`/b/${shared.linkToken}/book`, { method: 'POST', json: candidate(FIRST) });
    expect(booked.status).toBe(201);
    const list = (await json(await t.request('/api/interviews', { token: rita.token }))).interviews as Json[];
    expect(list).toHaveLength(1);
    expect(list[0]!.loop.name).toBe('Onsite loop');
    expect(list[0]!.loop.sessions.map((s: Json) => [s.name, s.start, s.end, s.interviewers.map((p: Json) => p.name)])).toEqual([
      ['System design', '2026-03-03T13:00:00.000Z', '2026-03-03T14:00:00.000Z', ['Dana Lead']],
      ['Coding', '2026-03-03T14:15:00.000Z', '2026-03-03T15:00:00.000Z', ['Eli Engineer']],
    ]);

    const page = await (await t.request(`/b/${shared.linkToken}?tz=UTC`)).text();
    expect(page).toContain('Onsite loop · 120 minutes with Rita Recruiter');
    expect(page).toMatch(/2:15 PM – 3:00 PM<\/strong> Coding <span class="muted">with Eli Engineer/);

    // Each interviewer: one invitation, their own join link only; and their own calendar holds their session.
    await t.state.parley.deps.jobs.runDue();
    const dana = t.state.outbox.filter((m) => m.to === 'dana@example.com');
    const eli = t.state.outbox.filter((m) => m.to === 'eli@example.com');
    expect(dana).toHaveLength(1);
    expect(eli).toHaveLength(1);
    const danaLink = /\/j\/[A-Za-z0-9_-]{32}/.exec(dana[0]!.text)![0];
    const eliLink = /\/j\/[A-Za-z0-9_-]{32}/.exec(eli[0]!.text)![0];
    expect(danaLink).not.toBe(eliLink);
    expect(dana[0]!.text).not.toContain(eliLink);
    expect(dana[0]!.ics!.content).toContain('DTSTART;TZID=Europe/London:20260303T130000');
    expect(eli[0]!.ics!.content).toContain('DTSTART;TZID=America/New_York:20260303T091500');
    const busy = await t.db().query<{ summary: string; starts_at: Date }>(
      `select b.summary, b.starts_at from busy_events b join recruiters r on r.id = b.recruiter_id where r.email = 'eli@example.com'`);
    expect(busy.map((b) => [b.summary, b.starts_at.toISOString()])).toEqual([['Coding: Carla Candidate', '2026-03-03T14:15:00.000Z']]);

    // Dana is now taken at 13:00–14:00 for any other loop, whoever shares it.
    const second = await share(rita.token, String(template.id), 'linkedin:in:other-person');
    expect((await slots(second.linkToken)).slots.map((s) => s.start)).not.toContain(FIRST);
  });

  it('moves the whole loop on reschedule with the same join links, and frees everyone on cancel', async () => {
    const { rita, template } = await panelSetup();
    const shared = await share(rita.token, String(template.id));
    expect((await t.request(`/b/${shared.linkToken}/book`, { method: 'POST', json: candidate(FIRST) })).status).toBe(201);
    const links = async () => (await t.db().query<{ email: string; token_hash: string }>(`select email, token_hash from join_links order by email`));
    const before = await links();
    const moved = await t.request(`/b/${shared.linkToken}/reschedule`, { method: 'POST', json: { start: '2026-03-04T14:00:00.000Z', timeZone: 'UTC' } });
    expect(moved.status).toBe(200);
    expect(await links()).toEqual(before);
    const list = (await json(await t.request('/api/interviews', { token: rita.token }))).interviews as Json[];
    expect(list[0]!.loop.sessions.map((s: Json) => s.start)).toEqual(['2026-03-04T14:00:00.000Z', '2026-03-04T15:15:00.000Z']);
    const seats = await t.db().query<{ starts_at: Date }>(`select starts_at from panel_participants where active order by starts_at`);
    expect(seats.map((s) => s.starts_at.toISOString())).toEqual(['2026-03-04T14:00:00.000Z', '2026-03-04T15:15:00.000Z']);

    expect((await t.request(`/b/${shared.linkToken}/cancel`, { method: 'POST', json: {} })).status).toBe(200);
    expect(await t.db().query(`select 1 from panel_participants where active`)).toEqual([]);
    await t.state.parley.deps.jobs.runDue();
    expect(t.state.outbox.some((m) => m.to === 'eli@example.com' && m.ics?.method === 'CANCEL')).toBe(true);
    const busy = await t.db().query(`select 1 from busy_events where source = 'booking'`);
    expect(busy).toEqual([]);
  });

  it('gives exactly one success to 50 concurrent loops that share an interviewer', async () => {
    const { rita, template } = await panelSetup();
    const links = await Promise.all(Array.from({ length: 50 }, (_, i) => share(rita.token, String(template.id), `linkedin:in:racer-${i}`)));
    // Different loop starts, all overlapping Dana's first session.
    const starts = ['2026-03-03T13:00:00.000Z', '2026-03-03T13:30:00.000Z'];
    const answers = await Promise.all(links.map((l, i) => t.request(`/b/${l.linkToken}/book`, { method: 'POST', json: candidate(starts[i % 2]!) })));
    const codes = answers.map((a) => a.status);
    expect(codes.filter((s) => s === 201)).toHaveLength(1);
    expect(codes.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const seats = await t.db().query<{ email: string }>(`select email from panel_participants where active`);
    expect(seats.map((s) => s.email).sort()).toEqual(['dana@example.com', 'eli@example.com']);
  });

  it('offers no times while an interviewer’s calendar cannot be read, and says whose', async () => {
    const { rita, template } = await panelSetup();
    const [dana] = await t.db().query<{ id: string }>(`select id from recruiters where email = 'dana@example.com'`);
    const [conn] = await t.db().query<{ id: string }>(
      `insert into calendar_connections (recruiter_id, provider, account_email, secret_sealed, status) values ($1, 'google', 'dana@example.com', $2, 'needs_reconnect') returning id`,
      [dana!.id, t.state.parley.deps.sealer.seal('x')]);
    await t.db().query(
      `insert into connected_calendars (connection_id, recruiter_id, external_id, name, is_primary, read_only, use_for_conflicts) values ($1, $2, 'primary', 'Dana', true, false, true)`,
      [conn!.id, dana!.id]);
    const shared = await share(rita.token, String(template.id));
    const answer = await slots(shared.linkToken);
    expect(answer.slots).toEqual([]);
    expect(answer.calendarError).toContain('Dana Lead');
    const list = (await json(await t.request('/api/panels/interviewers', { token: rita.token }))).interviewers as Json[];
    expect(list.find((p) => p.name === 'Dana Lead')!.status).toBe('calendar');
  });

  it('asks before sharing with pending interviewers, and then lets them not limit the times', async () => {
    const { rita, template } = await panelSetup({ pending: true });
    const refused = await share(rita.token, String(template.id));
    expect(refused.res.status).toBe(409);
    expect(refused.body.error.message).toContain('Pat Pending has not connected a calendar');
    const shared = await share(rita.token, String(template.id), 'linkedin:in:carla-candidate', { sharePending: true });
    expect(shared.res.status).toBe(201);
    expect((await slots(shared.linkToken)).slots[0]!.start).toBe(FIRST);
  });

  it('replaces a pooled interviewer with a free one at the same time, and resends links', async () => {
    const { rita, template } = await panelSetup({ pool: true });
    // Pat marks hours through the one-time link (09:00–17:00 New York).
    await t.state.parley.deps.jobs.runDue();
    const invite = /\/i\/([A-Za-z0-9_-]{32})/.exec(t.state.outbox.find((m) => m.to === 'pat@example.com')!.text)![1]!;
    const page = await t.request(`/i/${invite}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('When can you interview, Pat Pending?');
    const saved = await t.request(`/i/${invite}/hours`, form({ timeZone: 'America/New_York', days: '2', start: '09:00', end: '17:00' }));
    expect(saved.status).toBe(200);
    expect((await t.request(`/i/${invite}`)).status).toBe(410);

    const shared = await share(rita.token, String(template.id));
    expect((await t.request(`/b/${shared.linkToken}/book`, { method: 'POST', json: candidate(FIRST) })).status).toBe(201);
    let list = (await json(await t.request('/api/interviews', { token: rita.token }))).interviews as Json[];
    const coding = list[0]!.loop.sessions[1];
    expect(coding.interviewers.map((p: Json) => [p.name, p.pooled])).toEqual([['Eli Engineer', true]]);
    const replaced = await t.request(`/api/interviews/${list[0]!.id}/replace`, { method: 'POST', token: rita.token, json: { participantId: coding.interviewers[0].participantId } });
    expect(replaced.status).toBe(200);
    list = (await json(await t.request('/api/interviews', { token: rita.token }))).interviews as Json[];
    expect(list[0]!.loop.sessions[1].interviewers.map((p: Json) => p.name)).toEqual(['Pat Pending']);
    expect(list[0]!.loop.sessions[1].start).toBe('2026-03-03T14:15:00.000Z');

    t.state.outbox = [];
    await t.state.parley.deps.jobs.runDue();
    expect(t.state.outbox.some((m) => m.to === 'eli@example.com' && m.ics?.method === 'CANCEL')).toBe(true);
    expect(t.state.outbox.some((m) => m.to === 'pat@example.com' && m.ics?.method === 'REQUEST')).toBe(true);

    t.state.outbox = [];
    const resent = await t.request(`/api/interviews/${list[0]!.id}/resend`, { method: 'POST', token: rita.token });
    expect((await json(resent)).sent).toBe(2);
    await t.state.parley.deps.jobs.runDue();
    expect(t.state.outbox.map((m) => m.to).sort()).toEqual(['dana@example.com', 'pat@example.com']);
  });
});
