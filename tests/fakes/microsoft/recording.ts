import type { Hono } from 'hono';
import { graphError } from './graph.js';
import type { FakeContext } from './state.js';
import type { FakeFault, FakeRequest } from './types.js';

/**
 * Recording, concurrency, faults: one middleware in front of every route. It logs the request in
 * `requests` (with the status once answered), refuses mailbox calls over the concurrency limit as
 * Graph does, and answers with the first matching fault set up by the test.
 */
export function registerRecording(app: Hono, ctx: FakeContext) {
  const { fake, state } = ctx;
  app.use('*', async (c, next) => {
    const u = new URL(c.req.url);
    let body: unknown;
    const type = c.req.header('content-type') ?? '';
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      if (type.includes('application/json')) body = await c.req.json().catch(() => undefined);
      else if (type.includes('application/x-www-form-urlencoded')) body = await c.req.parseBody().catch(() => undefined);
    }
    const record: FakeRequest = {
      method: c.req.method,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      ...(body !== undefined ? { body } : {}),
      at: Date.now(),
    };
    fake.requests.push(record);
    const answer = await respond();
    record.status = answer ? answer.status : c.res.status;
    return answer;

    async function respond(): Promise<Response | undefined> {
      const mailboxCall = u.pathname.startsWith('/v1.0/me/');
      if (mailboxCall && state.inFlight >= fake.maxConcurrentPerMailbox) {
        fake.throttled++;
        c.header('Retry-After', '1');
        return graphError(c, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
      }
      if (mailboxCall) {
        state.inFlight++;
        fake.peakConcurrency = Math.max(fake.peakConcurrency, state.inFlight);
      }
      try {
        const f = takeFault(ctx, c.req.method, u.pathname);
        if (f !== undefined) {
          if (typeof f === 'object' && 'delayMs' in f) {
            // The request is still carried out afterwards, even if the client gave up waiting.
            await new Promise((r) => setTimeout(r, f.delayMs));
          } else if (f === 'expired-token') {
            return graphError(c, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
          } else if (f === 'missing-scope') {
            return graphError(c, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
          } else if (f.status === 429) {
            c.header('Retry-After', String(f.retryAfterSeconds));
            return graphError(c, 429, 'TooManyRequests', 'Too many requests.');
          } else if (f.status === 503) {
            return graphError(c, 503, 'ServiceNotAvailable', 'Service unavailable.');
          } else {
            return graphError(c, 500, 'UnknownError', 'An internal server error occurred.');
          }
        }
        await next();
        return undefined;
      } finally {
        if (mailboxCall) state.inFlight--;
      }
    }
  });
}

function takeFault(ctx: FakeContext, method: string, path: string): FakeFault | undefined {
  for (const f of ctx.state.faults) {
    if (f.remaining <= 0) continue;
    if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
    if (!f.path.test(path)) continue;
    f.remaining--;
    return f.fault;
  }
  return undefined;
}
