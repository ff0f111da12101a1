import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A faithful fake of the parts of Greenhouse's Harvest API Parley uses, served on 127.0.0.1:
 *
 * - Harvest v1 under `/v1`: HTTP Basic with the API key as user name and an empty password (401
 *   `{message}` otherwise); `GET /jobs` (`status`, `per_page` 1…500 default 100, `page`) and
 *   `GET /candidates` (`email`, same paging) with RFC 5988 `Link` headers (`next`, `prev`,
 *   `last`); `GET /candidates/:id`, `GET /candidates/:id/activity_feed` (`{note, email, activity}`);
 *   `POST /candidates` (at least one `applications[{job_id}]` to an open job), `POST /prospects`
 *   (optional `application.job_ids`), `POST /candidates/:id/activity_feed/notes`
 *   (`{user_id, body, visibility}`) and `…/emails` (`{user_id, to, from, subject, body}`), each 201;
 *   writes need `On-Behalf-Of` with a user of the account (403 without or with an unknown one);
 *   validation failures are 422 `{message: "Validation error", errors: [{message, field}]}`;
 * - Harvest v3: `POST /oauth/token` (client credentials: HTTP Basic `client_id:client_secret`,
 *   form `grant_type=client_credentials&sub=<user id>`, answers `{access_token, token_type,
 *   expires_in}`) and `GET /v3/jobs` with a bearer token and cursor paging: filters and
 *   `per_page` on the first request, then `Link: <…/v3/jobs?cursor=…>; rel="next"` (no prev/last),
 *   where a cursor must be the only query parameter (422 otherwise);
 * - Harvest's throttle: `X-RateLimit-Limit`/`X-RateLimit-Remaining` on every API answer, 429 with
 *   `Retry-After` (and without the two headers) once the window's budget is spent;
 * - Greenhouse's documented delay after a create: for `invisibleAfterCreateMs` a new person is
 *   missing from lists and answers 404 to reads and writes, and the create answers only
 *   `{id, application_ids}`;
 * - faults Harvest really produces (429 with Retry-After, 5xx, slow answers, a refused key, a key
 *   without an endpoint's permission), applied to matching requests a given number of times.
 */

export type FakeGreenhouseFault =
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number }
  | 'bad-key'
  | 'no-permission';

export interface FakeGreenhouseJob {
  id: number;
  name: string;
  status: 'open' | 'closed';
  offices: { name: string; location?: { name: string } }[];
  departments: { name: string }[];
}

export interface FakeGreenhouseCandidate {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  title: string | null;
  is_prospect: boolean;
  email_addresses: { value: string; type: string }[];
  phone_numbers: { value: string; type: string }[];
  social_media_addresses: { value: string }[];
  website_addresses: { value: string; type: string }[];
  tags: string[];
  applications: { job_id: number | null; prospect: boolean }[];
  notes: string[];
  emails: { to: string; from: string; subject: string; body: string }[];
}

export interface FakeGreenhouse {
  /** v1 base `${url}/v1`; v3 token endpoint `${url}/oauth/token`, v3 base `${url}/v3`. */
  url: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
  /** The Greenhouse user writes are made on behalf of (On-Behalf-Of, `user_id`, v3 `sub`). */
  userId: string;
  /** Other users of the account (ids), e.g. one to act as. */
  users: Set<string>;
  /** ~120 jobs, some closed, so that lists take more than one page. */
  jobs: FakeGreenhouseJob[];
  candidates(): FakeGreenhouseCandidate[];
  /** Puts a person into the account behind Parley's back (as recruiters do in Greenhouse). */
  addCandidate(p: { first_name: string; last_name: string; emails?: string[]; jobId?: number; prospect?: boolean }): number;
  /** Greenhouse's delay after a create: a new person answers 404 (and is missing from lists) for this long. Default 0. */
  invisibleAfterCreateMs: number;
  /** Requests per window per credential (Harvest: `X-RateLimit-Limit` per 10 s). Default 50 per 10 s. */
  rateLimit: { limit: number; windowMs: number };
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeGreenhouseFault): void;
  /** Every request, with its lower-cased headers and the status it was answered with. */
  requests: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: unknown; status?: number }[];
  close(): Promise<void>;
}

