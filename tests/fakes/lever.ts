import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes, randomUUID } from 'node:crypto';
import { serveFake } from './serve.js';

/**
 * A faithful fake of the Lever Data API endpoints Parley uses, served over HTTP on 127.0.0.1
 * (`baseUrl` = `${url}/v1`):
 * - HTTP Basic auth with the API key as user name (password empty); 401 `UnauthorizedError` otherwise;
 * - `GET /postings` (`state` filter, repeatable), `GET /opportunities` (`email` filter, repeatable,
 *   canonicalised), `GET /opportunities/:id`, `GET /opportunities/:id/notes`: lists in Lever's
 *   envelope `{data, hasNext, next}` with `limit` (1–100, default 100) and an opaque `offset` token
 *   (the previous page's `next`);
 * - `POST /opportunities?perform_as=` (JSON): contacts deduplicated by email as Lever does (the
 *   existing contact is reused and its data wins, new emails/phones/links are added, and a new
 *   opportunity is made every time; the answer says `deduped`); `postings` takes one posting id;
 *   `createdAt` may not lie in the future;
 * - `POST /opportunities/:id/notes?perform_as=` `{value}` → `{data: {noteId}}`;
 * - writes without `perform_as` → 400; an id that is no user of the account → 400; a deactivated
 *   user → 403; unknown opportunity or posting → 404; errors in Lever's `{code, message}` body;
 * - at most `rateLimitPerSecond` requests per rolling second per key, then 429 with Retry-After;
 * - faults Lever really produces (429 with Retry-After, 5xx, slow answers, a refused key, a key
 *   without permission for an endpoint), applied to matching requests a given number of times.
 *   A slow answer is still carried out at once: only the answer is late, as when a client gives up.
 */

export type FakeLeverFault =
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503 }
  | { delayMs: number }
  /** 401, as for a revoked or mistyped key. */
  | 'bad-key'
  /** 403, as for a key whose endpoint permissions leave this endpoint out. */
  | 'forbidden';

export interface FakeLeverUser {
  id: string;
  name: string;
  email: string;
  /** Deactivated users cannot be acted as (403). */
  deactivated?: boolean;
}

export interface FakeLeverPosting {
  id: string;
  text: string;
  state: 'published' | 'closed' | 'internal';
  categories: { location?: string; team?: string };
}

export interface FakeLeverOpportunity {
  id: string;
  contact: string;
  name: string;
  emails: string[];
  phones: string[];
  links: string[];
  headline?: string;
  location?: string;
  sources: string[];
  origin: string;
  postings: string[];
  tags: string[];
  createdAt: number;
  owner: string;
  notes: { value: string; createdAt: number; user: string }[];
}

export interface FakeLever {
  /** baseUrl = `${url}/v1`. */
  url: string;
  apiKey: string;
  /** Users of the account: the first is active and a valid `perform_as`; the second is deactivated. */
  users: FakeLeverUser[];
  /** Seeded with 120 postings (published, closed and internal mixed), more than one page of 100. */
  postings: FakeLeverPosting[];
  opportunities(): FakeLeverOpportunity[];
  fault(match: { method?: string; path: RegExp; times?: number }, fault: FakeLeverFault): void;
  /** Lever: 10 per second per API key. */
  rateLimitPerSecond: number;
  /** Every request as received, including those answered 429 or with a fault. */
  requests: { method: string; path: string; query: Record<string, string>; body?: unknown; status?: number }[];
  close(): Promise<void>;
}

interface Contact {
  id: string;
  name: string;
  headline?: string;
  location?: string;
  emails: string[];
  phones: { type: string; value: string }[];
  links: string[];
}
interface StoredOpportunity {
  id: string;
  contact: string;
  sources: string[];
  origin: string;
  tags: string[];
  applications: { id: string; posting: string; createdAt: number }[];
  createdAt: number;
  updatedAt: number;
  owner: string;
  notes: { id: string; value: string; createdAt: number; user: string }[];
}

