import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VIDEO, defaultSettings } from '../../lib/schemas.js';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Sql } from '../../server/db.js';
import type { Deps } from '../../server/deps.js';
import { openApiDocument, type OpenApiOperation } from '../../server/openapi.js';
import { hashPassword, hashToken, newToken } from '../../server/secrets.js';
import { useParley } from './harness.js';

/*
 * Every operation of the OpenAPI document, fuzzed: requests built from its JSON schemas, valid-ish
 * and hostile (wrong types, huge and unicode strings, missing and extra fields, markup, malformed
 * JSON, wrong content types, broken multipart), signed in with a real session or not. Whatever
 * comes in: never a 5xx; a refusal in JSON reads `error.message` (no stack, no SQL); a refusal
 * writes nothing; no page echoes markup unescaped. Seeded and bounded, so it runs the same every time.
 */

/**
 * Calendar, ATS and OAuth servers: one local server that refuses every credential, so requests that
 * get that far are answered at once (and never leave the machine).
 */
let upstream: Server;
let PASSWORD_HASH = '';
let UPSTREAM = 'http://127.0.0.1:9';
beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="fuzz"' });
    res.end(JSON.stringify({ error: 'invalid_grant', message: 'Refused' }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  UPSTREAM = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  PASSWORD_HASH = await hashPassword('correct horse battery');
});
afterAll(() => new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve())));
const env = (base: string) => ({
  PROVIDER_TIMEOUT_MS: '300',
  GOOGLE_CLIENT_ID: 'fuzz-google', GOOGLE_CLIENT_SECRET: 'fuzz-secret', GOOGLE_AUTH_URL: `${base}/auth`, GOOGLE_TOKEN_URL: `${base}/token`,
  GOOGLE_REVOKE_URL: `${base}/revoke`, GOOGLE_USERINFO_URL: `${base}/userinfo`, GOOGLE_CALENDAR_URL: `${base}/calendar`,
  MICROSOFT_CLIENT_ID: 'fuzz-ms', MICROSOFT_CLIENT_SECRET: 'fuzz-secret', MICROSOFT_AUTHORITY: `${base}/common`, MICROSOFT_GRAPH_URL: `${base}/graph`,
  ZOOM_OAUTH_URL: base, ZOOM_API_URL: `${base}/v2`, LEVER_API_URL: `${base}/v1`, GREENHOUSE_API_URL: `${base}/v1`,
});
const t = useParley({ env: () => env(UPSTREAM) });
const ORIGIN = 'http://parley.test';
const SEED = 20260302;
const RUNS = 30;

// The operations, from the app's own document (its routes do not need a database to be listed).
const config = loadConfig({ PUBLIC_URL: ORIGIN, PARLEY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), ...env(UPSTREAM) });
const doc = openApiDocument(createApp({ config } as unknown as Deps));
const OPERATIONS = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));

type Schema = Record<string, any>;

// --- Counting what is written -------------------------------------------------------------------