interface StoredPerson {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  title: string | null;
  email_addresses: { value: string; type: string }[];
  phone_numbers: { value: string; type: string }[];
  social_media_addresses: { value: string }[];
  website_addresses: { value: string; type: string }[];
  addresses: { value: string; type: string }[];
  tags: string[];
  applications: { id: number; job_id: number | null; prospect: boolean; applied_at: string }[];
  notes: { id: number; created_at: string; body: string; user_id: number; visibility: string }[];
  emails: { id: number; created_at: string; to: string; from: string; subject: string; body: string; user_id: number }[];
  created_at: string;
  visibleAt: number;
}

const MAX_PER_PAGE = 500;
const DEFAULT_PER_PAGE = 100;
const EMAIL_TYPES = ['personal', 'work', 'other'];
const PHONE_TYPES = ['home', 'work', 'mobile', 'skype', 'other'];
const WEBSITE_TYPES = ['personal', 'company', 'portfolio', 'blog', 'other'];
const ADDRESS_TYPES = ['home', 'work', 'other'];
const VISIBILITIES = ['admin_only', 'private', 'public'];

const TITLES = ['Backend Engineer', 'Frontend Engineer', 'Data Scientist', 'Product Manager', 'Product Designer', 'Site Reliability Engineer', 'Account Executive', 'Recruiter', 'Engineering Manager', 'QA Engineer', 'Solutions Architect', 'Marketing Manager'];
const OFFICES = [
  { name: 'Berlin', location: { name: 'Berlin, Germany' } },
  { name: 'New York City', location: { name: 'New York, NY, United States' } },
  { name: 'Remote' },
  { name: 'Paris', location: { name: 'Paris, France' } },
];
const DEPARTMENTS = ['Engineering', 'Product', 'Design', 'Sales', 'People', 'Marketing'];