const ORIGINS = ['agency', 'applied', 'internal', 'referred', 'sourced', 'university'];
const PHONE_TYPES = ['mobile', 'home', 'work', 'skype', 'other'];
const MAX_LIMIT = 100;

const TEAMS = ['Engineering', 'Sales', 'Customer Success', 'Design', 'Finance', 'People'];
const LOCATIONS = ['Berlin', 'Paris', 'London', 'Remote (EU)', 'New York', 'Lisbon', 'Toronto'];
const ROLES = ['Backend Engineer', 'Account Executive', 'Customer Success Manager', 'Product Designer', 'Financial Analyst', 'Talent Partner', 'Data Engineer', 'Engineering Manager'];

function seedPostings(): FakeLeverPosting[] {
  const postings: FakeLeverPosting[] = [];
  for (let i = 0; i < 120; i++) {
    // 104 published, 10 closed, 6 internal ("unlisted"), interleaved.
    const state: FakeLeverPosting['state'] = i % 12 === 5 ? 'closed' : i % 20 === 11 ? 'internal' : 'published';
    postings.push({
      id: randomUUID(),
      text: `${ROLES[i % ROLES.length]}${i >= ROLES.length ? ` ${Math.floor(i / ROLES.length) + 1}` : ''}`,
      state,
      categories: { team: TEAMS[i % TEAMS.length], location: LOCATIONS[(i * 5) % LOCATIONS.length] },
    });
  }
  return postings;
}

const canonicalEmail = (e: string) => e.trim().toLowerCase();

