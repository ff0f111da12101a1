import { browser } from 'wxt/browser';
import { z } from 'zod';
import { connectError, explainOAuthError } from '../connect-errors';
import type { Result } from '../protocol';

const OAuthConfig = z.object({ authorizeUrl: z.string(), clientId: z.string(), scopes: z.array(z.string()), params: z.record(z.string(), z.string()) });
export type OAuthConfig = z.infer<typeof OAuthConfig>;
export const parseOAuthConfig = (v: unknown) => OAuthConfig.parse(v);

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (n: number) => base64url(crypto.getRandomValues(new Uint8Array(n)));

/** RFC 7636: a 43-character verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomString(32);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url(digest) };
}

export function authorizeUrl(config: OAuthConfig, redirectUri: string, state: string, challenge: string): string {
  const url = new URL(config.authorizeUrl);
  const params = {
    client_id: config.clientId, response_type: 'code', redirect_uri: redirectUri, scope: config.scopes.join(' '),
    state, code_challenge: challenge, code_challenge_method: 'S256', ...config.params,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Authorization code with PKCE through the browser's own OAuth window. Returns the code to hand to
 * the backend (which alone holds the client secret and the refresh token), after checking `state`.
 */
export async function authorize(provider: 'google' | 'microsoft', config: OAuthConfig): Promise<Result<{ code: string; verifier: string; redirectUri: string }>> {
  const redirectUri = browser.identity.getRedirectURL();
  const state = randomString(24);
  const { verifier, challenge } = await pkcePair();
  let responseUrl: string | undefined;
  try {
    responseUrl = await browser.identity.launchWebAuthFlow({ url: authorizeUrl(config, redirectUri, state, challenge), interactive: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Chrome: "The user did not approve access." / "Authorization page could not be loaded."
    const detail = /could not be loaded|net::|network/i.test(message) ? connectError('network-blocked') : connectError('cancelled');
    return { ok: false, error: detail.title, code: 'refused', connect: detail };
  }
  if (!responseUrl) return { ok: false, error: 'Connection cancelled', code: 'refused', connect: connectError('cancelled') };
  const answer = new URL(responseUrl);
  const params = new URLSearchParams(answer.search || answer.hash.slice(1));
  if (params.get('state') !== state) {
    const detail = connectError('unknown', { cause: 'The answer from the sign-in page did not match the request (state mismatch), so it was ignored.' });
    return { ok: false, error: detail.title, code: 'refused', connect: detail };
  }
  const error = params.get('error');
  if (error) {
    const detail = explainOAuthError(provider, error, params.get('error_description') ?? '');
    return { ok: false, error: detail.title, code: 'refused', connect: detail };
  }
  const code = params.get('code');
  if (!code) return { ok: false, error: 'The sign-in page returned no code', code: 'refused', connect: connectError('unknown') };
  return { ok: true, data: { code, verifier, redirectUri } };
}
