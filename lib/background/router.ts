import { browser, type Browser } from 'wxt/browser';
import { EnvelopeSchema, messages, type MessageType, type Result } from '../protocol';
import { handlers } from './handlers';

type Sender = Browser.runtime.MessageSender;

/** Who sent a message: one of our extension pages, one of our content scripts, or nobody we trust. */
export function senderKind(sender: Sender, extensionBaseUrl: string, extensionId: string): 'extension' | 'content' | undefined {
  if (sender.id !== extensionId) return undefined;
  // Compared as text: URL.origin is "null" for extension schemes outside the browser.
  if (sender.url?.startsWith(extensionBaseUrl)) return 'extension';
  if (sender.tab) return 'content';
  return undefined;
}

export async function route(message: unknown, sender: Sender): Promise<Result<unknown>> {
  const envelope = EnvelopeSchema.safeParse(message);
  if (!envelope.success) return { ok: false, error: 'Unknown message', code: 'invalid' };
  const type: MessageType = envelope.data.type;
  const spec = messages[type];
  const kind = senderKind(sender, browser.runtime.getURL('/'), browser.runtime.id);
  if (!kind || (spec.from !== 'any' && spec.from !== kind)) return { ok: false, error: 'This part of Parley may not ask for that', code: 'refused' };
  const payload = spec.request.safeParse(envelope.data.payload ?? {});
  if (!payload.success) {
    return { ok: false, error: payload.error.issues[0]?.message ?? 'Invalid request', code: 'invalid' };
  }
  try {
    return await (handlers[type] as (p: unknown) => Promise<Result<unknown>>)(payload.data);
  } catch (err) {
    console.error('[parley] handler failed', type, err);
    return { ok: false, error: 'Something went wrong inside Parley. Please try again.', code: 'internal' };
  }
}

export function setupMessageRouter() {
  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) => route(message, sender));
}
