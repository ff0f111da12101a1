import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FakeContext } from './state.js';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from './types.js';

/** What the Harvest routes share: Harvest's error answers, v1's paging with Link headers, and the user in activity items. */

export const harvestError = (c: Context, status: number, message: string, errors?: { message: string; field: string }[]) =>
  c.json({ message, ...(errors ? { errors } : {}) }, status as ContentfulStatusCode);
export const invalid = (c: Context, errors: { message: string; field: string }[]) => harvestError(c, 422, 'Validation error', errors);
export const notFound = (c: Context) => harvestError(c, 404, 'Resource not found');

export const user = (id: number) => ({ id, first_name: 'Parley', last_name: 'Recruiter', name: 'Parley Recruiter', employee_id: null });

/** `page`/`per_page` of v1 lists, with the Link header Harvest sends; a 422 answer when the query is wrong. */
export function v1Page<T>(ctx: FakeContext, c: Context, all: T[]): { error: Response } | { items: T[] } {
  const url = new URL(c.req.url);
  const q = url.searchParams;
  const perPage = q.has('per_page') ? Number(q.get('per_page')) : DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) return { error: invalid(c, [{ message: `Must be an integer between 1 and ${MAX_PER_PAGE}`, field: 'per_page' }]) };
  const page = q.has('page') ? Number(q.get('page')) : 1;
  if (!Number.isInteger(page) || page < 1) return { error: invalid(c, [{ message: 'Must be a positive integer', field: 'page' }]) };
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (n: number) => {
    const u = new URL(`${ctx.fake.url}${url.pathname}`);
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
