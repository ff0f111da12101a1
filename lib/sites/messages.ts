import type { Composer, Recipient } from './types';

export interface ThreadMessage {
  key: string;
  direction: 'sent' | 'received';
  from: string;
  text: string;
  /** The time as the page shows it ("10:12 AM"): pages rarely give a full date. */
  shownAt: string;
}

/** FNV-1a, 2 × 32 bits: a stable key for a message as the page shows it (not a secret). */
function stableKey(parts: string[]): string {
  const s = parts.join('\u241f');
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return `m-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/**
 * The messages visible in a conversation, oldest first, read by structure: list items outside the
 * composer's form that carry a `<time>`; the sender is the item's profile link (consecutive messages
 * of one sender often omit it, so the last sender carries over); the body is its paragraphs. A
 * message is "received" when its sender's link is the recipient's profile.
 */
export function threadMessages(composer: Composer, recipient: Recipient): ThreadMessage[] {
  const form = composer.editor.closest('form');
  const items = [...composer.root.querySelectorAll('li')].filter((li) => li.querySelector('time') && !(form && form.contains(li)) && !li.querySelector(':scope li time'));
  const recipientPath = recipient.profileUrl ? new URL(recipient.profileUrl).pathname.toLowerCase().replace(/\/$/, '') : undefined;
  const out: ThreadMessage[] = [];
  let sender = '';
  let received = false;
  for (const li of items) {
    const link = li.querySelector<HTMLAnchorElement>('a[href*="/in/"], a[href*="/talent/profile/"], a[href*="/candidates/"]');
    if (link) {
      sender = text(link) || sender;
      const path = (() => {
        try {
          return new URL(link.href, location.href).pathname.toLowerCase().replace(/\/$/, '');
        } catch {
          return '';
        }
      })();
      received = recipientPath !== undefined ? path === recipientPath : sender === recipient.name;
    }
    const body = [...li.querySelectorAll('p')].map(text).filter(Boolean).join('\n');
    if (!body || !sender) continue;
    const shownAt = text(li.querySelector('time'));
    out.push({ key: stableKey([sender, shownAt, body]), direction: received ? 'received' : 'sent', from: sender, text: body, shownAt });
  }
  return out;
}
