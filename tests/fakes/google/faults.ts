import type { Hono } from 'hono';
import { apiError, bearer, insufficientScope, notCalendarUser, unauthenticated } from './envelopes.js';
import type { FakeContext } from './state.js';
import type { Method } from './types.js';

/** Registers, before every route, the request log and the faults set with `fake.fault()`. */
export function registerRequestLogAndFaults(app: Hono, ctx: FakeContext) {
  const { fake } = ctx;

  // Every request is logged, then the first matching fault (if any) decides its fate.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    let body: unknown;
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      const text = await c.req.raw.clone().text();
      const type = c.req.header('content-type') ?? '';
      if (type.includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
      else {
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
      }
    }
    fake.requests.push({ method: c.req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), ...(body !== undefined ? { body } : {}) });

    const faults = ctx.faults;
    const i = faults.findIndex((f) => (!f.method || f.method === c.req.method) && f.path.test(url.pathname));
    if (i < 0) return next();
    const entry = faults[i]!;
    if (--entry.left <= 0) faults.splice(i, 1);
    const f = entry.fault;
    if (f === 'expired-token') {
      const presented = bearer(c);
      const t = presented && fake.state.accessTokens.get(presented);
      if (t) t.expired = true;
      return unauthenticated(c);
    }
    if (f === 'missing-scope') return insufficientScope(c, methodForPath(c.req.method, url.pathname));
    if (f === 'rate-limit-403') return apiError(c, 403, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    if (f === 'not-calendar-user') return notCalendarUser(c);
    if ('delayMs' in f) {
      // The request is carried out at once; only the answer is late (as when a client gives up).
      await next();
      await new Promise((r) => setTimeout(r, f.delayMs));
      return;
    }
    if (f.status === 429) {
      return apiError(c, 429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', headers: { 'retry-after': String(f.retryAfterSeconds) } });
    }
    if (f.status === 503) return apiError(c, 503, 'backendError', 'The service is currently unavailable.');
    return apiError(c, 500, 'backendError', 'Backend Error');
  });
}

/** The Calendar method a path stands for (the scopes a `missing-scope` fault names). */
function methodForPath(method: string, path: string): Method {
  if (path.endsWith('/freeBusy')) return 'freebusy.query';
  if (path.includes('/calendarList')) return 'calendarList.list';
  return method === 'GET' ? 'events.read' : 'events.write';
}
