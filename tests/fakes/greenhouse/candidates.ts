import type { Context, Hono } from 'hono';
import { harvestError, invalid, notFound, user, v1Page } from './harvest.js';
import { openJob } from './jobs.js';
import { newPerson, now, personById, visible, type FakeContext } from './state.js';
import { ADDRESS_TYPES, EMAIL_TYPES, PHONE_TYPES, WEBSITE_TYPES, type StoredPerson } from './types.js';

type ContactBody = Record<string, unknown>;

/**
 * Registers v1's people routes on the v1 router: `GET /candidates` (`email`, `page`,
 * `per_page`), `GET /candidates/:id`, `GET /candidates/:id/activity_feed`, and the creates
 * `POST /candidates` and `POST /prospects`.
 */
export function registerCandidates(v1: Hono, ctx: FakeContext) {
  const { fake, jobs, people } = ctx;

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

  v1.get('/candidates', (c) => {
    const email = c.req.query('email')?.trim().toLowerCase();
    const all = [...people.values()].filter(visible).filter((p) => !email || p.email_addresses.some((e) => e.value.toLowerCase() === email));
    const page = v1Page(ctx, c, all);
    return 'error' in page ? page.error : c.json(page.items.map(personJson));
  });

  v1.get('/candidates/:id', (c) => {
    const p = personById(ctx, c.req.param('id'));
    return p ? c.json(personJson(p)) : notFound(c);
  });

  v1.get('/candidates/:id/activity_feed', (c) => {
    const p = personById(ctx, c.req.param('id'));
    if (!p) return notFound(c);
    return c.json({
      note: p.notes.map((n) => ({ id: n.id, created_at: n.created_at, body: n.body, user: user(n.user_id), private: n.visibility === 'private', visiblity: n.visibility, visibility: n.visibility })),
      email: p.emails.map((e) => ({ id: e.id, created_at: e.created_at, subject: e.subject, body: e.body, to: e.to, from: e.from, cc: null, user: user(e.user_id) })),
      activity: [{ id: ctx.nextId(), created_at: p.created_at, subject: null, body: `${p.first_name} ${p.last_name} was added`, user: null }],
    });
  });

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
        const { error, job } = openJob(ctx, a?.job_id, 'applications.job_id');
        if (error) errors.push(error);
        else jobIds.push(job!.id);
      }
    }
    if (errors.length) return invalid(c, errors);
    const p = newPerson(ctx, person, fake.invisibleAfterCreateMs);
    for (const jobId of jobIds) p.applications.push({ id: ctx.nextId(), job_id: jobId, prospect: false, applied_at: now() });
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
          const { error, job } = openJob(ctx, id, 'application.job_ids');
          if (error) errors.push(error);
          else jobIds.push(job!.id);
        }
      }
    }
    if (errors.length) return invalid(c, errors);
    const p = newPerson(ctx, person, fake.invisibleAfterCreateMs);
    // A prospect is one prospect application on zero or more jobs.
    p.applications.push(...(jobIds.length ? jobIds : [null]).map((job_id) => ({ id: ctx.nextId(), job_id, prospect: true, applied_at: now() })));
    return created(c, p);
  });
}

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