export async function startFakeLever(): Promise<FakeLever> {
  const apiKey = randomBytes(24).toString('base64url');
  interface FaultEntry { method?: string; path: RegExp; left: number; fault: FakeLeverFault }
  const faults: FaultEntry[] = [];
  const contacts = new Map<string, Contact>();
  const opportunities = new Map<string, StoredOpportunity>();
  const pageTokens = new Map<string, { list: string; filter: string; offset: number }>();
  const accepted = new Map<string, number[]>(); // per presented key: times of requests let through
  const postingCreatedAt = new Map<string, number>();
  const seededAt = Date.now() - 90 * 86_400_000;

  const fake: FakeLever = {
    url: '',
    apiKey,
    users: [
      { id: randomUUID(), name: 'Rita Recruiter', email: 'rita@example.com' },
      { id: randomUUID(), name: 'Former Recruiter', email: 'former@example.com', deactivated: true },
    ],
    postings: seedPostings(),
    opportunities: () =>
      [...opportunities.values()].map((o) => {
        const c = contacts.get(o.contact)!;
        return {
          id: o.id, contact: o.contact, name: c.name, emails: [...c.emails], phones: c.phones.map((p) => p.value), links: [...c.links],
          ...(c.headline !== undefined ? { headline: c.headline } : {}), ...(c.location !== undefined ? { location: c.location } : {}),
          sources: [...o.sources], origin: o.origin, postings: o.applications.map((a) => a.posting), tags: [...o.tags],
          createdAt: o.createdAt, owner: o.owner, notes: o.notes.map((n) => ({ value: n.value, createdAt: n.createdAt, user: n.user })),
        };
      }),
    fault(match, fault) {
      faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    rateLimitPerSecond: 10,
    requests: [],
    close: async () => undefined,
  };

  // ---------------------------------------------------------------- helpers
  const leverError = (c: Context, status: number, code: string, message: string) => c.json({ code, message }, status as ContentfulStatusCode);
  const badRequest = (c: Context, message: string) => leverError(c, 400, 'BadRequestError', message);
  const notFound = (c: Context, message: string) => leverError(c, 404, 'NotFoundError', message);
  const unauthorized = (c: Context) => leverError(c, 401, 'UnauthorizedError', 'Invalid API key');

  function presentedKey(c: Context): string | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m?.[1]) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i < 0 ? decoded : decoded.slice(0, i);
  }

  /** The acting user of a write, or the error answer. */
  function actingUser(c: Context): FakeLeverUser | Response {
    const id = c.req.query('perform_as');
    if (!id) return badRequest(c, 'Missing required query parameter: perform_as');
    const user = fake.users.find((u) => u.id === id);
    if (!user) return badRequest(c, `Invalid perform_as: ${id} is not a user of this account`);
    if (user.deactivated) return leverError(c, 403, 'ForbiddenError', `The user ${id} is deactivated and cannot be used for perform_as`);
    return user;
  }

  /** One page of `items` after `limit`/`offset`, in Lever's envelope; or the error answer. */
  function page<T>(c: Context, list: string, filter: string, items: T[]): Response {
    const q = c.req.query();
    const limit = q.limit === undefined ? MAX_LIMIT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1) return badRequest(c, 'Invalid limit: must be a positive integer');
    const size = Math.min(limit, MAX_LIMIT);
    let start = 0;
    if (q.offset !== undefined) {
      const saved = pageTokens.get(q.offset);
      if (!saved || saved.list !== list || saved.filter !== filter) return badRequest(c, 'Invalid offset');
      start = saved.offset;
    }
    const data = items.slice(start, start + size);
    const hasNext = start + size < items.length;
    if (!hasNext) return c.json({ data, hasNext: false });
    const next = randomBytes(18).toString('base64url');
    pageTokens.set(next, { list, filter, offset: start + size });
    return c.json({ data, hasNext: true, next });
  }

  function opportunityJson(o: StoredOpportunity) {
    const ct = contacts.get(o.contact)!;
    return {
      id: o.id, name: ct.name, headline: ct.headline ?? '', contact: ct.id, stage: 'lead-new', confidentiality: 'non-confidential',
      location: ct.location ?? '', phones: ct.phones.map((p) => ({ ...p })), emails: [...ct.emails], links: [...ct.links],
      archived: null, tags: [...o.tags], sources: [...o.sources],
      stageChanges: [{ toStageId: 'lead-new', toStageIndex: 0, updatedAt: o.createdAt, userId: o.owner }],
      origin: o.origin, sourcedBy: o.origin === 'sourced' ? o.owner : null, owner: o.owner, followers: [o.owner],
      applications: o.applications.map((a) => a.id), createdAt: o.createdAt, updatedAt: o.updatedAt,
      lastInteractionAt: o.updatedAt, lastAdvancedAt: o.createdAt, snoozedUntil: null,
      urls: { list: 'https://hire.lever.co/candidates', show: `https://hire.lever.co/candidates/${o.id}` },
      isAnonymized: false, dataProtection: null,
    };
  }

  function postingJson(p: FakeLeverPosting) {
    let createdAt = postingCreatedAt.get(p.id);
    if (createdAt === undefined) postingCreatedAt.set(p.id, (createdAt = seededAt + postingCreatedAt.size * 3_600_000));
    return {
      id: p.id, text: p.text, createdAt, updatedAt: createdAt, state: p.state,
      distributionChannels: p.state === 'published' ? ['public', 'internal'] : [], confidentiality: 'non-confidential',
      user: fake.users[0]!.id, owner: fake.users[0]!.id, hiringManager: fake.users[0]!.id,
      categories: { ...p.categories, commitment: 'Full-time', department: p.categories.team, allLocations: p.categories.location ? [p.categories.location] : [] },
      tags: [], content: { description: '', descriptionHtml: '', lists: [], closing: '', closingHtml: '' }, country: null, followers: [],
      reqCode: null, requisitionCodes: [], urls: { list: 'https://jobs.lever.co/example', show: `https://jobs.lever.co/example/${p.id}`, apply: `https://jobs.lever.co/example/${p.id}/apply` },
      workplaceType: 'unspecified',
    };
  }

  const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

  // ---------------------------------------------------------------- app
  const app = new Hono();

  // Every request is logged; then the first matching fault (if any), the rate limit and the key decide its fate.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      const text = await c.req.raw.clone().text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
    }
    const entry: FakeLever['requests'][number] = { method: c.req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), ...(body !== undefined ? { body } : {}) };
    fake.requests.push(entry);
    const answer = await decide(c, next, url.pathname);
    entry.status = answer?.status ?? c.res.status;
    return answer;
  });

  async function decide(c: Context, next: () => Promise<void>, path: string): Promise<Response | undefined> {
    const i = faults.findIndex((f) => (!f.method || f.method === c.req.method) && f.path.test(path));
    let delayMs = 0;
    if (i >= 0) {
      const entry = faults[i]!;
      if (--entry.left <= 0) faults.splice(i, 1);
      const f = entry.fault;
      if (f === 'bad-key') return unauthorized(c);
      if (f === 'forbidden') return leverError(c, 403, 'ForbiddenError', 'This API key does not have permission to access this endpoint');
      if ('delayMs' in f) delayMs = f.delayMs;
      else if (f.status === 429) {
        c.header('retry-after', String(f.retryAfterSeconds));
        return leverError(c, 429, 'TooManyRequestsError', 'Rate limit exceeded: please retry later');
      } else {
        return f.status === 503
          ? leverError(c, 503, 'ServiceUnavailableError', 'Service temporarily unavailable')
          : leverError(c, 500, 'InternalServerError', 'An unexpected error occurred');
      }
    }

    const key = presentedKey(c) ?? '';
    const now = Date.now();
    const times = (accepted.get(key) ?? []).filter((t) => t > now - 1000);
    if (times.length >= fake.rateLimitPerSecond) {
      accepted.set(key, times);
      c.header('retry-after', String(Math.max(1, Math.ceil((times[0]! + 1000 - now) / 1000))));
      return leverError(c, 429, 'TooManyRequestsError', 'Rate limit exceeded: please retry later');
    }
    times.push(now);
    accepted.set(key, times);
    if (key !== apiKey) return unauthorized(c);

    await next();
    // The request was carried out at once; only the answer is late.
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return undefined;
  }

  const api = new Hono();

  api.get('/postings', (c) => {
    const states = c.req.queries('state') ?? [];
    const items = fake.postings.filter((p) => !states.length || states.includes(p.state)).map(postingJson);
    return page(c, 'postings', states.join(','), items);
  });

  api.get('/opportunities', (c) => {
    const emails = (c.req.queries('email') ?? []).map(canonicalEmail);
    const items = [...opportunities.values()]
      .filter((o) => !emails.length || contacts.get(o.contact)!.emails.some((e) => emails.includes(canonicalEmail(e))))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(opportunityJson);
    return page(c, 'opportunities', emails.join(','), items);
  });

  api.post('/opportunities', async (c) => {
    const user = actingUser(c);
    if (user instanceof Response) return user;
    if (!(c.req.header('content-type') ?? '').includes('application/json')) return badRequest(c, 'Unsupported content type: send application/json or multipart/form-data');
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return badRequest(c, 'Request body must be a JSON object');
    for (const f of ['name', 'headline', 'location'] as const) {
      if (body[f] !== undefined && typeof body[f] !== 'string') return badRequest(c, `Invalid value for "${f}": expected a string`);
    }
    for (const f of ['emails', 'links', 'sources', 'tags'] as const) {
      if (body[f] !== undefined && !isStringArray(body[f])) return badRequest(c, `Invalid value for "${f}": expected an array of strings`);
    }
    const phones = body.phones ?? [];
    if (!Array.isArray(phones) || !phones.every((p) => p && typeof p === 'object' && typeof p.value === 'string' && (p.type === undefined || PHONE_TYPES.includes(p.type)))) {
      return badRequest(c, `Invalid value for "phones": expected [{value, type}] with type one of ${PHONE_TYPES.join(', ')}`);
    }
    const origin = body.origin ?? 'sourced';
    if (typeof origin !== 'string' || !ORIGINS.includes(origin)) return badRequest(c, `Invalid value for "origin": must be one of ${ORIGINS.join(', ')}`);
    const postings = body.postings ?? [];
    if (!isStringArray(postings) || postings.length > 1) return badRequest(c, 'Invalid value for "postings": expected an array with at most one posting id');
    for (const id of postings) if (!fake.postings.some((p) => p.id === id)) return notFound(c, `Posting ${id} was not found`);
    const now = Date.now();
    let createdAt = now;
    if (body.createdAt !== undefined) {
      if (typeof body.createdAt !== 'number' || !Number.isInteger(body.createdAt) || body.createdAt < 0) return badRequest(c, 'Invalid value for "createdAt": expected a timestamp in milliseconds');
      if (body.createdAt > now) return badRequest(c, 'Invalid value for "createdAt": an opportunity cannot be created in the future');
      createdAt = body.createdAt;
    }

    const emails = (body.emails as string[] | undefined) ?? [];
    const wanted = new Set(emails.map(canonicalEmail));
    const existing = [...contacts.values()].find((ct) => ct.emails.some((e) => wanted.has(canonicalEmail(e))));
    const newPhones = (phones as { value: string; type?: string }[]).map((p) => ({ type: p.type ?? 'other', value: p.value }));
    let contact: Contact;
    if (existing) {
      // Lever: the existing contact's data takes precedence; new addresses, numbers and links are added.
      contact = existing;
      for (const e of emails) if (!contact.emails.some((x) => canonicalEmail(x) === canonicalEmail(e))) contact.emails.push(e);
      for (const p of newPhones) if (!contact.phones.some((x) => x.value === p.value)) contact.phones.push(p);
      for (const l of (body.links as string[] | undefined) ?? []) if (!contact.links.includes(l)) contact.links.push(l);
    } else {
      contact = {
        id: randomUUID(), name: (body.name as string | undefined) ?? '', emails: [...emails], phones: newPhones, links: [...((body.links as string[] | undefined) ?? [])],
        ...(typeof body.headline === 'string' ? { headline: body.headline } : {}), ...(typeof body.location === 'string' ? { location: body.location } : {}),
      };
      contacts.set(contact.id, contact);
    }
    const o: StoredOpportunity = {
      id: randomUUID(), contact: contact.id, sources: [...((body.sources as string[] | undefined) ?? [])], origin, tags: [...((body.tags as string[] | undefined) ?? [])],
      applications: postings.map((posting) => ({ id: randomUUID(), posting, createdAt })), createdAt, updatedAt: now, owner: user.id, notes: [],
    };
    opportunities.set(o.id, o);
    return c.json({ deduped: !!existing, data: opportunityJson(o) }, 201);
  });

  api.get('/opportunities/:id', (c) => {
    const o = opportunities.get(c.req.param('id'));
    return o ? c.json({ data: opportunityJson(o) }) : notFound(c, `Opportunity ${c.req.param('id')} was not found`);
  });

  api.get('/opportunities/:id/notes', (c) => {
    const o = opportunities.get(c.req.param('id'));
    if (!o) return notFound(c, `Opportunity ${c.req.param('id')} was not found`);
    const items = o.notes.map((n) => ({
      id: n.id, text: null, fields: [{ type: 'note', text: 'Note', value: n.value }], user: n.user, secret: false,
      completedAt: n.createdAt, createdAt: n.createdAt, deletedAt: null,
    }));
    return page(c, `notes:${o.id}`, '', items);
  });

  api.post('/opportunities/:id/notes', async (c) => {
    const user = actingUser(c);
    if (user instanceof Response) return user;
    const o = opportunities.get(c.req.param('id'));
    if (!o) return notFound(c, `Opportunity ${c.req.param('id')} was not found`);
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return badRequest(c, 'Request body must be a JSON object');
    if (typeof body.value !== 'string' || !body.value.trim()) return badRequest(c, 'Invalid value for "value": a note needs text');
    const note = { id: randomUUID(), value: body.value, createdAt: Date.now(), user: user.id };
    o.notes.push(note);
    o.updatedAt = note.createdAt;
    return c.json({ data: { noteId: note.id } }, 201);
  });

  app.route('/v1', api);
  app.notFound((c) => leverError(c, 404, 'ResourceNotFound', `${c.req.method} ${new URL(c.req.url).pathname} does not exist`));

  const served = await serveFake(app);
  fake.url = served.url;
  fake.close = served.close;
  return fake;
}
