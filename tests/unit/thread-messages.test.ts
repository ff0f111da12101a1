// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkedin } from '../../lib/sites';
import { threadMessages } from '../../lib/sites/messages';

function load(path: string) {
  const parsed = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/html');
  document.body.replaceChildren(...parsed.body.childNodes);
}

describe('threadMessages', () => {
  it('reads a LinkedIn conversation oldest first, with who sent what', () => {
    load('tests/fixtures/linkedin/messaging-thread.html');
    const url = new URL('https://www.linkedin.com/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/');
    const [composer] = linkedin.findComposers(document);
    const recipient = linkedin.recipientFor(composer!, url)!;
    const messages = threadMessages(composer!, recipient);
    expect(messages.map(({ direction, from, shownAt }) => ({ direction, from, shownAt }))).toEqual([
      { direction: 'sent', from: 'Noor Haddad', shownAt: '10:12 AM' },
      { direction: 'received', from: 'Sofia Lindqvist', shownAt: '11:40 AM' },
    ]);
    expect(messages[1]!.text).toBe('Hi Noor, yes, happy to talk. What times work for you?');
    // Keys are stable across reads, and differ per message.
    expect(threadMessages(composer!, recipient).map((m) => m.key)).toEqual(messages.map((m) => m.key));
    expect(new Set(messages.map((m) => m.key)).size).toBe(2);
  });
});
