import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../server/openapi.js';
import { startFakeLever, type FakeLever } from '../fakes/lever.js';
import { form, useParley } from './harness.js';

/*
 * Recruiter A makes one of everything; recruiter B, signed in, asks for each of A's things by id:
 * every such request is a 404 with a readable message (never a 403, which would confirm the id
 * exists), B's lists show nothing of A's, and nothing of A's changes. The routes come from
 * /openapi.json: an /api route with an id in its path that this file does not know fails the test.
 */

let lever: FakeLever;
beforeAll(async () => {
  lever = await startFakeLever();
});
afterAll(async () => lever?.close());
const t = useParley({ env: () => ({ LEVER_API_URL: `${lever.url}/v1`, LEVER_APP_URL: 'https://hire.lever.test', PROVIDER_TIMEOUT_MS: '800' }) });

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;

/** The kinds of things an id in a path names. */
type Kind = 'event' | 'connection' | 'calendar' | 'invitation' | 'interview' | 'booking' | 'loop' | 'interviewer' | 'template';

interface Everything {
  a: { token: string; id: string };
  b: { token: string; id: string; interviewerId: string };
  ids: Record<Kind, string[]>;
  participantId: string;
  recipientKey: string;
  atsKey: string;
  /** Strings that must not appear in anything B is shown. */
  secrets: string[];
}

/**
 * Every /api route with an id in its path: what B sends besides the id (a body that passes
 * validation, so the answer comes from the ownership check), and which of A's things the id names.
 * Ordered so that A's own run (the control, below) reaches each before it is deleted.
 */
const BY_ID: Record<string, { kinds: Kind[]; body?: (x: Everything) => unknown }> = {
  'PATCH /api/connections/calendars/{id}': { kinds: ['calendar'], body: () => ({ useForConflicts: false, isTarget: true }) },
  'POST /api/connections/{id}/refresh': { kinds: ['connection'] },
  'DELETE /api/connections/{id}': { kinds: ['connection'] },
  'DELETE /api/calendar/events/{id}': { kinds: ['event'] },
  'POST /api/interviews/{id}/video': { kinds: ['interview', 'booking'], body: () => ({ video: 'jitsi' }) },
  'POST /api/interviews/{id}/participants': { kinds: ['interview', 'booking'], body: () => ({ name: 'Mallory Intruder', email: 'mallory@example.com' }) },
  'POST /api/interviews/{id}/resend': { kinds: ['loop'] },
  'POST /api/interviews/{id}/replace': { kinds: ['loop'], body: (x) => ({ participantId: x.participantId, interviewerId: x.b.interviewerId }) },
  'POST /api/interviews/{id}/cancel': { kinds: ['interview', 'booking', 'loop'] },
  'POST /api/invitations/{id}/revoke': { kinds: ['invitation'] },
  'PUT /api/panels/templates/{id}': {
    kinds: ['template'],
    body: (x) => ({ name: 'Taken over', shape: 'together', video: null, message: 'Book: {booking_link}', sessions: [{ name: 'Chat', durationMinutes: 30, interviewers: [x.b.interviewerId], pool: [] }] }),
  },
  'POST /api/panels/templates/{id}/share': { kinds: ['template'], body: () => ({ recipient: { key: 'linkedin:in:victim', name: 'Victor Victim' }, sharePending: true }) },
  'DELETE /api/panels/templates/{id}': { kinds: ['template'] },
  'POST /api/panels/interviewers/{id}/invite': { kinds: ['interviewer'] },
  'DELETE /api/panels/interviewers/{id}': { kinds: ['interviewer'] },
};

/** Routes that name A's things by a key in the query rather than an id in the path. */
const BY_KEY: Record<string, { body?: () => unknown }> = {
  'GET /api/ats/candidate': {},
  'POST /api/ats/candidate/notes': { body: () => ({ key: 'note-from-mallory', text: 'Planted note' }) },
  'POST /api/ats/candidate/messages': { body: () => ({ messages: [{ key: 'msg-mallory', direction: 'sent', at: 1772450000000, from: 'Mallory', to: 'Ada', text: 'Planted' }] }) },
  'POST /api/ats/candidate/sync': {},
  'DELETE /api/ats/candidate': {},
};

/** Query values for the list routes that need some. */
const listQuery = (x: Everything): Record<string, string> => ({ from: '2026-03-01T00:00:00Z', to: '2026-04-30T00:00:00Z', recipientKey: x.recipientKey, key: x.atsKey });

