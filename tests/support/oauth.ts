import { createHash, randomBytes } from 'node:crypto';

type Call = (path: string, init?: RequestInit & { token?: string; json?: unknown }) => Response | Promise<Response>;
export const TEST_REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';

/**
 * What the extension's background does to connect Google or Microsoft, without a browser: PKCE and
 * state, the provider's consent page (a fake that approves at once), then the code to the backend.
 */
export async function connectThroughConsent(call: Call, token: string, provider: 'google' | 'microsoft'): Promise<Response> {
  const config = (await (await call(`/api/connections/oauth/${provider}`, { token })).json()) as {
    authorizeUrl: string; clientId: string; scopes: string[]; params: Record<string, string>;
  };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(config.authorizeUrl);
  const params = {
    client_id: config.clientId, response_type: 'code', redirect_uri: TEST_REDIRECT, scope: config.scopes.join(' '), state,
    code_challenge: challenge, code_challenge_method: 'S256', ...config.params,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const consent = await fetch(url, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  if (back.searchParams.get('state') !== state) throw new Error('state mismatch');
  return call(`/api/connections/oauth/${provider}`, { method: 'POST', token, json: { code: back.searchParams.get('code'), codeVerifier: verifier, redirectUri: TEST_REDIRECT } });
}
