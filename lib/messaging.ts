import { browser } from 'wxt/browser';
import type { MessageType, Request, Response, Result } from './protocol';

/** Sends a typed message to the background and waits for its Result. Never throws. */
export async function send<T extends MessageType>(type: T, payload: Request<T>): Promise<Result<Response<T>>> {
  try {
    const answer = (await browser.runtime.sendMessage({ type, payload })) as Result<Response<T>> | undefined;
    return answer ?? { ok: false, error: 'Parley did not answer. Reload the page and try again.', code: 'internal' };
  } catch {
    return { ok: false, error: 'Parley was updated or restarted. Reload this page to use it again.', code: 'internal' };
  }
}
