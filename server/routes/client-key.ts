import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** The address a request came from, for rate limits (falls back to one shared bucket in tests). */
export function clientKey(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}
