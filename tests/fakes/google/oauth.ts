import type { Context, Hono } from 'hono';
import { createHash, createHmac } from 'node:crypto';
import { bearer, oauthError, unauthenticated } from './envelopes.js';
import { ensureUser, token, type FakeContext } from './state.js';
import { CODE_TTL_MS, SCOPE, TOKEN_TTL_S, type Grant } from './types.js';

/**
 * Registers the OAuth 2.0 endpoints: authorize (`/o/oauth2/v2/auth`, PKCE S256 only), token
 * (authorization_code, refresh_token), revoke and OpenID userinfo.
 */
export function registerOAuth(app: Hono, ctx: FakeContext) {
  const { fake, clientId, clientSecret } = ctx;

  app.get('/o/oauth2/v2/auth', (c) => {
    const q = c.req.query();
    if (q.client_id !== clientId) {
      return c.text('Error 401: invalid_client\nThe OAuth client was not found.', 401);
    }
    const redirect = q.redirect_uri;
    if (!redirect || !/^https?:\/\//.test(redirect) || (fake.state.redirectUris && !fake.state.redirectUris.includes(redirect))) {
      return c.text(`Error 400: redirect_uri_mismatch\nYou can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.`, 400);
    }
    const back = (params: Record<string, string>) => {
      const u = new URL(redirect);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return c.redirect(u.toString(), 302);
    };
    const state: Record<string, string> = q.state !== undefined ? { state: q.state } : {};
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', ...state });
    if (!q.code_challenge || q.code_challenge_method !== 'S256') {
      return c.text('Error 400: invalid_request\nParley requires PKCE with code_challenge_method=S256.', 400);
    }
    const requested = (q.scope ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return c.text('Error 400: invalid_request\nMissing required parameter: scope', 400);
    if (fake.authorizeError) return back({ error: fake.authorizeError, ...state });
    const user = ensureUser(ctx, fake.account.email);
    const granted = fake.grantedScopes ? requested.filter((s) => fake.grantedScopes!.includes(s) || s === 'openid' || s === 'email') : requested;
    const scopes = [...new Set(granted.map((s) => (s === 'email' ? SCOPE.email : s)))];
    const code = token('4/0A');
    fake.state.codes.set(code, {
      grant: { email: user.email, clientId, scopes, revoked: false }, redirectUri: redirect, codeChallenge: q.code_challenge,
      offline: q.access_type === 'offline', nonce: q.nonce, expiresAt: Date.now() + CODE_TTL_MS,
    });
    return back({ ...state, code, scope: scopes.join(' '), authuser: '0', prompt: 'consent' });
  });

  function issueAccess(grant: Grant) {
    const access = token('ya29.');
    fake.state.accessTokens.set(access, { grant, expiresAt: Date.now() + TOKEN_TTL_S * 1000, expired: false });
    return access;
  }

  function idToken(grant: Grant, nonce?: string) {
    const user = ensureUser(ctx, grant.email);
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = enc({ alg: 'HS256', typ: 'JWT' });
    const claims = enc({
      iss: 'https://accounts.google.com', azp: grant.clientId, aud: grant.clientId, sub: user.sub, email: user.email, email_verified: true,
      iat: now, exp: now + TOKEN_TTL_S, ...(nonce ? { nonce } : {}),
    });
    const sig = createHmac('sha256', clientSecret).update(`${head}.${claims}`).digest('base64url');
    return `${head}.${claims}.${sig}`;
  }

  app.post('/token', async (c) => {
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    // Client credentials: in the body, or HTTP Basic.
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':');
    if (id !== clientId) return oauthError(c, 401, 'invalid_client', 'The OAuth client was not found.');
    if (secret !== clientSecret) return oauthError(c, 401, 'invalid_client', 'Unauthorized');

    if (form.grant_type === 'authorization_code') {
      const entry = form.code ? fake.state.codes.get(form.code) : undefined;
      if (!entry || entry.expiresAt < Date.now()) return oauthError(c, 400, 'invalid_grant', 'Malformed auth code.');
      fake.state.codes.delete(form.code!); // single use
      if (form.redirect_uri !== entry.redirectUri) return oauthError(c, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (!form.code_verifier) return oauthError(c, 400, 'invalid_grant', 'Missing code verifier.');
      const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== entry.codeChallenge) return oauthError(c, 400, 'invalid_grant', 'Invalid code verifier.');
      const grant = entry.grant;
      if (entry.offline) {
        grant.refreshToken = token('1//0g');
        fake.state.refreshTokens.set(grant.refreshToken, grant);
      }
      return c.json({
        access_token: issueAccess(grant),
        expires_in: TOKEN_TTL_S,
        ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        ...(grant.scopes.includes('openid') ? { id_token: idToken(grant, entry.nonce) } : {}),
      });
    }
    if (form.grant_type === 'refresh_token') {
      const grant = form.refresh_token ? fake.state.refreshTokens.get(form.refresh_token) : undefined;
      if (!grant || grant.revoked) return oauthError(c, 400, 'invalid_grant', 'Token has been expired or revoked.');
      if (grant.clientId !== id) return oauthError(c, 400, 'unauthorized_client', 'Unauthorized');
      return c.json({
        access_token: issueAccess(grant), expires_in: TOKEN_TTL_S, scope: grant.scopes.join(' '), token_type: 'Bearer',
        ...(grant.scopes.includes('openid') ? { id_token: idToken(grant) } : {}),
      });
    }
    return oauthError(c, 400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
  });

  app.post('/revoke', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const t = form.get('token') ?? c.req.query('token') ?? '';
    const grant = fake.state.refreshTokens.get(t) ?? fake.state.accessTokens.get(t)?.grant;
    if (!grant || grant.revoked) return oauthError(c, 400, 'invalid_token', 'Token expired or revoked');
    // Revoking either token ends the whole grant: its refresh token and every access token of it.
    grant.revoked = true;
    return c.json({});
  });

  app.get('/v1/userinfo', (c) => {
    const grant = authorise(ctx, c);
    if (grant instanceof Response) return grant;
    const user = ensureUser(ctx, grant.email);
    const email = grant.scopes.includes(SCOPE.email);
    return c.json({ sub: user.sub, ...(email ? { email: user.email, email_verified: true } : {}) });
  });
}

/** The grant behind a valid bearer token, or an answer to send instead. */
export function authorise(ctx: FakeContext, c: Context): Grant | Response {
  const presented = bearer(c);
  const t = presented ? ctx.fake.state.accessTokens.get(presented) : undefined;
  if (!t || t.expired || t.grant.revoked || t.expiresAt < Date.now()) return unauthenticated(c);
  return t.grant;
}
