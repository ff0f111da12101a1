import type { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { harvestError } from './harvest.js';
import type { FakeContext } from './state.js';

/**
 * Registers, on the v1 router and before its routes, the check of HTTP Basic with the API key as
 * user name (401 otherwise) and, for writes, of `On-Behalf-Of` naming a user of the account (403).
 */
export function registerBasicAuth(v1: Hono, ctx: FakeContext) {
  const { fake, apiKey } = ctx;

  v1.use('*', async (c, next) => {
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [key] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (!key || key !== apiKey) return harvestError(c, 401, 'Invalid Basic Auth credentials');
    if (c.req.method !== 'GET') {
      const actor = c.req.header('on-behalf-of');
      if (!actor) return harvestError(c, 403, 'Missing required header: On-Behalf-Of');
      if (!fake.users.has(actor.trim())) return harvestError(c, 403, `Invalid On-Behalf-Of user id: ${actor}`);
    }
    return next();
  });
}

/**
 * Registers v3's token endpoint, `POST /oauth/token`: client credentials (HTTP Basic
 * `client_id:client_secret`, form `grant_type=client_credentials&sub=<user id>`), answering a
 * bearer token valid for an hour.
 */
export function registerTokenEndpoint(app: Hono, ctx: FakeContext) {
  const { fake, clientId, clientSecret, tokens } = ctx;

  app.post('/oauth/token', async (c) => {
    const form = new URLSearchParams((c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded') ? await c.req.text() : '');
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s) : [];
    if (id !== clientId || secret !== clientSecret) return c.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    if (form.get('grant_type') !== 'client_credentials') return c.json({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' }, 400);
    const sub = form.get('sub') ?? '';
    if (!fake.users.has(sub)) return c.json({ error: 'invalid_request', error_description: 'sub must be the id of a user in the organization' }, 400);
    const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(32).toString('base64url')}`;
    tokens.set(token, { expiresAt: Date.now() + 3600_000, sub });
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'harvest:jobs:list harvest:candidates:list' });
  });
}

/** Registers, on the v3 router and before its routes, the check of a bearer token from `/oauth/token` that has not expired (401 otherwise). */
export function registerBearerAuth(v3: Hono, ctx: FakeContext) {
  const { tokens } = ctx;

  v3.use('*', async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const t = token ? tokens.get(token) : undefined;
    if (!t || Date.now() >= t.expiresAt) return harvestError(c, 401, 'Unauthorized');
    return next();
  });
}
