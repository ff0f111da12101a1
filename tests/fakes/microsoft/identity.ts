import type { Hono, Context } from 'hono';
import { createHash, createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { FakeContext } from './state.js';

// Entra ID: the authorize and token endpoints (authorization code + PKCE, refresh tokens), the
// signing keys and OpenID configuration, and the tokens themselves.

const ALL_GRAPH_SCOPES = ['User.Read', 'Calendars.Read', 'Calendars.ReadWrite', 'Calendars.ReadBasic', 'OnlineMeetings.ReadWrite'];
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH_RESOURCE = 'https://graph.microsoft.com/';

// One RSA key for every fake in the process: generating one per fake costs more than the tests.
let sharedKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
function signingKey() {
  sharedKey ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: randomBytes(8).toString('hex') };
  return sharedKey;
}

const entraError = (ctx: FakeContext, c: Context, status: 400 | 401, error: string, aadsts: number, text: string) => {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return c.json(
    {
      error,
      error_description: `AADSTS${aadsts}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `${ctx.url}/error?code=${aadsts}`,
    },
    status,
  );
};

const normaliseScope = (s: string) => (s.toLowerCase().startsWith(GRAPH_RESOURCE) ? s.slice(GRAPH_RESOURCE.length) : s);
/**
 * What a token carries: the OIDC scopes asked for, and the Graph scopes consent covers — with
 * `grantedScopes` set, exactly those (Entra puts every consented permission of the resource in
 * the token, asked for or not, and leaves out what was not consented).
 */
const grant = (ctx: FakeContext, requested: string[]) => {
  const out = new Set<string>();
  for (const s of requested.map(normaliseScope)) {
    if (OIDC_SCOPES.includes(s)) out.add(s);
    else if (ctx.fake.grantedScopes === undefined) for (const g of s === '.default' ? ALL_GRAPH_SCOPES : [s]) out.add(g);
  }
  for (const g of ctx.fake.grantedScopes ?? []) out.add(g);
  return [...out];
};

export function registerIdentity(app: Hono, ctx: FakeContext) {
  const { fake, state } = ctx;
  // The key is made now, before the server listens, so that no request waits for it.
  const { publicKey, kid } = signingKey();

  app.get('/:tenant/oauth2/v2.0/authorize', (c) => {
    const q = c.req.query();
    if (q.client_id !== fake.clientId) {
      return c.text(`AADSTS700016: Application with identifier '${q.client_id ?? ''}' was not found in the directory.`, 400);
    }
    const redirect = q.redirect_uri;
    if (!redirect || !/^https?:\/\//.test(redirect) || (fake.redirectUris && !fake.redirectUris.includes(redirect))) {
      return c.text(`AADSTS50011: The redirect URI '${redirect ?? ''}' specified in the request does not match the redirect URIs configured for the application.`, 400);
    }
    const back = (params: Record<string, string | undefined>) => {
      const to = new URL(redirect);
      for (const [k, v] of Object.entries(params)) if (v !== undefined) to.searchParams.set(k, v);
      return c.redirect(to.toString(), 302);
    };
    const fail = (error: string, description: string) => back({ error, error_description: description, error_uri: `${ctx.url}/error`, state: q.state });
    if (fake.authorizeError) return fail(fake.authorizeError.error, fake.authorizeError.description);
    if (q.response_type !== 'code') return fail('unsupported_response_type', `AADSTS700054: response_type '${q.response_type ?? ''}' is not enabled for the application.`);
    if (!q.scope) return fail('invalid_request', "AADSTS900144: The request body must contain the following parameter: 'scope'.");
    if (!q.code_challenge) return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
    if (q.code_challenge_method !== 'S256') return fail('invalid_request', "AADSTS501491: Invalid code_challenge_method: only 'S256' is accepted.");
    const code = `0.A${randomBytes(48).toString('base64url')}`;
    state.codes.set(code, {
      clientId: q.client_id,
      redirectUri: redirect,
      challenge: q.code_challenge,
      scopes: grant(ctx, q.scope.split(/\s+/).filter(Boolean)),
      ...(q.nonce ? { nonce: q.nonce } : {}),
      expiresAt: Date.now() + 10 * 60_000,
      used: false,
    });
    return back({ code, state: q.state, session_state: randomUUID() });
  });

  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    let clientId = form.client_id;
    let secret = form.client_secret;
    const basic = c.req.header('authorization');
    if (basic?.startsWith('Basic ')) {
      const [id, s] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(s ?? '');
    }
    if (clientId !== fake.clientId) return entraError(ctx, c, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    if (!secret) return entraError(ctx, c, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== fake.clientSecret) return entraError(ctx, c, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');

    if (form.grant_type === 'authorization_code') {
      const entry = form.code ? state.codes.get(form.code) : undefined;
      if (!entry) return entraError(ctx, c, 400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
      if (entry.used) return entraError(ctx, c, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      if (entry.expiresAt < Date.now()) return entraError(ctx, c, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
      if (entry.redirectUri !== form.redirect_uri) return entraError(ctx, c, 400, 'invalid_grant', 70000, "The provided value for the 'redirect_uri' is not valid: it must match the redirect URI used to obtain the authorization code.");
      if (!form.code_verifier) return entraError(ctx, c, 400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.');
      const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== entry.challenge) return entraError(ctx, c, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      entry.used = true;
      return c.json(tokenResponse(ctx, entry.scopes, entry.nonce));
    }
    if (form.grant_type === 'refresh_token') {
      const entry = form.refresh_token ? state.refreshTokens.get(form.refresh_token) : undefined;
      if (!entry) return entraError(ctx, c, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (entry.revoked) return entraError(ctx, c, 400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
      const asked = form.scope ? grant(ctx, form.scope.split(/\s+/).filter(Boolean)) : entry.scopes;
      const extra = asked.filter((s) => !entry.scopes.includes(s) && !OIDC_SCOPES.includes(s));
      if (extra.length) return entraError(ctx, c, 400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${fake.clientId}'. Send an interactive authorization request for this user and resource.`);
      return c.json(tokenResponse(ctx, asked.length ? asked : entry.scopes));
    }
    return entraError(ctx, c, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
  });

  app.get('/:tenant/discovery/v2.0/keys', (c) => c.json({ keys: [{ kty: 'RSA', use: 'sig', kid, ...(publicKey.export({ format: 'jwk' }) as object) }] }));
  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const t = c.req.param('tenant');
    const { url } = ctx;
    return c.json({
      issuer: `${url}/${fake.tenantId}/v2.0`,
      authorization_endpoint: `${url}/${t}/oauth2/v2.0/authorize`,
      token_endpoint: `${url}/${t}/oauth2/v2.0/token`,
      jwks_uri: `${url}/${t}/discovery/v2.0/keys`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
}

function jwt(claims: Record<string, unknown>): string {
  const { privateKey, kid } = signingKey();
  const head = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** A Graph access token for an hour, remembered so that Graph routes accept it (OIDC scopes are left out). */
export function issueAccess(ctx: FakeContext, scopes: string[]): string {
  const { fake, state } = ctx;
  const now = Math.floor(Date.now() / 1000);
  const graphScopes = scopes.filter((s) => !OIDC_SCOPES.includes(s));
  const token = jwt({ aud: '00000003-0000-0000-c000-000000000000', iss: `https://sts.windows.net/${fake.tenantId}/`, iat: now, nbf: now, exp: now + 3600, appid: fake.clientId, oid: state.userId, tid: fake.tenantId, upn: fake.account.email, scp: graphScopes.join(' '), uti: randomBytes(8).toString('base64url') });
  state.accessTokens.set(token, { scopes: graphScopes, expiresAt: Date.now() + 3600_000 });
  return token;
}

function tokenResponse(ctx: FakeContext, scopes: string[], nonce?: string) {
  const { fake, state } = ctx;
  const now = Math.floor(Date.now() / 1000);
  const response: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopes.filter((s) => s !== 'offline_access').join(' '),
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: issueAccess(ctx, scopes),
  };
  if (scopes.includes('offline_access')) {
    const refresh = `1.A${randomBytes(64).toString('base64url')}`;
    state.refreshTokens.set(refresh, { scopes, revoked: false });
    response.refresh_token = refresh;
  }
  if (scopes.includes('openid')) {
    response.id_token = jwt({
      aud: fake.clientId,
      iss: `${ctx.url}/${fake.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      sub: createHash('sha256').update(`${state.userId}:${fake.clientId}`).digest('base64url'),
      oid: state.userId,
      tid: fake.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
      ...(scopes.includes('email') ? { email: fake.account.email } : {}),
      ...(scopes.includes('profile') ? { name: fake.account.displayName, preferred_username: fake.account.email } : {}),
    });
  }
  return response;
}