/** Rows in every table of the schema; bookkeeping that counts refusals on purpose is left out. */
const BOOKKEEPING = new Set(['rate_limits', 'schema_migrations']);
let countAll: string | undefined; // the tables do not change once migrated
async function tableCounts(db: Sql): Promise<Record<string, number>> {
  if (!countAll) {
    const tables = (await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`))
      .map((r) => r.table_name).filter((name) => !BOOKKEEPING.has(name));
    expect(tables).toEqual(expect.arrayContaining(['recruiters', 'invitations', 'bookings', 'join_events', 'interviewers']));
    countAll = `select ${tables.map((name) => `(select count(*)::int from "${name}") as "${name}"`).join(', ')}`;
  }
  const [row] = await db.query<Record<string, number>>(countAll);
  return row!;
}

/** Refusals that are meant to leave a trace. */
const WRITES_ON_PURPOSE: Record<string, string[]> = {
  // Every join attempt is recorded, refused ones above all (wrong codes, too early, …).
  'POST /j/{token}': ['join_events'],
};

// --- Values -------------------------------------------------------------------------------------

const HUGE = 'x'.repeat(70_000);
const HOSTILE_STRINGS = [
  '<script>alert(1)</script>', '"onerror=alert(1) x="', "'><img src=x onerror=alert(1)>", "' or 1=1; drop table recruiters; --",
  '\u0000', '\u202eevil', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 漢字 🙂 مرحبا', 'e\u0301\u0301\u0301', '../../etc/passwd', '%00%ff', '${7*7}{{7*7}}', '',
  ' ', '2026-02-30T25:61:00Z', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'y'.repeat(5_000),
  'Europe/Atlantis', 'linkedin:in:<script>', '__proto__', 'constructor',
];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, true, false, null, [], {}, [null], { $gt: '' }, { __proto__: { admin: true } }),
  fc.integer(), fc.double({ noNaN: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

const SLOT_TIMES = Array.from({ length: 24 }, (_, i) => new Date(Date.parse('2026-03-03T13:00:00Z') + i * 30 * 60_000).toISOString());
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Pacific/Chatham'];

interface Pools { ids: string[]; tokens: Record<'b' | 'j' | 'i', string[]>; keys: string[]; emails: string[]; codes: string[] }

/** Values for one JSON schema: mostly what it asks for (so requests get past validation), with the fixture's real ids and keys mixed in. */
function fromSchema(s: Schema | undefined, pools: Pools, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (!s || typeof s !== 'object' || depth > 5) return fc.jsonValue({ maxDepth: 1 });
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[key])) return fc.oneof(...s[key].map((x: Schema) => fromSchema(x, pools, name, depth + 1)));
  if (Array.isArray(s.allOf)) {
    return fc.tuple(...s.allOf.map((x: Schema) => fromSchema(x, pools, name, depth + 1)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
  }
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type: string) => fromSchema({ ...s, type }, pools, name, depth + 1)));
  switch (s.type) {
    case 'string': return stringFor(s, pools, name);
    case 'integer': return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
    case 'number': return fc.oneof(fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array': return fc.array(fromSchema(s.items, pools, name, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, pools, k, depth + 1)]));
      const requiredKeys = ((s.required ?? []) as string[]).filter((k) => k in model);
      const record = fc.record(model, { requiredKeys });
      if (s.additionalProperties && typeof s.additionalProperties === 'object' && !Object.keys(props).length) {
        return fc.dictionary(fc.string({ maxLength: 8 }), fromSchema(s.additionalProperties, pools, name, depth + 1), { maxKeys: 3 });
      }
      return record;
    }
    default: return fc.jsonValue({ maxDepth: 1 });
  }
}

function stringFor(s: Schema, pools: Pools, name: string): fc.Arbitrary<string> {
  const max = Math.min(s.maxLength ?? 60, 60);
  const min = Math.min(s.minLength ?? 0, max);
  if (s.format === 'uuid') return fc.oneof(fc.constantFrom(...pools.ids), fc.uuid());
  if (s.format === 'date-time') return fc.oneof(fc.constantFrom(...SLOT_TIMES), fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString()));
  if (s.format === 'email') return fc.oneof(fc.constantFrom(...pools.emails), fc.emailAddress());
  if (s.format === 'uri') return fc.constantFrom(`${UPSTREAM}/dav/`, 'https://127.0.0.1:9/caldav', 'https://www.linkedin.com/in/someone/', 'javascript:alert(1)', 'ftp://x');
  if (/time ?zone|^tz$/i.test(name)) return fc.constantFrom(...ZONES);
  if (/key$/i.test(name) && pools.keys.length) return fc.oneof(fc.constantFrom(...pools.keys), fc.stringMatching(/^linkedin:in:[a-z0-9-]{3,20}$/));
  if (name === 'code') return fc.oneof(...pools.codes.map((c) => fc.constant(c)), fc.stringMatching(/^\d{6}$/));
  if (name === 'country') return fc.constantFrom('US', 'GB', 'IN', 'DE', 'ZZ');
  if (name === 'phone') return fc.constantFrom('+1 212 555 0100', '098765 43210', '020 7946 0000', '12');
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern, /\\p\{/.test(s.pattern) ? 'u' : '')).map((v) => v.slice(0, Math.max(max, min)));
    } catch {
      // A pattern fast-check cannot generate from: plain strings, which mostly fail validation.
    }
  }
  return fc.string({ minLength: min, maxLength: max });
}

// --- Requests -----------------------------------------------------------------------------------

interface FuzzRequest {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  auth: 'session' | 'none' | 'bogus';
  how: string;
}

/** Changes one field of a body into something hostile, drops a required one, or adds strangers. */
function mutated(valid: fc.Arbitrary<unknown>, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const fields = Object.keys(schema?.properties ?? {});
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 2, arbitrary: fc.tuple(valid, fields.length ? fc.constantFrom(...fields) : fc.constant('x'), hostileValue).map(([v, k, h]) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, [k]: h } : h)) },
    { weight: 1, arbitrary: fc.tuple(valid, fields.length ? fc.constantFrom(...fields) : fc.constant('x')).map(([v, k]) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
      const copy = { ...(v as Record<string, unknown>) };
      delete copy[k];
      return copy;
    }) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.dictionary(fc.constantFrom('admin', 'recruiter_id', 'id', 'status', '__proto__', 'constructor', 'zz'), hostileValue, { maxKeys: 3 })).map(([v, extra]) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...extra, ...v, ...extra } : v)) },
    { weight: 1, arbitrary: hostileValue },
  );
}

const formText = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
function formPairs(value: unknown): [string, string][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [['value', formText(value)]];
  return Object.entries(value).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, formText(x)] as [string, string]) : [[k, formText(v)] as [string, string]]));
}
function multipart(pairs: [string, string][], boundary: string) {
  return `${pairs.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '%22')}"\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`;
}

/** The body of a request, in a way a client could send it, or one of the ways a client gets it wrong. */
type Body = { headers: Record<string, string>; body?: string; how: string };
function bodyFor(op: OpenApiOperation, pools: Pools, examples: unknown[]): fc.Arbitrary<Body> {
  const content = op.requestBody?.content ?? {};
  const types = Object.keys(content);
  const schemaOf = (type: string) => content[type]?.schema as Schema | undefined;
  const anySchema = schemaOf(types.find((x) => x.includes('json') || x.includes('form')) ?? '') ?? { type: 'object', properties: {} };
  const valid = examples.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: fromSchema(anySchema, pools) }) : fromSchema(anySchema, pools);
  const value = mutated(valid, anySchema);
  const asJson = value.map((v): Body => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) ?? 'null', how: 'json' }));
  const asForm = value.map((v): Body => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(formPairs(v)).toString(), how: 'urlencoded' }));
  const asMultipart = value.map((v): Body => ({ headers: { 'content-type': 'multipart/form-data; boundary=FuzzBoundary' }, body: multipart(formPairs(v), 'FuzzBoundary'), how: 'multipart' }));
  // What the operation takes, the way it takes it, most of the time; every other way now and then.
  const proper: fc.Arbitrary<Body>[] = [
    ...(types.includes('application/json') ? [asJson] : []),
    ...(types.includes('application/x-www-form-urlencoded') ? [asForm] : []),
    ...(types.includes('multipart/form-data') ? [asMultipart] : []),
  ];
  const shapes: fc.Arbitrary<Body>[] = [
    fc.constant({ headers: {}, how: 'no body' }),
    asJson,
    fc.constantFrom('{', '{"a":', 'nul', '[1,2', '{"start": "2026-03-03T13:00:00Z",}', '\u0000', '{"__proto__": {"x": 1}}', '"just a string"', '1e999999')
      .map((body) => ({ headers: { 'content-type': 'application/json' }, body, how: 'malformed json' })),
    value.map((v) => ({ headers: { 'content-type': 'text/plain' }, body: JSON.stringify(v) ?? '', how: 'json as text/plain' })),
    asForm,
    asMultipart,
    value.map((v) => ({ headers: { 'content-type': 'multipart/form-data' }, body: multipart(formPairs(v), 'FuzzBoundary'), how: 'multipart without boundary' })),
    value.map((v) => ({ headers: { 'content-type': 'multipart/form-data; boundary=Other' }, body: multipart(formPairs(v), 'FuzzBoundary'), how: 'multipart, wrong boundary' })),
    fc.constantFrom('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', '--B--', 'garbage\r\n\r\n--B', '')
      .map((body) => ({ headers: { 'content-type': 'multipart/form-data; boundary=B' }, body, how: 'broken multipart' })),
    fc.constantFrom('application/xml', 'text/calendar', 'application/octet-stream', 'application/json; charset=utf-16', 'image/png', ';;;')
      .chain((type) => value.map((v) => ({ headers: { 'content-type': type }, body: JSON.stringify(v) ?? '', how: `as ${type}` }))),
    fc.constant({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ big: HUGE }), how: 'too large' }),
  ];
  if (types.includes('text/calendar')) {
    shapes.push(fc.tuple(fc.constantFrom(...SLOT_TIMES), hostileString, fc.constantFrom('DTSTART', 'DTEND', 'RRULE', 'SUMMARY', 'TZID', 'BEGIN')).map(([start, text, prop]) => {
      const dt = start.replace(/[-:]/g, '').replace(/\.\d+/, '');
      const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', `UID:${text}`, `DTSTART:${dt}`, `DTEND:${dt}`, `${prop}:${text}`, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
      return { headers: { 'content-type': 'text/calendar' }, body, how: 'ics' };
    }));
    shapes.push(fc.constantFrom('BEGIN:VCALENDAR', 'BEGIN:VEVENT\r\nDTSTART:2026\r\nEND:VEVENT', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:FREQ=SECONDLY\r\nDTSTART:20260303T130000Z\r\nEND:VEVENT\r\nEND:VCALENDAR', HUGE)
      .map((body) => ({ headers: { 'content-type': 'text/calendar' }, body, how: 'broken ics' })));
  }
  const others = fc.oneof(...shapes);
  return proper.length ? fc.oneof({ weight: 3, arbitrary: fc.oneof(...proper) }, { weight: 2, arbitrary: others }) : others;
}