async function everything(): Promise<Everything> {
  const a = await t.recruiter({ settings: { minimumNoticeMinutes: 0, noSameDay: false } });
  const call = async (path: string, init: RequestInit & { json?: unknown; token?: string } = {}, status = [200, 201, 202]) => {
    const res = await t.request(path, { token: a.token, ...init });
    const body = await json(res);
    expect(status, `${path}: ${res.status} ${JSON.stringify(body)}`).toContain(res.status);
    return body;
  };

  // Built-in calendar.
  const event = (await call('/api/calendar/events', { method: 'POST', json: { start: '2026-03-06T15:00:00Z', end: '2026-03-06T16:00:00Z', summary: 'Dentist' } })).event;

  // An interview A made, with video and an interviewer's link.
  const interview = (await call('/api/interviews', { method: 'POST', json: { recipient: { key: 'linkedin:in:dora-direct', name: 'Dora Direct' }, start: '2026-03-05T15:00:00Z', durationMinutes: 30, video: 'jitsi' } })).interview;
  await call(`/api/interviews/${interview.id}/participants`, { method: 'POST', json: { name: 'Ivan Interviewer', email: 'ivan@example.com' } });

  // A link a candidate booked (with video by default), and one still open.
  const booked = await t.invitation(a.token, { key: 'linkedin:in:carla-candidate', name: 'Carla Candidate' });
  const slots = (await json(await t.request(`/b/${booked.linkToken}/slots?tz=UTC`))).slots as { start: string }[];
  expect(slots.length).toBeGreaterThan(0);
  const book = await t.request(`/b/${booked.linkToken}/book`, {
    method: 'POST', json: { start: slots[0]!.start, timeZone: 'UTC', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none' },
  });
  expect(book.status).toBe(201);
  const booking = (await json(book)).booking;
  const open = await t.invitation(a.token, { key: 'linkedin:in:olivia-open', name: 'Olivia Open' });

  // Interviewers (two with accounts, one pending), a panel template, and a loop a candidate booked.
  for (const [email, name] of [['dana@example.com', 'Dana Lead'], ['eli@example.com', 'Eli Engineer']]) {
    await call('/api/auth/register', { method: 'POST', json: { email, name, password: 'correct horse battery', timeZone: 'Europe/London' }, token: undefined }, [201]);
  }
  const dana = (await call('/api/panels/interviewers', { method: 'POST', json: { email: 'dana@example.com', name: 'Dana Lead' } })).interviewer;
  const eli = (await call('/api/panels/interviewers', { method: 'POST', json: { email: 'eli@example.com', name: 'Eli Engineer' } })).interviewer;
  const pat = (await call('/api/panels/interviewers', { method: 'POST', json: { email: 'pat@example.com', name: 'Pat Pending' } })).interviewer;
  const template = (await call('/api/panels/templates', {
    method: 'POST',
    json: {
      name: 'Onsite loop', shape: 'sequence', order: 'fixed', gapMinutes: 0, video: 'jitsi', message: 'Hi {candidate_first_name}: {booking_link}',
      sessions: [{ name: 'Design', durationMinutes: 30, interviewers: [dana.id], pool: [] }, { name: 'Coding', durationMinutes: 30, interviewers: [eli.id], pool: [] }],
    },
  })).template;
  const shared = await call(`/api/panels/templates/${template.id}/share`, { method: 'POST', json: { recipient: { key: 'linkedin:in:leo-loop', name: 'Leo Loop' } } });
  const loopToken = String(shared.invitation.url).split('/b/')[1]!;
  const loopSlots = (await json(await t.request(`/b/${loopToken}/slots?tz=UTC`))).slots as { start: string }[];
  expect(loopSlots.length).toBeGreaterThan(0);
  const loopBook = await t.request(`/b/${loopToken}/book`, form({ start: loopSlots[0]!.start, timeZone: 'UTC', name: 'Leo Loop', country: 'GB', phone: '020 7946 0000', email: 'leo@example.com', note: 'none' }));
  expect(loopBook.status).toBe(303);
  const interviews = (await call('/api/interviews')).interviews as Json[];
  const loop = interviews.find((i) => i.loop)!;
  expect(loop, 'the loop was booked').toBeTruthy();
  const participantId = loop.loop.sessions[0].interviewers[0].participantId as string;

  // The ATS: connected (fake Lever), one candidate exported, with a note.
  await call('/api/ats', { method: 'PUT', json: { ats: 'lever', apiKey: lever.apiKey, performAs: lever.users[0]!.id } });
  const atsKey = 'linkedin:in:ada-lovelace';
  await call('/api/ats/exports', {
    method: 'POST',
    json: { profileKey: atsKey, profileUrl: 'https://www.linkedin.com/in/ada-lovelace/', source: 'LinkedIn', firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@example.com'] },
  });
  await t.db().query(`update jobs set run_at = now() where done_at is null`);
  await t.state.parley.deps.jobs.runDue();
  await call(`/api/ats/candidate/notes?key=${encodeURIComponent(atsKey)}`, { method: 'POST', json: { key: 'note-000001', text: 'Strong systems thinking' } });
  expect((await call(`/api/ats/candidate?key=${encodeURIComponent(atsKey)}`)).entries).toHaveLength(1);

  // A connected calendar (inserted: no provider is needed to own one; made last, as it cannot be read).
  const [connection] = await t.db().query<{ id: string }>(
    `insert into calendar_connections (recruiter_id, provider, account_email, server_url, username, secret_sealed)
     values ($1, 'caldav', 'rita@127.0.0.1', 'http://127.0.0.1:9/dav/', 'rita', $2) returning id`, [a.id, t.state.parley.deps.sealer.seal('app-password')]);
  const [calendar] = await t.db().query<{ id: string }>(
    `insert into connected_calendars (connection_id, recruiter_id, external_id, name) values ($1, $2, '/dav/rita/work/', 'Work') returning id`, [connection!.id, a.id]);

  // B: another recruiter, with an interviewer of their own (for bodies that must pass validation).
  const b = await t.recruiter({ email: 'mallory@example.com', name: 'Mallory Other' });
  const bInterviewer = (await json(await t.request('/api/panels/interviewers', { method: 'POST', token: b.token, json: { email: 'bob-helper@example.com', name: 'Bob Helper', sendInvite: false } }))).interviewer;

  const ids: Record<Kind, string[]> = {
    event: [event.id], connection: [connection!.id], calendar: [calendar!.id],
    invitation: [booked.id, open.id, shared.invitation.id], interview: [interview.id], booking: [booking.id], loop: [loop.id],
    interviewer: [dana.id, eli.id, pat.id], template: [template.id],
  };
  return {
    a, b: { ...b, interviewerId: bInterviewer.id }, ids, participantId, recipientKey: 'linkedin:in:carla-candidate', atsKey,
    secrets: [...Object.values(ids).flat(), participantId, 'Carla Candidate', 'Dora Direct', 'Leo Loop', 'Dentist', 'Ada', 'dana@example.com', 'Onsite loop', 'rita@'],
  };
}

/** Every row of every table (bookkeeping aside), to see that nothing changed. */
async function snapshot(): Promise<Record<string, unknown>> {
  const db = t.db();
  const tables = (await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not in ('rate_limits', 'schema_migrations') order by table_name`))
    .map((r) => r.table_name);
  const out: Record<string, unknown> = {};
  for (const name of tables) {
    const [row] = await db.query<{ rows: unknown }>(`select coalesce(json_agg(x order by x::text), '[]'::json) as rows from (select to_jsonb(t) as x from "${name}" t) s`);
    out[name] = row!.rows;
  }
  return out;
}

async function operations() {
  const doc = (await json(await t.request('/openapi.json'))) as unknown as OpenApiDocument;
  return Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op })));
}
const isIdParam = (p: { name: string; in: string; schema: Record<string, unknown> }) => p.in === 'path' && (/(^id$|Id$)/.test(p.name) || p.schema.format === 'uuid');

describe('one recruiter’s things are invisible to another', () => {
  it('knows every /api route that takes an id or a key (a new one must be added here)', async () => {
    const ops = await operations();
    const byId = ops.filter((o) => (o.op.parameters ?? []).some(isIdParam)).map((o) => o.key);
    expect(byId.length).toBeGreaterThan(10);
    expect(byId.filter((k) => !BY_ID[k]), 'id routes this test does not try').toEqual([]);
    expect(Object.keys(BY_ID).filter((k) => !byId.includes(k)), 'routes listed here that are gone').toEqual([]);
    const byKey = ops.filter((o) => (o.op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'key')).map((o) => o.key);
    expect(byKey.filter((k) => !BY_KEY[k]), 'key routes this test does not try').toEqual([]);
    expect(Object.keys(BY_KEY).filter((k) => !byKey.includes(k)), 'routes listed here that are gone').toEqual([]);
  });

  it('answers B 404 for each of A’s things, by every id route, shows B none of them, and leaves A’s data as it was', async () => {
    const x = await everything();
    const ops = await operations();
    const before = await snapshot();
    const allIds = Object.values(x.ids).flat();
    const asB = (path: string, method: string, body?: unknown) =>
      t.request(path, { method, token: x.b.token, ...(body !== undefined ? { json: body } : method === 'GET' || method === 'DELETE' ? {} : { json: {} }) });

    // Change and delete by id: every id of A's, on every id route (the right kind and all others).
    for (const o of ops.filter((op) => BY_ID[op.key])) {
      const attack = BY_ID[o.key]!;
      for (const kind of attack.kinds) expect(x.ids[kind].length, `${o.key}: A has a ${kind}`).toBeGreaterThan(0);
      for (const id of allIds) {
        const url = o.path.replace(/\{[^}]+\}/g, id);
        const res = await asB(url, o.method, attack.body?.(x));
        const body = await json(res);
        expect(res.status, `${o.method} ${url} as B: ${JSON.stringify(body)}`).toBe(404);
        expect(typeof body.error?.message, `${o.method} ${url}`).toBe('string');
        expect(body.error.message.length).toBeGreaterThan(3);
        expect(body.error.message).toMatch(/^No such|not/i);
      }
    }

    // By key: A's exported candidate, its notes and messages.
    for (const o of ops.filter((op) => BY_KEY[op.key])) {
      const res = await asB(`${o.path}?key=${encodeURIComponent(x.atsKey)}`, o.method, BY_KEY[o.key]!.body?.());
      const body = await json(res);
      if (o.method === 'DELETE') {
        // Deletion on request is idempotent: B has nothing under this key, so nothing is deleted.
        expect([200, 404], `${o.key}: ${JSON.stringify(body)}`).toContain(res.status);
      } else {
        expect(res.status, `${o.key}: ${JSON.stringify(body)}`).toBe(404);
        expect(body.error.message).toMatch(/not been exported/);
      }
    }

    // Read: B's lists and lookups show nothing of A's.
    for (const o of ops.filter((op) => op.method === 'GET' && !(op.op.parameters ?? []).some((p) => p.in === 'path'))) {
      const query = new URLSearchParams();
      for (const p of o.op.parameters ?? []) {
        const value = listQuery(x)[p.name];
        if (p.required) expect(value, `${o.key}: a value for ?${p.name}`).toBeDefined();
        if (value !== undefined) query.set(p.name, value);
      }
      const res = await asB(`${o.path}${query.size ? `?${query}` : ''}`, 'GET');
      const text = await res.text();
      expect(res.status, `${o.key}: ${text}`).not.toBe(403);
      expect(res.status, `${o.key}: ${text}`).toBeLessThan(500);
      for (const secret of x.secrets) expect(text, `${o.key} shows B something of A's`).not.toContain(secret);
    }

    expect(await snapshot(), 'A’s data after B’s attempts').toEqual(before);

    // The control: the same requests as A do not answer 404, so B's 404s come from the ownership check.
    for (const o of Object.keys(BY_ID).map((key) => ops.find((op) => op.key === key)!)) {
      const attack = BY_ID[o.key]!;
      const id = x.ids[attack.kinds[0]!][0]!;
      const body = o.key === 'PUT /api/panels/templates/{id}'
        ? { ...(attack.body!(x) as object), sessions: [{ name: 'Chat', durationMinutes: 30, interviewers: [x.ids.interviewer[0]], pool: [] }] }
        : o.key === 'POST /api/interviews/{id}/replace' ? { participantId: x.participantId } : attack.body?.(x);
      const res = await t.request(o.path.replace(/\{[^}]+\}/g, id), { method: o.method, token: x.a.token, ...(body !== undefined ? { json: body } : {}) });
      expect(res.status, `${o.key} as A: ${await res.clone().text()}`).not.toBe(404);
      expect(res.status, `${o.key} as A`).toBeLessThan(500);
    }
  });
});
