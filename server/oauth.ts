import ky, { HTTPError } from 'ky';
import { z } from 'zod';
import { connectError, explainOAuthError, type ConnectError } from '../lib/connect-errors.js';
import type { Config, OAuthClientConfig } from './config.js';

export type OAuthProvider = 'google' | 'microsoft';

/** What Parley asks each provider for; the first ones are required for Parley to work at all. */
export const SCOPES: Record<OAuthProvider, { request: string[]; required: string[]; params: Record<string, string> }> = {
  google: {
    request: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly'],
    required: ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly'],
    // offline + consent: Google only returns a refresh token on a consent screen.
    params: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
  microsoft: {
    request: ['openid', 'email', 'offline_access', 'User.Read', 'Calendars.ReadWrite'],
    // offline_access is never echoed in Entra's `scope`: its proof is the refresh token itself.
    required: ['Calendars.ReadWrite'],
    params: { response_mode: 'query', prompt: 'select_account' },
  },
};

/** A refusal while connecting: the route answers it as a 4xx with the catalogue entry. */
export class ConnectFailure extends Error {
  constructor(readonly detail: ConnectError, readonly status: 400 | 409 | 422 | 502 = 422) {
    super(detail.title);
  }
}

export function clientFor(config: Config, provider: OAuthProvider): Required<OAuthClientConfig> {
  const c = config[provider];
  if (!c.clientId || !c.clientSecret) throw new ConnectFailure(connectError('not-configured'), 400);
  return { clientId: c.clientId, clientSecret: c.clientSecret, authorizeUrl: c.authorizeUrl, tokenUrl: c.tokenUrl };
}

const TokenAnswer = z.object({
  access_token: z.string(),
  expires_in: z.coerce.number().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

async function tokenRequest(provider: OAuthProvider, client: Required<OAuthClientConfig>, form: Record<string, string>, timeoutMs: number): Promise<TokenAnswer> {
  try {
    const body = new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret });
    return TokenAnswer.parse(await ky.post(client.tokenUrl, { body, timeout: timeoutMs, retry: { limit: 2, methods: ['post'], statusCodes: [500, 502, 503, 504] } }).json());
  } catch (err) {
    if (err instanceof HTTPError) {
      const parsed = OAuthErrorBody.safeParse(await err.response.json().catch(() => null));
      if (parsed.success) throw new ConnectFailure(explainOAuthError(provider, parsed.data.error, parsed.data.error_description), err.response.status >= 500 ? 502 : 422);
      throw new ConnectFailure(connectError('unknown', { cause: `The token endpoint answered ${err.response.status}` }), 502);
    }
    if (err instanceof ConnectFailure) throw err;
    throw new ConnectFailure(connectError('network-blocked'), 502);
  }
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export function exchangeCode(config: Config, provider: OAuthProvider, input: { code: string; codeVerifier: string; redirectUri: string }) {
  return tokenRequest(provider, clientFor(config, provider), {
    grant_type: 'authorization_code', code: input.code, code_verifier: input.codeVerifier, redirect_uri: input.redirectUri,
  }, config.providerTimeoutMs);
}

export function refreshAccessToken(config: Config, provider: OAuthProvider, refreshToken: string) {
  return tokenRequest(provider, clientFor(config, provider), { grant_type: 'refresh_token', refresh_token: refreshToken }, config.providerTimeoutMs);
}

/** Scopes as the provider reports them, without Microsoft Graph's resource prefix. */
export function normaliseScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean).map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
}

/** The required scopes the user did not grant (a user can untick them on Google's consent screen). */
export function missingScopes(provider: OAuthProvider, granted: string[]): string[] {
  const have = new Set(granted.map((s) => s.toLowerCase()));
  return SCOPES[provider].required.filter((s) => !have.has(s.toLowerCase()));
}

/** The signed-in account's address. */
export async function accountEmail(config: Config, provider: OAuthProvider, accessToken: string): Promise<string> {
  const headers = { authorization: `Bearer ${accessToken}` };
  try {
    if (provider === 'google') {
      const info = z.object({ email: z.string() }).parse(await ky.get(config.google.userinfoUrl, { headers, timeout: config.providerTimeoutMs }).json());
      return info.email.toLowerCase();
    }
    const me = z.object({ mail: z.string().nullable().optional(), userPrincipalName: z.string() })
      .parse(await ky.get(`${config.microsoft.graphUrl}/me`, { headers, timeout: config.providerTimeoutMs }).json());
    return (me.mail ?? me.userPrincipalName).toLowerCase();
  } catch (err) {
    if (err instanceof HTTPError && err.response.status === 404) throw new ConnectFailure(connectError('no-mailbox'));
    if (err instanceof HTTPError) throw new ConnectFailure(connectError('unknown', { cause: `Reading your account answered ${err.response.status}` }), 502);
    throw new ConnectFailure(connectError('network-blocked'), 502);
  }
}

/** Best effort: Google revokes the grant; Microsoft has no per-app revocation endpoint. */
export async function revokeGrant(config: Config, provider: OAuthProvider, refreshToken: string): Promise<void> {
  if (provider !== 'google') return;
  await ky.post(config.google.revokeUrl, { body: new URLSearchParams({ token: refreshToken }), timeout: config.providerTimeoutMs, retry: 0 }).catch(() => undefined);
}