function paramValue(name: string, schema: Schema | undefined, path: string, pools: Pools): fc.Arbitrary<string> {
  const real = name === 'token' ? pools.tokens[path.split('/')[1] as 'b' | 'j' | 'i'] ?? [] : name === 'id' ? pools.ids : [];
  return fc.oneof(
    ...(real.length ? [{ weight: 4, arbitrary: fc.constantFrom(...real) }] : []),
    { weight: 2, arbitrary: fromSchema(schema, pools, name).map(String) },
    { weight: 1, arbitrary: fc.oneof(fc.uuid(), fc.base64String({ minLength: 32, maxLength: 32 }).map((s) => s.replace(/[+/=]/g, '_'))) },
    { weight: 1, arbitrary: hostileString },
  );
}

function requestFor(method: string, path: string, op: OpenApiOperation, pools: Pools, examples: Examples): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(...pathParams.map((p) => paramValue(p.name, p.schema as Schema, path, pools)))
    .map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, encodeURIComponent(values[i]!)), path));
  const queryArb = fc.tuple(
    ...queryParams.map((p) => fc.option(fc.oneof(
      { weight: 4, arbitrary: examples.query?.[p.name] ? fc.oneof(fc.constantFrom(...examples.query[p.name]!), fromSchema(p.schema as Schema, pools, p.name)) : fromSchema(p.schema as Schema, pools, p.name) },
      { weight: 1, arbitrary: hostileValue },
    ), { freq: p.required ? 10 : 2 })),
    fc.dictionary(fc.constantFrom('limit', 'tz', 'extra', 'key', 'x[]', 'reschedule'), hostileString, { maxKeys: 2 }),
    fc.constantFrom('', '', '', '&%E0%A4%A', '&a=%zz', '&tz=%00', '&&&=&'),
  ).map((parts) => {
    const extra = parts[queryParams.length] as Record<string, string>;
    const raw = parts[queryParams.length + 1] as string;
    const q = new URLSearchParams();
    queryParams.forEach((p, i) => { const v = parts[i]; if (v !== null && v !== undefined) q.append(p.name, typeof v === 'string' ? v : JSON.stringify(v)); });
    for (const [k, v] of Object.entries(extra)) q.append(k, v);
    const text = q.toString() + raw;
    return text ? `?${text.replace(/^&/, '')}` : '';
  });
  const secured = !!op.security;
  const authArb = fc.constantFrom<FuzzRequest['auth']>(...(secured ? ['session', 'session', 'session', 'none', 'bogus'] as const : ['none', 'none', 'session'] as const));
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const bodyArb: fc.Arbitrary<Body> = hasBody ? bodyFor(op, pools, examples.body ?? []) : fc.constant({ headers: {}, how: 'no body' });
  const extraHeaders = fc.record({
    origin: fc.constantFrom(ORIGIN, ORIGIN, ORIGIN, 'https://evil.example', ''),
    accept: fc.constantFrom('', 'text/html', 'application/json', '*/*'),
  });
  return fc.tuple(pathArb, queryArb, authArb, bodyArb, extraHeaders).map(([p, q, auth, b, h]) => ({
    operation: `${method} ${path}`, method, url: `${p}${q}`, auth, body: b.body, how: b.how,
    headers: { ...b.headers, ...(h.origin ? { origin: h.origin } : {}), ...(h.accept ? { accept: h.accept } : {}) },
  }));
}

