import type { Hono } from 'hono';
import { invalid, v1Page } from './harvest.js';
import type { FakeContext } from './state.js';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, type FakeGreenhouseJob } from './types.js';

/** The account's jobs, Harvest's job shape, and the job lists of v1 (page paging) and v3 (cursor paging). */

const TITLES = ['Backend Engineer', 'Frontend Engineer', 'Data Scientist', 'Product Manager', 'Product Designer', 'Site Reliability Engineer', 'Account Executive', 'Recruiter', 'Engineering Manager', 'QA Engineer', 'Solutions Architect', 'Marketing Manager'];
const OFFICES = [
  { name: 'Berlin', location: { name: 'Berlin, Germany' } },
  { name: 'New York City', location: { name: 'New York, NY, United States' } },
  { name: 'Remote' },
  { name: 'Paris', location: { name: 'Paris, France' } },
];
const DEPARTMENTS = ['Engineering', 'Product', 'Design', 'Sales', 'People', 'Marketing'];

/** 120 jobs over the titles, offices and departments above; every twelfth is closed. */
export function createJobs(): FakeGreenhouseJob[] {
  return Array.from({ length: 120 }, (_, i) => ({
    id: 4_001_000 + i * 7,
    name: `${TITLES[i % TITLES.length]}${i >= TITLES.length ? ` (${Math.floor(i / TITLES.length) + 1})` : ''}`,
    status: i % 12 === 11 ? 'closed' : 'open',
    offices: [OFFICES[i % OFFICES.length]!],
    departments: [{ name: DEPARTMENTS[i % DEPARTMENTS.length]! }],
  }));
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

/** The open job a create names in `field`; the validation error when there is none. */
export function openJob(ctx: FakeContext, jobId: unknown, field: string): { error?: { message: string; field: string }; job?: FakeGreenhouseJob } {
  const job = typeof jobId === 'number' || (typeof jobId === 'string' && /^\d+$/.test(jobId)) ? ctx.jobs.find((j) => j.id === Number(jobId)) : undefined;
  if (!job) return { error: { message: `Job ${String(jobId)} does not exist`, field } };
  if (job.status !== 'open') return { error: { message: `Job ${job.id} is not open`, field } };
  return { job };
}

/** Registers v1's `GET /jobs` (`status`, `page`, `per_page`) on the v1 router. */
export function registerV1Jobs(v1: Hono, ctx: FakeContext) {
  const { jobs } = ctx;

  v1.get('/jobs', (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !['open', 'closed', 'draft'].includes(status)) return invalid(c, [{ message: 'Must be one of: open, closed, draft', field: 'status' }]);
    const page = v1Page(ctx, c, jobs.filter((j) => !status || j.status === status));
    return 'error' in page ? page.error : c.json(page.items.map(jobJson));
  });
}

/** Registers v3's `GET /jobs` on the v3 router: filters and `per_page` first, then only `cursor`. */
export function registerV3Jobs(v3: Hono, ctx: FakeContext) {
  const { fake, jobs } = ctx;

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
}
