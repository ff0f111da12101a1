import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import { ProviderError, type AccessTokenSource } from './calendar/types.js';

export interface ProviderHttpOptions {
  provider: 'google' | 'microsoft';
  baseUrl: string;
  token: AccessTokenSource;
  /** Per attempt. */
  timeoutMs?: number;
  /** Retries after 429, 5xx, rate-limit 403s and timeouts, with full jitter, bounded by `maxDelayMs`. */
  retries?: number;
  maxDelayMs?: number;
  /** Decides whether a 403 is a rate limit (Google: `rateLimitExceeded`, `userRateLimitExceeded`). */
  isRateLimit403?: (body: unknown) => boolean;
  fetch?: typeof fetch;
}

const RETRY_HEADER = 'x-parley-token-refreshed';

/**
 * The HTTP client Google and Microsoft providers share: bearer token, one refresh on 401, a
 * timeout per attempt, Retry-After honoured on 429/503, bounded backoff with jitter on 5xx and
 * rate-limit 403s. Errors it gives up on are turned into ProviderErrors by `toProviderError`.
 */
export function providerHttp(o: ProviderHttpOptions): KyInstance {
  const options: Options = {
    prefixUrl: o.baseUrl,
    timeout: o.timeoutMs ?? 10_000,
    fetch: o.fetch,
    throwHttpErrors: true,
    retry: {
      limit: o.retries ?? 3,
      methods: ['get', 'post', 'put', 'patch', 'delete'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [413, 429, 503],
      maxRetryAfter: o.maxDelayMs ?? 30_000,
      backoffLimit: o.maxDelayMs ?? 30_000,
      jitter: true,
      retryOnTimeout: true,
      shouldRetry: async ({ error }) => {
        if (error instanceof HTTPError && error.response.status === 403 && o.isRateLimit403) {
          const body = await error.response.clone().json().catch(() => null);
          return o.isRateLimit403(body) ? true : false;
        }
        return undefined;
      },
    },
    hooks: {
      beforeRequest: [
        async (request) => {
          // Every attempt asks for the current token, so ky's own retries after a refresh use the new one.
          request.headers.set('authorization', `Bearer ${await o.token.get()}`);
        },
      ],
      afterResponse: [
        async (request, _options, response) => {
          if (response.status !== 401 || request.headers.has(RETRY_HEADER)) return response;
          const fresh = await o.token.refresh();
          // From a clone, so ky can still retry the original (its body unread) after a 5xx.
          const again = new Request(request.clone(), { headers: new Headers(request.headers), signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
          again.headers.set('authorization', `Bearer ${fresh}`);
          again.headers.set(RETRY_HEADER, '1');
          const r = await (o.fetch ?? fetch)(again);
          // ky only accepts an instance of the global Response, which @hono/node-server's serve() replaces.
          return new globalThis.Response(r.body, { status: r.status, statusText: r.statusText, headers: r.headers });
        },
      ],
    },
  };
  return ky.create(options);
}

/** The body of an HTTP error as JSON, or null. */
export async function errorJson(err: unknown): Promise<unknown> {
  if (!(err instanceof HTTPError)) return null;
  return err.response.clone().json().catch(() => null);
}

/** The generic mapping; providers first try their own (reasons in the body), then fall back to this. */
export function genericProviderError(provider: ProviderHttpOptions['provider'], err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof TimeoutError) return new ProviderError(provider, 'timeout', `${label(provider)} did not answer in time`);
  if (err instanceof HTTPError) {
    const status = err.response.status;
    const retryAfter = Number(err.response.headers.get('retry-after'));
    const details = { status, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
    if (status === 401) return new ProviderError(provider, 'auth', `${label(provider)} no longer accepts Parley's access: reconnect the calendar`, details);
    if (status === 404 || status === 410) return new ProviderError(provider, 'not-found', `${label(provider)} could not find it`, details);
    if (status === 409) return new ProviderError(provider, 'conflict', `${label(provider)} reported a conflict`, details);
    if (status === 429) return new ProviderError(provider, 'rate-limit', `${label(provider)} asked Parley to slow down`, details);
    if (status >= 500) return new ProviderError(provider, 'unavailable', `${label(provider)} is having problems (${status})`, details);
    return new ProviderError(provider, 'invalid', `${label(provider)} refused the request (${status})`, details);
  }
  if (err instanceof TypeError) return new ProviderError(provider, 'unavailable', `Could not reach ${label(provider)}`);
  return new ProviderError(provider, 'unavailable', err instanceof Error ? err.message : String(err));
}

export const label = (p: string) => ({ google: 'Google Calendar', microsoft: 'Microsoft 365', caldav: 'The CalDAV server', local: 'Parley' })[p] ?? p;