// --- Requests that pass validation, to start from ----------------------------------------------

interface Examples { body?: unknown[]; query?: Record<string, string[]> }
function examplesFor(key: string, x: { patId: string; codes: string[]; oauthStates: string[] }): Examples {
  const candidate = (start: string) => ({ start, timeZone: 'UTC', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none' });
  const template = { name: 'Second loop', shape: 'together', video: null, message: 'Book: {booking_link}', sessions: [{ name: 'Chat', durationMinutes: 30, interviewers: [x.patId], pool: [] }] };
  const caldav = { serverUrl: `${UPSTREAM}/dav/`, username: 'pat', password: 'app-password' };
  const all: Record<string, Examples> = {
    'POST /api/auth/register': { body: [{ email: 'nina@example.com', name: 'Nina New', password: 'correct horse battery', timeZone: 'Europe/Paris' }, { email: 'rita@example.com', name: 'Rita Again', password: 'correct horse battery' }] },
    'POST /api/auth/login': { body: [{ email: 'rita@example.com', password: 'correct horse battery' }, { email: 'rita@example.com', password: 'wrong password!' }] },
    'PUT /api/settings': { body: [defaultSettings('America/New_York'), { ...defaultSettings('UTC'), dailyLimit: 3, blockedDates: ['2026-03-10'] }] },
    'GET /api/calendar/events': { query: { from: ['2026-03-01T00:00:00Z'], to: ['2026-03-31T00:00:00Z', '2026-03-01T00:00:00Z'] } },
    'POST /api/calendar/events': { body: [{ start: '2026-03-05T15:00:00Z', end: '2026-03-05T16:00:00Z', summary: 'Busy' }, { start: '2026-03-05T15:00:00Z', end: '2026-03-05T14:00:00Z' }] },
    'POST /api/connections/oauth/{provider}': { body: [{ code: 'auth-code', codeVerifier: 'v'.repeat(43), redirectUri: 'https://parley.test/callback' }] },
    'POST /api/connections/caldav': { body: [caldav] },
    'PATCH /api/connections/calendars/{id}': { body: [{ useForConflicts: false }, { isTarget: true }] },
    'POST /api/invitations': { body: [{ recipient: { key: 'linkedin:in:new-person', name: 'New Person' } }, { recipient: { key: 'linkedin:in:carla-candidate' }, video: null, durationMinutes: 45 }] },
    'POST /api/interviews': { body: [{ recipient: { key: 'linkedin:in:dora-direct', name: 'Dora Direct' }, start: '2026-03-05T15:00:00Z', durationMinutes: 30, video: 'jitsi' }] },
    'POST /api/interviews/{id}/video': { body: [{ video: 'jitsi' }] },
    'POST /api/interviews/{id}/participants': { body: [{ name: 'Ivan Interviewer', email: 'ivan@example.com' }] },
    'POST /api/interviews/{id}/replace': { body: [{ participantId: x.patId, interviewerId: x.patId }] },
    'PUT /api/ats': { body: [{ ats: 'lever', apiKey: 'lever-key-123', performAs: 'user-1' }, { ats: 'greenhouse', apiKey: 'greenhouse-key', onBehalfOf: '42', pushMessages: true }] },
    'PATCH /api/ats/policy': { body: [{ exportOnlyAfterReply: true, pushMessages: false }] },
    'POST /api/ats/exports': { body: [{ profileKey: 'linkedin:in:grace-hopper', profileUrl: 'https://www.linkedin.com/in/grace-hopper/', source: 'LinkedIn', firstName: 'Grace', lastName: 'Hopper', emails: ['grace@example.com'] }] },
    'POST /api/ats/candidate/notes': { body: [{ key: 'note-000001', text: 'Strong call' }] },
    'POST /api/ats/candidate/messages': { body: [{ messages: [{ key: 'msg-1', direction: 'sent', at: 1772450000000, from: 'Rita', to: 'Ada', text: 'Hello' }] }] },
    'POST /api/panels/interviewers': { body: [{ email: 'quinn@example.com', name: 'Quinn Q', sendInvite: true }] },
    'POST /api/panels/templates': { body: [template] },
    'PUT /api/panels/templates/{id}': { body: [template] },
    'POST /api/panels/templates/{id}/share': { body: [{ recipient: { key: 'linkedin:in:erin-e', name: 'Erin E' }, sharePending: true }] },
    'POST /b/{token}/book': { body: SLOT_TIMES.slice(0, 12).map(candidate) },
    'POST /b/{token}/reschedule': { body: SLOT_TIMES.slice(0, 12).map((start) => ({ start, timeZone: 'UTC' })) },
    'POST /j/{token}': { body: [...x.codes.map((code) => ({ code })), { code: '000000' }] },
    'POST /i/{token}/caldav': { body: [caldav] },
    'GET /i/oauth/callback': { query: { state: x.oauthStates, code: ['auth-code'], error: ['access_denied'] } },
    'POST /i/{token}/hours': { body: [{ timeZone: 'Europe/London', days: ['1', '2', '3'], start: '09:00', end: '17:00' }, { timeZone: 'UTC', days: [], start: '18:00', end: '09:00' }] },
  };
  return all[key] ?? {};
}

// --- The fixture: one of everything a route can be asked about ----------------------------------

async function fixture() {
  const db = t.db();
  if ((await db.query(`select to_regclass('rate_limits') as t`))[0]?.t) await db.query(`delete from rate_limits`);
  // Rita, signed in (made directly: hashing a password for every test would cost more than the test).
  const [rita] = await db.query<{ id: string }>(`insert into recruiters (email, name, password_hash) values ('rita@example.com', 'Rita Recruiter', $1) returning id`, [PASSWORD_HASH]);
  const recruiterId = rita!.id;
  await db.query(`insert into scheduler_settings (recruiter_id, settings) values ($1, $2)`,
    [recruiterId, JSON.stringify({ ...defaultSettings('America/New_York'), minimumNoticeMinutes: 0, noSameDay: false, video: { ...DEFAULT_VIDEO, accessCodes: true } })]);
  const token = newToken();
  await db.query(`insert into sessions (token_hash, recruiter_id, expires_at) values ($1, $2, $3)`, [hashToken(token), recruiterId, new Date(t.state.now + 86_400_000)]);
  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const res = await t.request(path, { token, ...init });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as Record<string, any>;
  };
  const event = (await call('/api/calendar/events', { method: 'POST', json: { start: '2026-03-04T10:00:00Z', end: '2026-03-04T11:00:00Z', summary: 'Dentist' } })).event;
  const open = await t.invitation(token, { key: 'linkedin:in:carla-candidate', name: 'Carla Candidate' });
  const interview = (await call('/api/interviews', { method: 'POST', json: { recipient: { key: 'linkedin:in:bob-booked', name: 'Bob Booked' }, start: '2026-03-03T15:00:00Z', durationMinutes: 30, video: 'jitsi' } })).interview;
  await db.query(`update jobs set run_at = now() where done_at is null`);
  await t.state.parley.deps.jobs.runDue();
  const pat = (await call('/api/panels/interviewers', { method: 'POST', json: { email: 'pat@example.com', name: 'Pat Pending' } })).interviewer;
  const [invite] = await db.query<{ invite_token_sealed: string }>(`select invite_token_sealed from interviewers where id = $1`, [pat.id]);
  const template = (await call('/api/panels/templates', {
    method: 'POST', json: { name: 'Onsite', shape: 'together', video: null, message: 'Book: {booking_link}', sessions: [{ name: 'Chat', durationMinutes: 30, interviewers: [pat.id], pool: [] }] },
  })).template;
  const sealer = t.state.parley.deps.sealer;
  const [connection] = await db.query<{ id: string }>(
    `insert into calendar_connections (recruiter_id, provider, account_email, server_url, username, secret_sealed) values ($1, 'caldav', 'rita@127.0.0.1', $2, 'rita', $3) returning id`,
    [recruiterId, `${UPSTREAM}/dav/`, sealer.seal('app-password')]);
  const [calendar] = await db.query<{ id: string }>(
    `insert into connected_calendars (connection_id, recruiter_id, external_id, name, is_target) values ($1, $2, '/dav/rita/work/', 'Work', true) returning id`, [connection!.id, recruiterId]);
  await db.query(`insert into ats_connections (recruiter_id, ats, credentials_sealed) values ($1, 'lever', $2)`,
    [recruiterId, sealer.seal(JSON.stringify({ ats: 'lever', apiKey: 'lever-key-123', performAs: 'user-1' }))]);
  await db.query(`insert into ats_candidates (recruiter_id, profile_key, profile_url, first_name, last_name, data, ats, status, ats_id)
    values ($1, 'linkedin:in:ada-lovelace', 'https://www.linkedin.com/in/ada-lovelace/', 'Ada', 'Lovelace', '{}', 'lever', 'exported', 'opp-1')`, [recruiterId]);
  const tokenOf = (url: string) => url.split('/').pop()!;
  const pools: Pools = {
    ids: [event.id, open.id, interview.id, template.id, pat.id, connection!.id, calendar!.id],
    tokens: { b: [open.linkToken, tokenOf(interview.link)], j: [tokenOf(interview.video.joinUrl), tokenOf(interview.video.candidateJoinUrl)], i: [sealer.open(invite!.invite_token_sealed)] },
    keys: ['linkedin:in:carla-candidate', 'linkedin:in:bob-booked', 'linkedin:in:ada-lovelace'],
    emails: ['rita@example.com', 'pat@example.com', 'someone@example.com'],
    codes: [interview.video.accessCode, interview.video.candidateAccessCode].filter(Boolean),
  };
  const inviteToken = sealer.open(invite!.invite_token_sealed);
  const oauthStates = (['google', 'microsoft'] as const).map((p) => sealer.seal(JSON.stringify({ t: inviteToken, v: 'v'.repeat(43), p })));
  return { token, pools, patId: pat.id as string, oauthStates };
}

const NOTHING = { token: 'none', patId: '00000000-0000-4000-8000-000000000000', oauthStates: [] as string[], pools: { ids: ['00000000-0000-4000-8000-000000000000'], tokens: { b: [], j: [], i: [] }, keys: [], emails: ['x@example.com'], codes: [] } as Pools };

// --- The properties -----------------------------------------------------------------------------

const STACK = /\n\s+at |\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|Error: /;
const SQL = /\b(select .+ from|insert into|update \w+ set|delete from|violates|relation "|syntax error at|duplicate key|invalid input syntax|pg_|constraint)\b/i;

async function check(req: FuzzRequest, session: string) {
  const headers = new Headers(req.headers);
  if (req.auth === 'session') headers.set('authorization', `Bearer ${session}`);
  if (req.auth === 'bogus') headers.set('authorization', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  const db = t.db();
  const before = await tableCounts(db);
  const res = await t.state.parley.app.request(`${ORIGIN}${req.url}`, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
  const text = await res.text();
  if (STATS) ((STATS[req.operation] ??= {})[res.status] ??= 0), STATS[req.operation]![res.status]!++;
  const what = `${req.method} ${req.url.slice(0, 300)} (${req.how}, ${req.auth}) → ${res.status}: ${text.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  const type = res.headers.get('content-type') ?? '';
  if (res.status >= 400 && type.includes('application/json')) {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    expect(typeof body.error?.message, what).toBe('string');
    const message = String(body.error!.message);
    expect(message.trim().length, what).toBeGreaterThan(0);
    expect(message, what).not.toMatch(STACK);
    expect(message, what).not.toMatch(SQL);
  }
  if (type.includes('text/html')) {
    expect(text, `${what}: markup echoed unescaped`).not.toMatch(/<script>alert\(1\)|<img src=x onerror|"onerror=alert/);
    if (res.status >= 400) expect(text, what).not.toMatch(STACK);
  }
  if (res.status >= 400) {
    const after = await tableCounts(db);
    const allowed = new Set(WRITES_ON_PURPOSE[`${req.method} ${req.url.split('?')[0]!.replace(/\/j\/[^/]+$/, '/j/{token}')}`] ?? []);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k] && !allowed.has(k)).map((k) => `${k} ${before[k]} → ${after[k]}`);
    expect(changed, `${what}: written on a refusal`).toEqual([]);
  }
}

/** FUZZ_STATS=1 prints how often each operation answered each status (to see that requests get past validation). */
const STATS: Record<string, Record<number, number>> | undefined = process.env.FUZZ_STATS ? {} : undefined;
afterAll(() => {
  if (STATS) for (const [op, counts] of Object.entries(STATS)) console.log(`${op.padEnd(48)} ${JSON.stringify(counts)}`);
});

describe('fuzzing every operation of /openapi.json', () => {
  it('has operations to fuzz', () => {
    expect(OPERATIONS.length).toBeGreaterThan(50);
  });

  it.each(OPERATIONS.map((o, i) => [`${o.method} ${o.path}`, o, i] as const))('%s', async (_name, { method, path, op }, index) => {
    // Files and documents need nothing; everything else gets one of everything to be asked about.
    const { token, pools, patId, oauthStates } = /^\/(api|b|j|i|r)\//.test(path) ? await fixture() : NOTHING;
    // The join gateway only reads the posted access code while the meeting is open.
    if (path.startsWith('/j/')) t.state.now = Date.parse('2026-03-03T15:05:00Z');
    await fc.assert(fc.asyncProperty(requestFor(method, path, op, pools, examplesFor(`${method} ${path}`, { patId, codes: pools.codes, oauthStates })), (req) => check(req, token)), { numRuns: RUNS, seed: SEED + index, endOnFailure: true });
  });
});

describe('what the fuzzer found, pinned down', () => {
  const brokenMultipart = (accept?: string) => ({
    method: 'POST', body: '--X\r\nContent-Disposition: form-data; name="start"\r\n\r\n2026-03-03T15:00:00Z\r\n--X--\r\n',
    headers: { 'content-type': 'multipart/form-data', origin: ORIGIN, ...(accept ? { accept } : {}) },
  });

  it('a form post that cannot be read is a readable 400: a page for browsers, JSON for API clients', async () => {
    const { token, pools } = await fixture();
    t.state.now = Date.parse('2026-03-03T15:05:00Z'); // the meeting is open: the join page reads the access code
    for (const url of [`/b/${pools.tokens.b[0]}/book`, `/b/${pools.tokens.b[1]}/reschedule`, `/j/${pools.tokens.j[0]}`]) {
      const page = await t.request(url, brokenMultipart());
      expect(page.status, url).toBe(400);
      expect(page.headers.get('content-type'), url).toMatch(/^text\/html/);
      expect(await page.text(), url).toContain('The request body could not be read');
      const api = await t.request(url, brokenMultipart('application/json'));
      expect(api.status, url).toBe(400);
      expect(((await api.json()) as { error: { message: string } }).error.message, url).toMatch(/^The request body could not be read: /);
    }
    const json = await t.request(`/b/${pools.tokens.b[0]}/book`, { method: 'POST', body: '{"start":', headers: { 'content-type': 'application/json', origin: ORIGIN } });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: { message: 'The request body could not be read: it is not valid JSON.' } });
    expect(token).toBeTruthy();
  });

  it('an interview refused for overlapping leaves no booking link behind', async () => {
    const { token } = await fixture();
    const before = await tableCounts(t.db());
    const res = await t.request('/api/interviews', { method: 'POST', token, json: { recipient: { key: 'linkedin:in:dora-direct', name: 'Dora' }, start: '2026-03-03T15:00:00Z', durationMinutes: 30, video: 'jitsi' } });
    expect(res.status).toBe(409);
    expect(await tableCounts(t.db())).toEqual(before);
  });

  it('a refused calendar connection on the interviewer page makes no account: the interviewer stays pending', async () => {
    const { token, pools, oauthStates } = await fixture();
    const invite = pools.tokens.i[0]!;
    const before = await tableCounts(t.db());
    const caldav = await t.request(`/i/${invite}/caldav`, { method: 'POST', body: new URLSearchParams({ serverUrl: `${UPSTREAM}/dav/`, username: 'pat', password: 'wrong' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } });
    expect(caldav.status).toBe(422);
    const oauth = await t.request(`/i/oauth/callback?${new URLSearchParams({ state: oauthStates[0]!, code: 'refused-code' })}`);
    expect(oauth.status).toBe(422);
    expect(await tableCounts(t.db())).toEqual(before);
    const list = (await (await t.request('/api/panels/interviewers', { token })).json()) as { interviewers: { email: string; status: string }[] };
    expect(list.interviewers).toEqual([expect.objectContaining({ email: 'pat@example.com', status: 'pending' })]);
  });
});
