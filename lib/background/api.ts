import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import { ApiErrorSchema } from '../schemas';
import type { Result } from '../protocol';

export const DEFAULT_BACKEND_URL = (import.meta.env.WXT_PARLEY_BACKEND as string | undefined) ?? 'http://localhost:8787';

export function apiClient(backendUrl: string, token?: string): KyInstance {
  return ky.create({
    prefixUrl: `${backendUrl}/api`,
    timeout: 15_000,
    retry: { limit: 2, methods: ['get'] },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Turns whatever the backend or the network did into a Result with a message for the user. */
export async function toResult<T>(backendUrl: string, run: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, data: await run() };
  } catch (err) {
    if (err instanceof HTTPError) {
      const parsed = ApiErrorSchema.safeParse(await err.response.json().catch(() => null));
      const message = parsed.success ? parsed.data.error.message : `Parley's backend answered ${err.response.status}`;
      const fields = parsed.success ? parsed.data.error.fields : undefined;
      const connect = parsed.success ? parsed.data.connect : undefined;
      const status = err.response.status;
      const code = status === 401 ? 'signed-out' : status === 400 ? 'invalid' : status >= 500 ? 'internal' : 'refused';
      return { ok: false, error: message, code, ...(fields ? { fields } : {}), ...(connect ? { connect } : {}) };
    }
    if (err instanceof TimeoutError) {
      return { ok: false, error: `Parley's backend at ${backendUrl} did not answer in time. Please try again.`, code: 'network' };
    }
    return {
      ok: false,
      error: `Can't reach Parley's backend at ${backendUrl}. Check that it is running, and the address under “Backend” on Parley's sign-in form (in the toolbar popup or Parley's settings; sign out first to change it).`,
      code: 'network',
    };
  }
}
