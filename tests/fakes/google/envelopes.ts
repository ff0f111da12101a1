import type { Context } from 'hono';
import { ACCEPTS, METHOD_NAMES, type Method } from './types.js';

/** Google's error answers: the JSON API envelope (`error.errors[]`, `status`, `details`) and OAuth's. */

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 410: 'NOT_FOUND',
  412: 'FAILED_PRECONDITION', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};
export function apiError(c: Context, code: number, reason: string, message: string, extra: { domain?: string; details?: unknown[]; headers?: Record<string, string>; location?: string } = {}) {
  for (const [k, v] of Object.entries(extra.headers ?? {})) c.header(k, v);
  const item: Record<string, string> = { message, domain: extra.domain ?? 'global', reason };
  if (extra.location) Object.assign(item, { location: extra.location, locationType: 'parameter' });
  return c.json({
    error: { code, message, errors: [item], status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(extra.details ? { details: extra.details } : {}) },
  }, code as 400);
}
export const unauthenticated = (c: Context) =>
  apiError(c, 401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    { headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }, location: 'Authorization' });
export const insufficientScope = (c: Context, method: Method) =>
  apiError(c, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
    headers: { 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${ACCEPTS[method].join(' ')}"` },
    details: [{
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com',
      metadata: { service: 'calendar-json.googleapis.com', method: METHOD_NAMES[method] },
    }],
  });
export const notCalendarUser = (c: Context) => apiError(c, 403, 'notACalendarUser', 'The user must be signed up for Google Calendar.');
export const notFound = (c: Context) => apiError(c, 404, 'notFound', 'Not Found');
export const badRequest = (c: Context, message: string, reason = 'invalid', location?: string) =>
  apiError(c, 400, reason, message, location ? { location } : {});
export const oauthError = (c: Context, status: 400 | 401, error: string, description: string) =>
  c.json({ error, error_description: description }, status);

/** The token of an `Authorization: Bearer …` header. */
export function bearer(c: Context): string | undefined {
  const h = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}
