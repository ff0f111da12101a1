import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { serveFake } from '../serve.js';
import { registerActivity } from './activity.js';
import { registerBasicAuth, registerBearerAuth, registerTokenEndpoint } from './auth.js';
import { registerCandidates } from './candidates.js';
import { registerRequestLogThrottleAndFaults } from './faults.js';
import { notFound } from './harvest.js';
import { createJobs, registerV1Jobs, registerV3Jobs } from './jobs.js';
import { isProspect, newPerson, now, type FakeContext } from './state.js';
import type { FakeGreenhouse } from './types.js';

export type { FakeGreenhouse, FakeGreenhouseCandidate, FakeGreenhouseFault, FakeGreenhouseJob } from './types.js';

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
 *
 * The parts live beside this file: `types.ts` (public and stored shapes, Harvest's limits and
 * value lists), `state.ts` (shared context, people), `harvest.ts` (error answers, v1 paging),
 * `faults.ts` (request log, throttle, faults), `auth.ts` (Basic auth and On-Behalf-Of, the v3
 * token endpoint, bearer tokens), `jobs.ts` (the jobs, v1 and v3 job lists), `candidates.ts`
 * (people: lists, reads, creates) and `activity.ts` (notes and emails). This file builds the
 * handle the test gets, registers the routes and starts the server.
 */
export async function startFakeGreenhouse(): Promise<FakeGreenhouse> {
  const apiKey = randomBytes(16).toString('hex');
  const clientId = randomBytes(12).toString('hex');
  const clientSecret = randomBytes(24).toString('base64url');
  const userId = String(4_080_000 + Math.floor(Math.random() * 10_000));
  let nextPersonId = 51_234_000;
  let nextId = 880_000_000;

  const jobs = createJobs();

  const fake: FakeGreenhouse = {
    url: '',
    apiKey,
    clientId,
    clientSecret,
    userId,
    users: new Set([userId]),
    jobs,
    candidates: () =>
      [...ctx.people.values()].map((p) => ({
        id: p.id, first_name: p.first_name, last_name: p.last_name, company: p.company, title: p.title, is_prospect: isProspect(p),
        email_addresses: p.email_addresses.map((e) => ({ ...e })), phone_numbers: p.phone_numbers.map((e) => ({ ...e })),
        social_media_addresses: p.social_media_addresses.map((e) => ({ ...e })), website_addresses: p.website_addresses.map((e) => ({ ...e })),
        tags: [...p.tags], applications: p.applications.map((a) => ({ job_id: a.job_id, prospect: a.prospect })),
        notes: p.notes.map((n) => n.body), emails: p.emails.map((e) => ({ to: e.to, from: e.from, subject: e.subject, body: e.body })),
      })),
    addCandidate(p) {
      const person = newPerson(ctx, { first_name: p.first_name, last_name: p.last_name, email_addresses: (p.emails ?? []).map((value) => ({ value, type: 'personal' })) }, 0);
      person.applications.push({ id: ctx.nextId(), job_id: p.jobId ?? null, prospect: p.prospect ?? p.jobId === undefined, applied_at: now() });
      ctx.people.set(person.id, person);
      return person.id;
    },
    invisibleAfterCreateMs: 0,
    rateLimit: { limit: 50, windowMs: 10_000 },
    fault(match, fault) {
      ctx.faults.push({ method: match.method?.toUpperCase(), path: match.path, left: match.times ?? 1, fault });
    },
    requests: [],
    close: async () => undefined,
  };

  const ctx: FakeContext = {
    fake, apiKey, clientId, clientSecret, jobs, people: new Map(), tokens: new Map(), windows: new Map(), faults: [],
    nextPersonId: () => (nextPersonId += 1 + Math.floor(Math.random() * 40)),
    nextId: () => nextId++,
  };

  // ---------------------------------------------------------------- app
  // Registered in this order: the request log, throttle and faults first; v1 (its auth check
  // before its routes); v3's token endpoint; v3 (its auth check before its routes).
  const app = new Hono();
  registerRequestLogThrottleAndFaults(app, ctx);

  // ---------------------------------------------------------------- Harvest v1
  const v1 = new Hono();
  registerBasicAuth(v1, ctx);
  registerV1Jobs(v1, ctx);
  registerCandidates(v1, ctx);
  registerActivity(v1, ctx);
  app.route('/v1', v1);

  // ---------------------------------------------------------------- Harvest v3
  registerTokenEndpoint(app, ctx);
  const v3 = new Hono();
  registerBearerAuth(v3, ctx);
  registerV3Jobs(v3, ctx);
  app.route('/v3', v3);
  app.notFound((c) => notFound(c));

  const served = await serveFake(app);
  fake.url = served.url;
  fake.close = served.close;
  return fake;
}
