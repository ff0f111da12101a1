import { ProviderError } from './types.js';

// What can go wrong talking to a CalDAV server, in Parley's terms (see caldav.ts).

export const AUTH_MESSAGE =
  'The CalDAV server refused the user name or app password: check them (many providers require an app-specific password) and reconnect the calendar.';

/** An HTTP answer Parley did not expect, kept with enough context to explain it. */
export class CaldavHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body = '',
    readonly retryAfterMs?: number,
  ) {
    super(`${method} ${displayUrl(url)} answered ${status}`);
    this.name = 'CaldavHttpError';
  }
}

/** Any error of a CalDAV call, in Parley's terms. */
export function caldavProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof CaldavHttpError) return fromStatus(err);
  if (isTimeout(err)) return new ProviderError('caldav', 'timeout', 'The CalDAV server did not answer in time');
  if (err instanceof RangeError) return new ProviderError('caldav', 'invalid', err.message);
  if (err instanceof TypeError) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? err.message;
    return new ProviderError('caldav', 'unavailable', `Could not reach the CalDAV server (${why})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  // tsdav's own wording for failures it detected.
  if (/invalid credentials|\b401\b.*unauthori[sz]ed/i.test(message)) return new ProviderError('caldav', 'auth', AUTH_MESSAGE, { status: 401 });
  const status = /failed: (\d{3})\b/.exec(message)?.[1];
  if (status) return fromStatus(new CaldavHttpError('REQUEST', '', Number(status)));
  return new ProviderError('caldav', 'unavailable', `The CalDAV request failed: ${message.slice(0, 300)}`);
}

function fromStatus(err: CaldavHttpError): ProviderError {
  const { status } = err;
  const details = { status, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  const where = err.url ? ` (${err.method} ${displayUrl(err.url)})` : '';
  if (status === 401) return new ProviderError('caldav', 'auth', AUTH_MESSAGE, details);
  if (status === 403) {
    // A CalDAV precondition (RFC 4791 §5.3.2, RFC 3744) is about the request, not the password.
    if (/need-privileges/i.test(err.body)) {
      return new ProviderError('caldav', 'scope', `The CalDAV account may not write to this calendar${where}`, { ...details, missing: ['write'] });
    }
    if (/no-uid-conflict/i.test(err.body)) return new ProviderError('caldav', 'conflict', `Another event on the CalDAV server has the same UID${where}`, details);
    if (/<[\w:]*(valid-calendar-data|supported-calendar-component|valid-calendar-object-resource|max-resource-size)/i.test(err.body)) {
      return new ProviderError('caldav', 'invalid', `The CalDAV server refused the event${where}`, details);
    }
    return new ProviderError('caldav', 'auth', AUTH_MESSAGE, details);
  }
  if (status === 404 || status === 410) return new ProviderError('caldav', 'not-found', `The CalDAV server could not find it${where}`, details);
  if (status === 409 || status === 412) return new ProviderError('caldav', 'conflict', `The CalDAV server reported a conflict${where}`, details);
  if (status === 429) return new ProviderError('caldav', 'rate-limit', 'The CalDAV server asked Parley to slow down', details);
  if (status === 408) return new ProviderError('caldav', 'timeout', `The CalDAV server timed out${where}`, details);
  if (status >= 500) return new ProviderError('caldav', 'unavailable', `The CalDAV server is having problems (${status})${where}`, details);
  return new ProviderError('caldav', 'invalid', `The CalDAV server refused the request (${status})${where}`, details);
}

export function notCaldav(url: string, why: string): ProviderError {
  return new ProviderError('caldav', 'account', `${displayUrl(url)} does not look like a CalDAV server: ${why}. Check the server address (for example https://cloud.example.com/remote.php/dav).`, {
    reason: 'not-caldav',
  });
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** A URL for messages: no credentials, no query. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return raw.slice(0, 200);
  }
}