export async function startFakeGreenhouse(): Promise<FakeGreenhouse> {
  const apiKey = randomBytes(16).toString('hex');
  const clientId = randomBytes(12).toString('hex');
  const clientSecret = randomBytes(24).toString('base64url');
  const userId = String(4_080_000 + Math.floor(Math.random() * 10_000));

  interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeGreenhouseFault }
  const faults: FaultEntry[] = [];
  const people = new Map<number, StoredPerson>();
  const tokens = new Map<string, { expiresAt: number; sub: string }>();
  const windows = new Map<string, { start: number; count: number }>();
  let nextPersonId = 51_234_000;
  let nextId = 880_000_000;

  const jobs: FakeGreenhouseJob[] = Array.from({ length: 120 }, (_, i) => ({
    id: 4_001_000 + i * 7,
    name: `${TITLES[i % TITLES.length]}${i >= TITLES.length ? ` (${Math.floor(i / TITLES.length) + 1})` : ''}`,
    status: i % 12 === 11 ? 'closed' : 'open',
    offices: [OFFICES[i % OFFICES.length]!],
    departments: [{ name: DEPARTMENTS[i % DEPARTMENTS.length]! }],
  }));

  const fake: FakeGreenhouse = {
    url: '',
    apiKey,
    clientId,
    clientSecret,
    userId,
    users: new Set([userId]),
    jobs,
    candidates: () =>
      [...people.values()].map((p) => ({
        id: p.id, first_name: p.first_name, last_name: p.last_name, company: p.company, title: p.title, is_prospect: isProspect(p),
        email_addresses: p.email_addresses.map((e) => ({ ...e })), phone_numbers: p.phone_numbers.map((e) => ({ ...e })),
        social_media_addresses: p.social_media_addresses.map((e) => ({ ...e })), website_addresses: p.website_addresses.map((e) => ({ ...e })),
        tags: [...p.tags], applications: p.applications.map((a) => ({ job_id: a.job_id, prospect: a.prospect })),
        notes: p.notes.map((n) => n.body), emails: p.emails.map((e) => ({ to: e.to, from: e.from, subject: e.subject, body: e.body })),
      })),
    addCandidate(p) {
      const person = newPerson({ first_name: p.first_name, last_name: p.last_name, email_addresses: (p.emails ?? []).map((value) => ({ value, type: 'personal' })) }, 0);
      person.applications.push({ id: nextId++, job_id: p.jobId ?? null, prospect: p.prospect ?? p.jobId === undefined, applied_at: now() });
      people.set(person.id, person);
      return person.id;
    },
    invisibleAfterCreateMs: 0,
    rateLimit: { limit: 50, windowMs: 10_000 },
    fault(match, fault) {
      faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    requests: [],
    close: async () => undefined,
  };

  // ---------------------------------------------------------------- helpers
  const now = () => new Date().toISOString();
  const harvestError = (c: Context, status: number, message: string, errors?: { message: string; field: string }[]) =>
    c.json({ message, ...(errors ? { errors } : {}) }, status as ContentfulStatusCode);
  const invalid = (c: Context, errors: { message: string; field: string }[]) => harvestError(c, 422, 'Validation error', errors);
  const notFound = (c: Context) => harvestError(c, 404, 'Resource not found');

  function isProspect(p: StoredPerson) {
    return p.applications.length > 0 && p.applications.every((a) => a.prospect);
  }
  function visible(p: StoredPerson | undefined): p is StoredPerson {
    return !!p && Date.now() >= p.visibleAt;
  }
  function personById(id: string): StoredPerson | undefined {
    const p = /^\d+$/.test(id) ? people.get(Number(id)) : undefined;
    return visible(p) ? p : undefined;
  }
  function newPerson(fields: Partial<StoredPerson>, invisibleMs: number): StoredPerson {
    const at = now();
    return {
      id: (nextPersonId += 1 + Math.floor(Math.random() * 40)), first_name: '', last_name: '', company: null, title: null,
      email_addresses: [], phone_numbers: [], social_media_addresses: [], website_addresses: [], addresses: [], tags: [],
      applications: [], notes: [], emails: [], created_at: at, visibleAt: Date.now() + invisibleMs, ...fields,
    };
  }
  const jobJson = (j: FakeGreenhouseJob) => ({
    id: j.id, name: j.name, requisition_id: `REQ-${j.id}`, notes: null, confidential: false, status: j.status,
    created_at: '2026-01-05T09:00:00.000Z', opened_at: '2026-01-05T09:00:00.000Z', closed_at: j.status === 'closed' ? '2026-02-01T09:00:00.000Z' : null,
    updated_at: '2026-02-01T09:00:00.000Z', is_template: false, copied_from_id: null,
    departments: j.departments.map((d, i) => ({ id: 13_500 + DEPARTMENTS.indexOf(d.name) + i, name: d.name, parent_id: null, child_ids: [], external_id: null })),
    offices: j.offices.map((o, i) => ({ id: 8_700 + i + OFFICES.findIndex((x) => x.name === o.name), name: o.name, location: o.location ?? { name: null }, primary_contact_user_id: null, parent_id: null, child_ids: [], external_id: null })),
    hiring_team: { hiring_managers: [], recruiters: [], coordinators: [], sourcers: [] },
    custom_fields: {}, keyed_custom_fields: {}, openings: [],
  });
  const personJson = (p: StoredPerson) => ({
    id: p.id, first_name: p.first_name, last_name: p.last_name, company: p.company, title: p.title,
    created_at: p.created_at, updated_at: p.created_at, last_activity: p.created_at, is_private: false, photo_url: null, attachments: [],
    application_ids: p.applications.map((a) => a.id), phone_numbers: p.phone_numbers, addresses: p.addresses, email_addresses: p.email_addresses,
    website_addresses: p.website_addresses, social_media_addresses: p.social_media_addresses, recruiter: null, coordinator: null, can_email: true,
    tags: p.tags,
    applications: p.applications.map((a) => {
      const job = jobs.find((j) => j.id === a.job_id);
      return {
        id: a.id, candidate_id: p.id, prospect: a.prospect, applied_at: a.applied_at, rejected_at: null, last_activity_at: a.applied_at,
        location: null, source: null, credited_to: null, rejection_reason: null, rejection_details: null,
        jobs: job ? [{ id: job.id, name: job.name }] : [], job_post_id: null, status: 'active',
        current_stage: a.prospect ? null : { id: 2_966_800, name: 'Application Review' }, answers: [], prospective_office: null, prospective_department: null,
        prospect_detail: { prospect_pool: null, prospect_stage: null, prospect_owner: null },
      };
    }),
    educations: [], employments: [], custom_fields: {}, keyed_custom_fields: {},
  });
  const user = (id: number) => ({ id, first_name: 'Parley', last_name: 'Recruiter', name: 'Parley Recruiter', employee_id: null });

  /** `page`/`per_page` of v1 lists, with the Link header Harvest sends; a 422 answer when the query is wrong. */
  function v1Page<T>(c: Context, all: T[]): { error: Response } | { items: T[] } {
    const url = new URL(c.req.url);
    const q = url.searchParams;
    const perPage = q.has('per_page') ? Number(q.get('per_page')) : DEFAULT_PER_PAGE;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) return { error: invalid(c, [{ message: `Must be an integer between 1 and ${MAX_PER_PAGE}`, field: 'per_page' }]) };
    const page = q.has('page') ? Number(q.get('page')) : 1;
    if (!Number.isInteger(page) || page < 1) return { error: invalid(c, [{ message: 'Must be a positive integer', field: 'page' }]) };
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number) => {
      const u = new URL(`${fake.url}${url.pathname}`);
      for (const [k, v] of q) if (k !== 'page' && k !== 'per_page') u.searchParams.append(k, v);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    const rels = [
      ...(page < last ? [`<${link(page + 1)}>; rel="next"`] : []),
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      ...(last > 1 ? [`<${link(last)}>; rel="last"`] : []),
    ];
    if (rels.length) c.header('link', rels.join(', '));
    return { items: all.slice((page - 1) * perPage, page * perPage) };
  }

  // ---------------------------------------------------------------- app
  const app = new Hono();

  // Every request is logged; then the throttle, then the first matching fault (if any) decides its fate.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    let body: unknown;
    if (c.req.method !== 'GET') {
      const text = await c.req.raw.clone().text();
      if ((c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
      else {
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
      }
    }
    const entry: FakeGreenhouse['requests'][number] = {
      method: c.req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(c.req.raw.headers), ...(body !== undefined ? { body } : {}),
    };
    fake.requests.push(entry);
    await handle(c, next, url);
    entry.status = c.res.status;
  });

  async function handle(c: Context, next: () => Promise<void>, url: URL): Promise<void> {
    const api = url.pathname.startsWith('/v1/') || url.pathname.startsWith('/v3/');
    if (api) {
      // The throttle counts per credential, in fixed windows.
      const who = c.req.header('authorization') ?? '';
      const t = Date.now();
      let w = windows.get(who);
      if (!w || t - w.start >= fake.rateLimit.windowMs) windows.set(who, (w = { start: t, count: 0 }));
      w.count++;
      if (w.count > fake.rateLimit.limit) {
        const resetMs = w.start + fake.rateLimit.windowMs;
        c.header('retry-after', String(Math.max(1, Math.ceil((resetMs - t) / 1000))));
        c.header('x-ratelimit-reset', String(Math.ceil(resetMs / 1000)));
        c.res = harvestError(c, 429, 'Rate limit exceeded');
        return;
      }
      c.header('x-ratelimit-limit', String(fake.rateLimit.limit));
      c.header('x-ratelimit-remaining', String(fake.rateLimit.limit - w.count));
    }

    const i = faults.findIndex((f) => (!f.method || f.method === c.req.method) && f.path.test(url.pathname));
    if (i < 0) return next();
    const entry = faults[i]!;
    if (--entry.left <= 0) faults.splice(i, 1);
    const f = entry.fault;
    if (f === 'bad-key') {
      c.res = harvestError(c, 401, 'Invalid Basic Auth credentials');
      return;
    }
    if (f === 'no-permission') {
      c.res = harvestError(c, 403, 'This API Key does not have permission for this endpoint');
      return;
    }
    if ('delayMs' in f) {
      // The request is carried out at once; only the answer is late (as when a client gives up waiting).
      await next();
      await new Promise((r) => setTimeout(r, f.delayMs));
      return;
    }
    if (f.status === 429) {
      // Harvest's 429 leaves out X-RateLimit-Limit and X-RateLimit-Remaining.
      c.res = new Response(JSON.stringify({ message: 'Rate limit exceeded' }), {
        status: 429, headers: { 'content-type': 'application/json', 'retry-after': String(f.retryAfterSeconds) },
      });
      return;
    }
    c.res = f.status === 503
      ? new Response('<html><body><h1>503 Service Unavailable</h1></body></html>', { status: 503, headers: { 'content-type': 'text/html' } })
      : harvestError(c, 500, 'Internal server error');
  }

  // ---------------------------------------------------------------- Harvest v1
  const v1 = new Hono();

  v1.use('*', async (c, next) => {
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [key] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (!key || key !== apiKey) return harvestError(c, 401, 'Invalid Basic Auth credentials');
    if (c.req.method !== 'GET') {
      const actor = c.req.header('on-behalf-of');
      if (!actor) return harvestError(c, 403, 'Missing required header: On-Behalf-Of');
      if (!fake.users.has(actor.trim())) return harvestError(c, 403, `Invalid On-Behalf-Of user id: ${actor}`);
    }
    return next();
  });

  v1.get('/jobs', (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !['open', 'closed', 'draft'].includes(status)) return invalid(c, [{ message: 'Must be one of: open, closed, draft', field: 'status' }]);
    const page = v1Page(c, jobs.filter((j) => !status || j.status === status));
    return 'error' in page ? page.error : c.json(page.items.map(jobJson));
  });

  v1.get('/candidates', (c) => {
    const email = c.req.query('email')?.trim().toLowerCase();
    const all = [...people.values()].filter(visible).filter((p) => !email || p.email_addresses.some((e) => e.value.toLowerCase() === email));
    const page = v1Page(c, all);
    return 'error' in page ? page.error : c.json(page.items.map(personJson));
  });

  v1.get('/candidates/:id', (c) => {
    const p = personById(c.req.param('id'));
    return p ? c.json(personJson(p)) : notFound(c);
  });

  v1.get('/candidates/:id/activity_feed', (c) => {
    const p = personById(c.req.param('id'));
    if (!p) return notFound(c);
    return c.json({
      note: p.notes.map((n) => ({ id: n.id, created_at: n.created_at, body: n.body, user: user(n.user_id), private: n.visibility === 'private', visiblity: n.visibility, visibility: n.visibility })),
      email: p.emails.map((e) => ({ id: e.id, created_at: e.created_at, subject: e.subject, body: e.body, to: e.to, from: e.from, cc: null, user: user(e.user_id) })),
      activity: [{ id: nextId++, created_at: p.created_at, subject: null, body: `${p.first_name} ${p.last_name} was added`, user: null }],
    });
  });

  type ContactBody = Record<string, unknown>;
  /** Checks the fields candidates and prospects share; answers the errors, or the person to store. */
  function personFrom(b: ContactBody): { errors: { message: string; field: string }[]; person: Partial<StoredPerson> } {
    const errors: { message: string; field: string }[] = [];
    const text = (field: string, required: boolean) => {
      const v = b[field];
      if (v === undefined || v === null) {
        if (required) errors.push({ message: 'Must be present', field });
        return null;
      }
      if (typeof v !== 'string' || (required && !v.trim())) {
        errors.push({ message: required ? 'Must be a non-blank string' : 'Must be a string', field });
        return null;
      }
      return v;
    };
    const list = <T>(field: string, types: string[] | null, check?: (value: string) => boolean): T[] => {
      const v = b[field];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) {
        errors.push({ message: 'Must be an array', field });
        return [];
      }
      const out: T[] = [];
      for (const item of v as { value?: unknown; type?: unknown }[]) {
        if (!item || typeof item.value !== 'string' || !item.value.trim()) {
          errors.push({ message: 'value must be present', field });
          continue;
        }
        if (types && (typeof item.type !== 'string' || !types.includes(item.type))) {
          errors.push({ message: `type must be one of: ${types.join(', ')}`, field });
          continue;
        }
        if (check && !check(item.value)) {
          errors.push({ message: `${item.value} is invalid`, field });
          continue;
        }
        out.push((types ? { value: item.value, type: item.type } : { value: item.value }) as T);
      }
      return out;
    };
    const tags = b.tags;
    if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))) errors.push({ message: 'Must be an array of strings', field: 'tags' });
    const person: Partial<StoredPerson> = {
      first_name: text('first_name', true) ?? '', last_name: text('last_name', true) ?? '', company: text('company', false), title: text('title', false),
      email_addresses: list('email_addresses', EMAIL_TYPES, (e) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)),
      phone_numbers: list('phone_numbers', PHONE_TYPES), social_media_addresses: list('social_media_addresses', null),
      website_addresses: list('website_addresses', WEBSITE_TYPES), addresses: list('addresses', ADDRESS_TYPES),
      tags: Array.isArray(tags) ? [...new Set(tags as string[])] : [],
    };
    return { errors, person };
  }

  function openJob(jobId: unknown, field: string): { error?: { message: string; field: string }; job?: FakeGreenhouseJob } {
    const job = typeof jobId === 'number' || (typeof jobId === 'string' && /^\d+$/.test(jobId)) ? jobs.find((j) => j.id === Number(jobId)) : undefined;
    if (!job) return { error: { message: `Job ${String(jobId)} does not exist`, field } };
    if (job.status !== 'open') return { error: { message: `Job ${job.id} is not open`, field } };
    return { job };
  }

  /** Answers a create: whole, or only ids while the record is still being made. */
  function created(c: Context, p: StoredPerson) {
    people.set(p.id, p);
    return Date.now() < p.visibleAt ? c.json({ id: p.id, application_ids: p.applications.map((a) => a.id) }, 201) : c.json(personJson(p), 201);
  }

  v1.post('/candidates', async (c) => {
    const b = (await c.req.json().catch(() => null)) as ContactBody | null;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return harvestError(c, 400, 'Request body must be a JSON object');
    const { errors, person } = personFrom(b);
    const apps = b.applications;
    const jobIds: number[] = [];
    if (!Array.isArray(apps) || apps.length === 0) errors.push({ message: 'At least one application is required', field: 'applications' });
    else {
      for (const a of apps as { job_id?: unknown }[]) {
        const { error, job } = openJob(a?.job_id, 'applications.job_id');
        if (error) errors.push(error);
        else jobIds.push(job!.id);
      }
    }
    if (errors.length) return invalid(c, errors);
    const p = newPerson(person, fake.invisibleAfterCreateMs);
    for (const jobId of jobIds) p.applications.push({ id: nextId++, job_id: jobId, prospect: false, applied_at: now() });
    return created(c, p);
  });

  v1.post('/prospects', async (c) => {
    const b = (await c.req.json().catch(() => null)) as ContactBody | null;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return harvestError(c, 400, 'Request body must be a JSON object');
    const { errors, person } = personFrom(b);
    const application = b.application as { job_ids?: unknown } | undefined;
    const jobIds: number[] = [];
    if (application?.job_ids !== undefined) {
      if (!Array.isArray(application.job_ids)) errors.push({ message: 'Must be an array', field: 'application.job_ids' });
      else {
        for (const id of application.job_ids) {
          const { error, job } = openJob(id, 'application.job_ids');
          if (error) errors.push(error);
          else jobIds.push(job!.id);
        }
      }
    }
    if (errors.length) return invalid(c, errors);
    const p = newPerson(person, fake.invisibleAfterCreateMs);
    // A prospect is one prospect application on zero or more jobs.
    p.applications.push(...(jobIds.length ? jobIds : [null]).map((job_id) => ({ id: nextId++, job_id, prospect: true, applied_at: now() })));
    return created(c, p);
  });

  const actingUserId = (b: Record<string, unknown>) => {
    const id = b.user_id;
    const s = typeof id === 'number' ? String(id) : typeof id === 'string' ? id.trim() : '';
    return s && fake.users.has(s) ? Number(s) : undefined;
  };

  v1.post('/candidates/:id/activity_feed/notes', async (c) => {
    const p = personById(c.req.param('id'));
    if (!p) return notFound(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>;
    const errors: { message: string; field: string }[] = [];
    const uid = actingUserId(b);
    if (uid === undefined) errors.push({ message: 'Must be the id of a user', field: 'user_id' });
    if (typeof b.body !== 'string' || !b.body.trim()) errors.push({ message: 'Must be present', field: 'body' });
    if (typeof b.visibility !== 'string' || !VISIBILITIES.includes(b.visibility)) errors.push({ message: `Must be one of: ${VISIBILITIES.join(', ')}`, field: 'visibility' });
    if (errors.length) return invalid(c, errors);
    const note = { id: nextId++, created_at: now(), body: b.body as string, user_id: uid!, visibility: b.visibility as string };
    p.notes.push(note);
    return c.json({ id: note.id, created_at: note.created_at, body: note.body, user: user(note.user_id), private: note.visibility === 'private', visiblity: note.visibility, visibility: note.visibility }, 201);
  });

  v1.post('/candidates/:id/activity_feed/emails', async (c) => {
    const p = personById(c.req.param('id'));
    if (!p) return notFound(c);
    const b = ((await c.req.json().catch(() => null)) ?? {}) as Record<string, unknown>;
    const errors: { message: string; field: string }[] = [];
    const uid = actingUserId(b);
    if (uid === undefined) errors.push({ message: 'Must be the id of a user', field: 'user_id' });
    for (const field of ['to', 'from', 'subject', 'body']) {
      if (typeof b[field] !== 'string' || !(b[field] as string).trim()) errors.push({ message: 'Must be present', field });
    }
    if (errors.length) return invalid(c, errors);
    const email = { id: nextId++, created_at: now(), to: b.to as string, from: b.from as string, subject: b.subject as string, body: b.body as string, user_id: uid! };
    p.emails.push(email);
    return c.json({ id: email.id, created_at: email.created_at, subject: email.subject, body: email.body, to: email.to, from: email.from, cc: [], user: user(uid!) }, 201);
  });

  app.route('/v1', v1);

  // ---------------------------------------------------------------- Harvest v3
  app.post('/oauth/token', async (c) => {
    const form = new URLSearchParams((c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded') ? await c.req.text() : '');
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
    if (id !== clientId || secret !== clientSecret) return c.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    if (form.get('grant_type') !== 'client_credentials') return c.json({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' }, 400);
    const sub = form.get('sub') ?? '';
    if (!fake.users.has(sub)) return c.json({ error: 'invalid_request', error_description: 'sub must be the id of a user in the organization' }, 400);
    const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, { expiresAt: Date.now() + 3600_000, sub });
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'harvest:jobs:list harvest:candidates:list' });
  });

  const v3 = new Hono();
  v3.use('*', async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const t = token ? tokens.get(token) : undefined;
    if (!t || Date.now() >= t.expiresAt) return harvestError(c, 401, 'Unauthorized');
    return next();
  });

  v3.get('/jobs', (c) => {
    const q = new URL(c.req.url).searchParams;
    let state: { status?: string; perPage: number; offset: number };
    if (q.has('cursor')) {
      if ([...q.keys()].some((k) => k !== 'cursor')) return invalid(c, [{ message: 'cursor must be the only query parameter', field: 'cursor' }]);
      try {
        state = JSON.parse(Buffer.from(q.get('cursor')!, 'base64url').toString('utf8')) as typeof state;
      } catch {
        return invalid(c, [{ message: 'Invalid cursor', field: 'cursor' }]);
      }
    } else {
      const perPage = q.has('per_page') ? Number(q.get('per_page')) : DEFAULT_PER_PAGE;
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) return invalid(c, [{ message: `Must be an integer between 1 and ${MAX_PER_PAGE}`, field: 'per_page' }]);
      state = { ...(q.get('status') ? { status: q.get('status')! } : {}), perPage, offset: 0 };
    }
    const all = jobs.filter((j) => !state.status || j.status === state.status).sort((a, b) => b.id - a.id); // v3 orders by id, newest first
    const page = all.slice(state.offset, state.offset + state.perPage);
    if (state.offset + state.perPage < all.length) {
      const cursor = Buffer.from(JSON.stringify({ ...state, offset: state.offset + state.perPage })).toString('base64url');
      c.header('link', `<${fake.url}/v3/jobs?cursor=${cursor}>; rel="next"`);
    }
    return c.json(page.map(jobJson));
  });

  app.route('/v3', v3);
  app.notFound((c) => notFound(c));

  // ---------------------------------------------------------------- server
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      (server as Server).closeAllConnections?.();
      server.close(() => resolve());
    });
  return fake;
}
