import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIP } from 'node:net';

/**
 * The client's address when `hops` proxies stand in front of Parley. Each proxy appends the address it
 * was called from to X-Forwarded-For, so the entry `hops - 1` places from the right was written by the
 * outermost trusted proxy; whatever stands left of it the client may have sent itself. Without proxies
 * (or without the header, or with a garbled entry) the connection's own address is the answer.
 */
export function forwardedClient(remote: string, forwardedFor: string | undefined, hops: number): string {
  if (hops <= 0 || !forwardedFor) return remote;
  const entries = forwardedFor.split(',').map((e) => e.trim()).filter(Boolean);
  const entry = entries[Math.max(0, entries.length - hops)];
  return entry && isIP(entry) ? entry : remote;
}

function connectionAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests has no connection: one shared bucket
  }
}

/** Middleware: works out the request's client once, trusting `hops` proxies (TRUST_PROXY_HOPS). */
export function resolveClient(hops: number) {
  return async (c: Context, next: () => Promise<void>) => {
    c.set('client', forwardedClient(connectionAddress(c), c.req.header('x-forwarded-for'), hops));
    await next();
  };
}

/** The address a request came from, for rate limits and join logs. */
export function clientKey(c: Context): string {
  return (c.get('client') as string | undefined) ?? connectionAddress(c);
}
