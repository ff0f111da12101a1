import type { Context, Hono } from 'hono';
import { harvestError } from './harvest.js';
import type { FakeContext } from './state.js';
import type { FakeGreenhouse } from './types.js';

/**
 * Registers, before every route, the request log, Harvest's throttle (`X-RateLimit-*` headers,
 * 429 once a window's budget is spent) and the faults set with `fake.fault()`.
 */
export function registerRequestLogThrottleAndFaults(app: Hono, ctx: FakeContext) {
  const { fake, windows, faults } = ctx;

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
}
