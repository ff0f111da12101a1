/** Fetches a new access token and says how many seconds it lives. */
export type TokenFetch = () => Promise<{ token: string; expiresInS: number }>;

/**
 * One client-credentials access token, shared by every call with the same credentials in this process.
 * Connectors are made per job, so the caches live at module level, keyed by a fingerprint of the
 * credentials (never the secret itself).
 */
export interface TokenCache {
  get(fetch: TokenFetch): Promise<string>;
  /** A new token, unless another caller already replaced `stale` (a 401 seen by several calls at once). */
  refresh(stale: string | undefined, fetch: TokenFetch): Promise<string>;
}

const caches = new Map<string, TokenCache>();

/** The cache for credentials fingerprinted as `id`; concurrent callers share one fetch. */
export function tokenCacheFor(id: string): TokenCache {
  const existing = caches.get(id);
  if (existing) return existing;
  let current: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const load = (fetch: TokenFetch) =>
    (pending ??= fetch()
      .then(({ token, expiresInS }) => {
        // Renewed early: 5 minutes before expiry, or a tenth of the lifetime for short-lived tokens.
        current = { token, expiresAt: Date.now() + expiresInS * 1000 - Math.min(300_000, expiresInS * 100) };
        return token;
      })
      .finally(() => {
        pending = undefined;
      }));
  const cache: TokenCache = {
    get: (fetch) => (current && Date.now() < current.expiresAt ? Promise.resolve(current.token) : load(fetch)),
    refresh(stale, fetch) {
      if (current && current.token !== stale && Date.now() < current.expiresAt) return Promise.resolve(current.token);
      current = undefined;
      return load(fetch);
    },
  };
  caches.set(id, cache);
  return cache;
}
