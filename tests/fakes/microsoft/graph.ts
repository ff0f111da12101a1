import type { Hono, Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomUUID } from 'node:crypto';
import type { FakeContext } from './state.js';

// Graph's error envelope, the checks every route makes, paging, /me and the catch-all.

export function graphError(c: Context, status: number, code: string, message: string) {
  const requestId = randomUUID();
  c.header('request-id', requestId);
  c.header('client-request-id', c.req.header('client-request-id') ?? requestId);
  return c.json({ error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': requestId } } }, status as ContentfulStatusCode);
}

/** Auth, scopes and mailbox checks shared by the calendar routes; a Response when refused. */
export function guard(ctx: FakeContext, c: Context, need: 'read' | 'write' | 'schedule' | 'user'): Response | undefined {
  const auth = c.req.header('authorization') ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (!token) return graphError(c, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
  const t = ctx.state.accessTokens.get(token);
  if (!t) return graphError(c, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).');
  if (t.expiresAt <= Date.now()) return graphError(c, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
  const has = (...s: string[]) => s.some((x) => t.scopes.includes(x));
  const allowed =
    need === 'user'
      ? has('User.Read', 'User.ReadBasic.All')
      : need === 'write'
        ? has('Calendars.ReadWrite')
        : need === 'schedule'
          ? has('Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite')
          : has('Calendars.Read', 'Calendars.ReadWrite');
  if (!allowed) return graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  if (need === 'user') return undefined;
  switch (ctx.fake.mailboxState) {
    case 'on-premise':
      return graphError(c, 404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.');
    case 'inactive':
      return graphError(c, 404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
    case 'no-mailbox':
      return graphError(c, 404, 'ErrorMailboxNotFound', 'Mailbox does not exist.');
    default:
      return undefined;
  }
}

export const notFound = (c: Context) => graphError(c, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const accessDenied = (c: Context) => graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

/** One page of a collection: `$skip`/`$top` (capped at `pageSize`) and an `@odata.nextLink` while more are left. */
export function page<T>(ctx: FakeContext, c: Context, items: T[]) {
  const { fake, url } = ctx;
  const skip = Math.max(0, Number(c.req.query('$skip') ?? 0) || 0);
  const top = Math.min(fake.pageSize, Number(c.req.query('$top') ?? fake.pageSize) || fake.pageSize);
  const slice = items.slice(skip, skip + top);
  const body: Record<string, unknown> = { '@odata.context': `${url}/v1.0/$metadata#Collection`, value: slice };
  if (skip + top < items.length) {
    const next = new URL(c.req.path, url);
    for (const [k, v] of new URL(c.req.url).searchParams) next.searchParams.set(k, v);
    next.searchParams.set('$skip', String(skip + top));
    body['@odata.nextLink'] = next.toString();
  }
  return body;
}

/** GET /v1.0/me: the signed-in user. */
export function registerProfile(app: Hono, ctx: FakeContext) {
  const { fake, state } = ctx;
  app.get('/v1.0/me', (c) => {
    const refused = guard(ctx, c, 'user');
    if (refused) return refused;
    return c.json({
      '@odata.context': `${ctx.url}/v1.0/$metadata#users/$entity`,
      id: state.userId,
      displayName: fake.account.displayName,
      mail: fake.mailboxState === 'no-mailbox' ? null : fake.account.email,
      userPrincipalName: fake.account.email,
      givenName: fake.account.displayName.split(' ')[0] ?? null,
      surname: fake.account.displayName.split(' ').slice(1).join(' ') || null,
      preferredLanguage: 'en-US',
    });
  });
}

/** Any other Graph path answers as Graph does for a segment it does not know; registered last. */
export function registerFallback(app: Hono) {
  app.all('/v1.0/*', (c) => {
    const segment = c.req.path.split('/').filter(Boolean).pop() ?? '';
    return graphError(c, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  });
}
